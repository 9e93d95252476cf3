import Foundation
package import VigilCore

/// Builds the generateContent JSON body: system instruction, the JPEG inline, the question, and a
/// generation config asking for JSON against the verdict schema with the model family's thinking.
///
/// A tier other than standard is asked for with the top-level `"serviceTier": "flex"` (or
/// `"priority"`), as Google's SDKs send `config.service_tier`; standard, the API's default, is not
/// named. A Gemini 3 image's resolution goes on its part, `"mediaResolution": {"level":
/// "MEDIA_RESOLUTION_LOW"}`, as the SDKs send a part's `media_resolution`.
package enum GeminiRequestBody {
    package static func make(
        image: GeminiImage, prompt: AnalysisPrompt, configuration: GeminiConfiguration, options: GeminiCallOptions = GeminiCallOptions()
    ) -> [UInt8] {
        var generation: [(String, JSONNode)] = [
            ("responseMimeType", .string("application/json")),
            ("responseJsonSchema", prompt.schema),
            ("maxOutputTokens", .number(configuration.maxOutputTokens)),
            ("temperature", JSONNode(.number("0.2"), line: 0)),
        ]
        if let thinking = thinkingConfig(model: configuration.model, configuration: configuration) {
            generation.append(("thinkingConfig", thinking))
        }
        var imagePart: [(String, JSONNode)] = [
            ("inlineData", .object(["mimeType": .string("image/jpeg"), "data": .string(Data(image.jpeg).base64EncodedString())]))
        ]
        if MediaResolution.appliesTo(model: configuration.model),
            let resolution = options.mediaResolution ?? configuration.mediaResolutionLevel
        {
            imagePart.append(("mediaResolution", .object(["level": .string(resolution.wireLevel)])))
        }
        var body: [(String, JSONNode)] = [
            ("systemInstruction", .object(["parts": .array([.object(["text": .string(prompt.systemInstruction)])])])),
            (
                "contents",
                .array([
                    .object([
                        "role": .string("user"),
                        "parts": .array([.object(pairs: imagePart), .object(["text": .string(prompt.userText)])]),
                    ])
                ])
            ),
            ("generationConfig", .object(pairs: generation)),
        ]
        if options.tier != .standard { body.append(("serviceTier", .string(options.tier.rawValue))) }
        return JSONNode.object(pairs: body).serialized()
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
