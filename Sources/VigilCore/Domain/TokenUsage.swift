/// The token counts of one Gemini call, as reported in its `usageMetadata`.
///
/// Counts the response did not report are 0. ``promptTokens`` includes ``cachedTokens`` (a part of
/// the prompt, never extra), and ``totalTokens`` should equal prompt + candidates + thoughts +
/// tool-use prompt; ``isTotalConsistent`` says whether it does.
///
/// The counts come from the network, so nothing here trusts them: every derived figure
/// (``computedTotal``, ``inputBilledTokens``, ``outputBilledTokens``, ``imageTokens``) saturates at
/// `Int.min`/`Int.max` instead of trapping, and ``isTotalConsistent`` is false when the sum does not
/// fit in an `Int`. A usage whose reported counts were not plausible token counts is *invalid*
/// (``invalidReason``): its counts are all 0 and ``rawUsageMetadata`` keeps what was sent.
package struct TokenUsage: Sendable, Equatable, Hashable, Codable {
    /// Tokens of one modality within a count (`IMAGE`: 258).
    package struct ModalityCount: Sendable, Equatable, Hashable, Codable {
        package var modality: String
        package var tokens: Int
        package init(modality: String, tokens: Int) {
            self.modality = modality
            self.tokens = tokens
        }
    }

    /// The largest token count (each count, the total included) taken as plausible: 10,000,000.
    ///
    /// The largest context window of any Gemini model is 2,097,152 tokens (Gemini 1.5 Pro; the 2.5
    /// and 3 models take 1,048,576), and input, output and thinking together cannot exceed it by
    /// much. A count several times above that is not a count of this call's tokens but a broken or
    /// hostile answer, so it makes the usage invalid rather than a bill. The bound also keeps every
    /// sum of counts far inside `Int` and inside PostgreSQL's `integer` columns (2³¹ − 1).
    package static let maximumPlausibleCount = 10_000_000

    /// All input tokens, cached ones included (`promptTokenCount`).
    package var promptTokens: Int
    /// The part of the prompt served from cache (`cachedContentTokenCount`).
    package var cachedTokens: Int
    /// Answer tokens (`candidatesTokenCount`).
    package var candidatesTokens: Int
    /// Thinking tokens (`thoughtsTokenCount`), billed as output.
    package var thoughtsTokens: Int
    /// Tokens of server-side tool results (`toolUsePromptTokenCount`), billed as input.
    package var toolUsePromptTokens: Int
    /// `totalTokenCount` as reported (or computed, when the response gave none).
    package var totalTokens: Int
    /// Per-modality breakdowns, as reported.
    package var promptDetails: [ModalityCount]
    package var cacheDetails: [ModalityCount]
    package var candidatesDetails: [ModalityCount]
    package var toolUsePromptDetails: [ModalityCount]
    /// The tier that served the call as `usageMetadata.serviceTier` said it (`standard`, `flex`,
    /// `priority`), letters, digits and `_` only, at most 40 characters; nil when absent (the API's
    /// default: standard) or not such a word. See ``ServiceTier/init(wire:)``.
    package var serviceTier: String?
    /// The model version that answered (`modelVersion`), if reported.
    package var modelVersion: String?
    /// The response id (`responseId`), if reported.
    package var responseID: String?
    /// True when the response carried no usage and these counts are Vigil's estimate.
    package var estimated: Bool
    /// Why the reported usage was refused (`promptTokenCount is -500, a negative number`); nil
    /// when the usage is valid. An invalid usage has every count 0 and no details: the call is still
    /// an attempt and a row, but its tokens are unknown, never guessed and never billed as sent.
    package var invalidReason: String?
    /// The `usageMetadata` JSON as received (compact, at most 4,096 bytes, the API key redacted),
    /// kept when the usage is invalid so an operator can see what came; nil for a valid usage.
    package var rawUsageMetadata: String?

    /// The longest ``rawUsageMetadata`` kept, in UTF-8 bytes.
    package static let maximumRawUsageMetadataBytes = 4_096

    package init(
        promptTokens: Int = 0, cachedTokens: Int = 0, candidatesTokens: Int = 0, thoughtsTokens: Int = 0,
        toolUsePromptTokens: Int = 0, totalTokens: Int? = nil, promptDetails: [ModalityCount] = [],
        cacheDetails: [ModalityCount] = [], candidatesDetails: [ModalityCount] = [],
        toolUsePromptDetails: [ModalityCount] = [], modelVersion: String? = nil, responseID: String? = nil,
        estimated: Bool = false, invalidReason: String? = nil, rawUsageMetadata: String? = nil, serviceTier: String? = nil
    ) {
        self.promptTokens = promptTokens
        self.cachedTokens = cachedTokens
        self.candidatesTokens = candidatesTokens
        self.thoughtsTokens = thoughtsTokens
        self.toolUsePromptTokens = toolUsePromptTokens
        self.totalTokens = totalTokens ?? Self.saturatingSum([promptTokens, candidatesTokens, thoughtsTokens, toolUsePromptTokens])
        self.promptDetails = promptDetails
        self.cacheDetails = cacheDetails
        self.candidatesDetails = candidatesDetails
        self.toolUsePromptDetails = toolUsePromptDetails
        self.modelVersion = modelVersion
        self.responseID = responseID
        self.estimated = estimated
        self.invalidReason = invalidReason
        self.rawUsageMetadata = rawUsageMetadata
        self.serviceTier = serviceTier
    }

    /// A usage whose reported counts were refused: every count 0, with the reason and the raw
    /// `usageMetadata` text (the caller bounds and redacts it).
    package static func invalid(reason: String, rawUsageMetadata: String?) -> TokenUsage {
        TokenUsage(totalTokens: 0, invalidReason: reason, rawUsageMetadata: rawUsageMetadata)
    }

    /// No tokens at all: what a call that never got an answer used.
    package static let none = TokenUsage()

    /// Whether the reported counts were accepted (``invalidReason`` is nil).
    package var isValid: Bool { invalidReason == nil }

    /// prompt + candidates + thoughts + tool-use prompt, saturating at the bounds of `Int`.
    package var computedTotal: Int { Self.saturatingSum([promptTokens, candidatesTokens, thoughtsTokens, toolUsePromptTokens]) }

    /// Whether the reported total equals the sum of its parts; false when that sum overflows `Int`.
    package var isTotalConsistent: Bool {
        guard let sum = Self.checkedSum([promptTokens, candidatesTokens, thoughtsTokens, toolUsePromptTokens]) else { return false }
        return totalTokens == sum
    }

    /// Tokens billed at the input rate: uncached prompt plus tool-use prompt (saturating).
    package var inputBilledTokens: Int {
        Self.saturatingSum([Self.saturatingSum([promptTokens, Self.saturatingNegation(cachedTokens)]), toolUsePromptTokens])
    }
    /// Tokens billed at the cached-input rate.
    package var cachedBilledTokens: Int { cachedTokens }
    /// Tokens billed at the output rate: answer plus thinking (saturating).
    package var outputBilledTokens: Int { Self.saturatingSum([candidatesTokens, thoughtsTokens]) }

    /// Image tokens of the prompt, from the `IMAGE` entry of the prompt details (0 when not
    /// reported; saturating).
    package var imageTokens: Int { Self.saturatingSum(promptDetails.filter { $0.modality == "IMAGE" }.map(\.tokens)) }

    /// The sum of `values`, or nil when it does not fit in an `Int`.
    package static func checkedSum(_ values: [Int]) -> Int? {
        var sum = 0
        for value in values {
            let (result, overflow) = sum.addingReportingOverflow(value)
            if overflow { return nil }
            sum = result
        }
        return sum
    }

    /// The sum of `values`; once it would leave the range of `Int` it is `Int.max` or `Int.min`
    /// (by the sign of the value that overflowed it) and the values after are not added.
    package static func saturatingSum(_ values: [Int]) -> Int {
        var sum = 0
        for value in values {
            let (result, overflow) = sum.addingReportingOverflow(value)
            if overflow { return value > 0 ? .max : .min }
            sum = result
        }
        return sum
    }

    /// `-value`, with `-Int.min` held at `Int.max`.
    private static func saturatingNegation(_ value: Int) -> Int { value == .min ? .max : -value }
}
