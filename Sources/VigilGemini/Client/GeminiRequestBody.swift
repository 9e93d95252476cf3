import Foundation
package import VigilCore

/// Builds the generateContent JSON body: system instruction, the JPEG inline, the question, and a
/// generation config asking for JSON against the verdict schema with the model family's thinking.
package enum GeminiRequestBody {
    package static func make(image: GeminiImage, prompt: AnalysisPrompt, configuration: GeminiConfiguration) -> [UInt8] {
        var generation: [(String, JSONNode)] = [
            ("responseMimeType", .string("application/json")),
            ("responseJsonSchema", prompt.schema),
            ("maxOutputTokens", .number(configuration.maxOutputTokens)),
            ("temperature", JSONNode(.number("0.2"), line: 0)),
        ]
        if let thinking = thinkingConfig(model: configuration.model, configuration: configuration) {
            generation.append(("thinkingConfig", thinking))
        }
        if configuration.model.hasPrefix("gemini-3"), let resolution = configuration.mediaResolution {
            generation.append(("mediaResolution", .string("MEDIA_RESOLUTION_\(resolution)")))
        }
        let body = JSONNode.object([
            "systemInstruction": .object(["parts": .array([.object(["text": .string(prompt.systemInstruction)])])]),
            "contents": .array([
                .object([
                    "role": .string("user"),
                    "parts": .array([
                        .object([
                            "inlineData": .object([
                                "mimeType": .string("image/jpeg"), "data": .string(Data(image.jpeg).base64EncodedString()),
                            ])
                        ]),
                        .object(["text": .string(prompt.userText)]),
                    ]),
                ])
            ]),
            "generationConfig": .object(pairs: generation),
        ])
        return body.serialized()
    }

    /// Gemini 3 takes a thinking level, Gemini 2.5 a token budget (the Pro models cannot turn
    /// thinking off, so 0 becomes their minimum, 128); older models take none.
    static func thinkingConfig(model: String, configuration: GeminiConfiguration) -> JSONNode? {
        if model.hasPrefix("gemini-3") {
            return .object(["thinkingLevel": .string(configuration.thinkingLevel)])
        }
        if model.hasPrefix("gemini-2.5") {
            var budget = configuration.thinkingBudget
            if model.contains("pro") && budget == 0 { budget = 128 }
            return .object(["thinkingBudget": .number(budget)])
        }
        return nil
    }
}
