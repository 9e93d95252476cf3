/// The token counts of one Gemini call, as reported in its `usageMetadata`.
///
/// Counts the response did not report are 0. ``promptTokens`` includes ``cachedTokens`` (a part of
/// the prompt, never extra), and ``totalTokens`` should equal prompt + candidates + thoughts +
/// tool-use prompt; ``isTotalConsistent`` says whether it does.
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
    /// The model version that answered (`modelVersion`), if reported.
    package var modelVersion: String?
    /// The response id (`responseId`), if reported.
    package var responseID: String?
    /// True when the response carried no usage and these counts are Vigil's estimate.
    package var estimated: Bool

    package init(
        promptTokens: Int = 0, cachedTokens: Int = 0, candidatesTokens: Int = 0, thoughtsTokens: Int = 0,
        toolUsePromptTokens: Int = 0, totalTokens: Int? = nil, promptDetails: [ModalityCount] = [],
        cacheDetails: [ModalityCount] = [], candidatesDetails: [ModalityCount] = [],
        toolUsePromptDetails: [ModalityCount] = [], modelVersion: String? = nil, responseID: String? = nil,
        estimated: Bool = false
    ) {
        self.promptTokens = promptTokens
        self.cachedTokens = cachedTokens
        self.candidatesTokens = candidatesTokens
        self.thoughtsTokens = thoughtsTokens
        self.toolUsePromptTokens = toolUsePromptTokens
        self.totalTokens = totalTokens ?? (promptTokens + candidatesTokens + thoughtsTokens + toolUsePromptTokens)
        self.promptDetails = promptDetails
        self.cacheDetails = cacheDetails
        self.candidatesDetails = candidatesDetails
        self.toolUsePromptDetails = toolUsePromptDetails
        self.modelVersion = modelVersion
        self.responseID = responseID
        self.estimated = estimated
    }

    /// No tokens at all: what a call that never got an answer used.
    package static let none = TokenUsage()

    /// prompt + candidates + thoughts + tool-use prompt.
    package var computedTotal: Int { promptTokens + candidatesTokens + thoughtsTokens + toolUsePromptTokens }

    /// Whether the reported total equals the sum of its parts.
    package var isTotalConsistent: Bool { totalTokens == computedTotal }

    /// Tokens billed at the input rate: uncached prompt plus tool-use prompt.
    package var inputBilledTokens: Int { promptTokens - cachedTokens + toolUsePromptTokens }
    /// Tokens billed at the cached-input rate.
    package var cachedBilledTokens: Int { cachedTokens }
    /// Tokens billed at the output rate: answer plus thinking.
    package var outputBilledTokens: Int { candidatesTokens + thoughtsTokens }

    /// Image tokens of the prompt, from the `IMAGE` entry of the prompt details (0 when not reported).
    package var imageTokens: Int { promptDetails.filter { $0.modality == "IMAGE" }.reduce(0) { $0 + $1.tokens } }
}
