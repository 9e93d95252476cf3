package import VigilCore

/// The parts of a successful (HTTP 200) generateContent response that Vigil uses.
package struct GeminiResponse: Sendable {
    /// The answer: the text of the first candidate's parts that are not thought summaries.
    package var text: String?
    /// The first candidate's finish reason (`STOP`, `MAX_TOKENS`, `SAFETY`, ... kept as sent).
    package var finishReason: String?
    /// `promptFeedback.blockReason` when the prompt was blocked (and no candidates came).
    package var blockReason: String?
    /// The reported usage, or nil when the body had none; invalid (``TokenUsage/invalidReason``)
    /// when its counts could not be real (``UsageMetadataParser``).
    package var usage: TokenUsage?
    package var modelVersion: String?
    package var responseID: String?

    /// Parses a response body. Unknown keys and finish reasons are kept or ignored, never fatal.
    ///
    /// - Parameter redactor: applied to the raw usage text kept when the usage is invalid.
    /// - Throws: ``JSONParser/SyntaxError`` when the body is not JSON (a truncated body, say, or one
    ///   nested deeper than the parser allows).
    package static func parse(_ body: [UInt8], redactor: SecretRedactor = SecretRedactor()) throws(JSONParser.SyntaxError)
        -> GeminiResponse
    {
        let root = try JSONParser.parse(body)
        let candidate = root["candidates"]?.array?.first
        let parts = candidate?["content"]?["parts"]?.array ?? []
        let answerParts = parts.filter { $0["thought"]?.bool != true }.compactMap { $0["text"]?.string }
        return GeminiResponse(
            text: answerParts.isEmpty ? nil : answerParts.joined(),
            finishReason: candidate?.first("finishReason", "finish_reason")?.string,
            blockReason: root.first("promptFeedback", "prompt_feedback")?.first("blockReason", "block_reason")?.string,
            usage: UsageMetadataParser.usage(in: root, redactor: redactor),
            modelVersion: root.first("modelVersion", "model_version")?.string,
            responseID: root.first("responseId", "response_id")?.string)
    }
}
