public import VigilCore

/// The parts of a successful (HTTP 200) generateContent response that Vigil uses.
public struct GeminiResponse: Sendable {
    /// The answer: the text of the first candidate's parts that are not thought summaries.
    public var text: String?
    /// The first candidate's finish reason (`STOP`, `MAX_TOKENS`, `SAFETY`, ... kept as sent).
    public var finishReason: String?
    /// `promptFeedback.blockReason` when the prompt was blocked (and no candidates came).
    public var blockReason: String?
    /// The reported usage, or nil when the body had none.
    public var usage: TokenUsage?
    public var modelVersion: String?
    public var responseID: String?

    /// Parses a response body. Unknown keys and finish reasons are kept or ignored, never fatal.
    ///
    /// - Throws: ``JSONParser/SyntaxError`` when the body is not JSON (a truncated body, say).
    public static func parse(_ body: [UInt8]) throws(JSONParser.SyntaxError) -> GeminiResponse {
        let root = try JSONParser.parse(body)
        let candidate = root["candidates"]?.array?.first
        let parts = candidate?["content"]?["parts"]?.array ?? []
        let answerParts = parts.filter { $0["thought"]?.bool != true }.compactMap { $0["text"]?.string }
        return GeminiResponse(
            text: answerParts.isEmpty ? nil : answerParts.joined(),
            finishReason: candidate?.first("finishReason", "finish_reason")?.string,
            blockReason: root.first("promptFeedback", "prompt_feedback")?.first("blockReason", "block_reason")?.string,
            usage: UsageMetadataParser.usage(in: root),
            modelVersion: root.first("modelVersion", "model_version")?.string,
            responseID: root.first("responseId", "response_id")?.string)
    }
}
