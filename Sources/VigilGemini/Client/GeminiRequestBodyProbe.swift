public import VigilCore

/// The request body builder, exposed for benchmarks that time it (the daemon uses it through
/// ``GeminiClient``).
public enum GeminiRequestBodyProbe {
    public static func make(image: GeminiImage, prompt: AnalysisPrompt, configuration: GeminiConfiguration) -> [UInt8] {
        GeminiRequestBody.make(image: image, prompt: prompt, configuration: configuration)
    }
}
