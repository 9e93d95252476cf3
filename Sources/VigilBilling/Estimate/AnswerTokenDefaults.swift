package import VigilCore

/// The answer and thinking tokens a forecast assumes for a call it has no history of.
///
/// Output: 40 tokens a camera's verdict, and 14 more for a group's enclosing object keyed by camera
/// id (so 40 for one camera, 174 for a group of four: the figures in docs/DESIGN.md's example log).
/// A verdict is compact JSON of four fields, "quiet" when nothing happens (the built-in prompt asks
/// for that), about 100 characters of punctuation-heavy text; the margin covers the rare incident's
/// one-sentence description.
///
/// Thinking, billed as output:
/// - Gemini 2.5 with `thinking_budget` 0: none (Pro models cannot turn it off and are sent their
///   minimum, 128, taken as spent); dynamic (-1): 141, the most of the recorded 2.5 Flash answers
///   about an image (`shared/gemini/responses` 05: 141; 03, two images: 72), so the forecast errs
///   high; a positive budget: the budget, at most 141.
/// - Gemini 3 by `thinking_level`: MINIMAL 0, LOW 48, MEDIUM 160, HIGH 420. The one recorded Gemini 3
///   answer (04, at the default level HIGH) thought 36 tokens about a simpler question, so these err
///   high; they are the figures the Gemini stand-in uses.
/// - Older models: none.
/// Output and thinking together never exceed `gemini.max_output_tokens`. Measured figures replace
/// all of this as soon as there is history (`vigil estimate --history-days N`).
package enum AnswerTokenDefaults {
    /// Output tokens of one camera's verdict: 40.
    package static let outputPerCamera = 40
    /// Output tokens of a group answer's enclosing object: 14.
    package static let groupOverhead = 14
    /// Thinking tokens of a Gemini 2.5 call with a dynamic budget: 141.
    package static let dynamicThinking = 141
    /// Thinking tokens of a Gemini 3 call by thinking level.
    package static let thinkingByLevel = ["MINIMAL": 0, "LOW": 48, "MEDIUM": 160, "HIGH": 420]

    /// The output and thinking tokens expected of a call about `cameras` cameras.
    package static func expected(cameras: Int, gemini: GeminiConfiguration) -> (output: Int, thinking: Int) {
        let output = cameras <= 1 ? outputPerCamera : outputPerCamera * cameras + groupOverhead
        let cap = max(0, gemini.maxOutputTokens)
        let thinking = min(thinkingTokens(gemini), cap)
        return (min(output, cap - thinking), thinking)
    }

    /// The thinking tokens expected of a call with this configuration.
    package static func thinkingTokens(_ gemini: GeminiConfiguration) -> Int {
        let model = gemini.model
        if model.hasPrefix("gemini-3") { return thinkingByLevel[gemini.thinkingLevel] ?? thinkingByLevel["HIGH"] ?? 0 }
        guard model.hasPrefix("gemini-2.5") else { return 0 }
        var budget = gemini.thinkingBudget
        if model.contains("pro") && budget == 0 { budget = 128 }
        return budget < 0 ? dynamicThinking : min(budget, dynamicThinking)
    }
}
