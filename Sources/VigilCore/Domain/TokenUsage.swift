/// The token counts of one Gemini call, as reported in its `usageMetadata`.
///
/// Counts the response did not report are 0. ``promptTokens`` includes ``cachedTokens`` (a part of
/// the prompt, never extra), and ``totalTokens`` should equal prompt + candidates + thoughts +
/// tool-use prompt; ``isTotalConsistent`` says whether it does.
public struct TokenUsage: Sendable, Equatable, Hashable, Codable {
    /// Tokens of one modality within a count (`IMAGE`: 258).
    public struct ModalityCount: Sendable, Equatable, Hashable, Codable {
        public var modality: String
        public var tokens: Int
        public init(modality: String, tokens: Int) {
            self.modality = modality
            self.tokens = tokens
        }
    }

    /// All input tokens, cached ones included (`promptTokenCount`).
    public var promptTokens: Int
    /// The part of the prompt served from cache (`cachedContentTokenCount`).
    public var cachedTokens: Int
    /// Answer tokens (`candidatesTokenCount`).
    public var candidatesTokens: Int
    /// Thinking tokens (`thoughtsTokenCount`), billed as output.
    public var thoughtsTokens: Int
    /// Tokens of server-side tool results (`toolUsePromptTokenCount`), billed as input.
    public var toolUsePromptTokens: Int
    /// `totalTokenCount` as reported (or computed, when the response gave none).
    public var totalTokens: Int
    /// Per-modality breakdowns, as reported.
    public var promptDetails: [ModalityCount]
    public var cacheDetails: [ModalityCount]
    public var candidatesDetails: [ModalityCount]
    public var toolUsePromptDetails: [ModalityCount]
    /// The model version that answered (`modelVersion`), if reported.
    public var modelVersion: String?
    /// The response id (`responseId`), if reported.
    public var responseID: String?
    /// True when the response carried no usage and these counts are Vigil's estimate.
    public var estimated: Bool

    public init(promptTokens: Int = 0, cachedTokens: Int = 0, candidatesTokens: Int = 0, thoughtsTokens: Int = 0,
                toolUsePromptTokens: Int = 0, totalTokens: Int? = nil, promptDetails: [ModalityCount] = [],
                cacheDetails: [ModalityCount] = [], candidatesDetails: [ModalityCount] = [],
                toolUsePromptDetails: [ModalityCount] = [], modelVersion: String? = nil, responseID: String? = nil,
                estimated: Bool = false) {
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
    public static let none = TokenUsage()

    /// prompt + candidates + thoughts + tool-use prompt.
    public var computedTotal: Int { promptTokens + candidatesTokens + thoughtsTokens + toolUsePromptTokens }

    /// Whether the reported total equals the sum of its parts.
    public var isTotalConsistent: Bool { totalTokens == computedTotal }

    /// Tokens billed at the input rate: uncached prompt plus tool-use prompt.
    public var inputBilledTokens: Int { promptTokens - cachedTokens + toolUsePromptTokens }
    /// Tokens billed at the cached-input rate.
    public var cachedBilledTokens: Int { cachedTokens }
    /// Tokens billed at the output rate: answer plus thinking.
    public var outputBilledTokens: Int { candidatesTokens + thoughtsTokens }

    /// Image tokens of the prompt, from the `IMAGE` entry of the prompt details (0 when not reported).
    public var imageTokens: Int { promptDetails.filter { $0.modality == "IMAGE" }.reduce(0) { $0 + $1.tokens } }
}
