/// The tokens of one call, by kind: whole numbers from the configuration, averages from history.
///
/// `prompt` is `image` + `text` and includes `cached`; `output` and `thinking` are both billed at
/// the output rate. From history, `image` is the model's rule for the image sent (the rollup keeps
/// no image split) and `text` the rest of the measured prompt.
package struct TokensPerCall: Sendable, Equatable {
    package var prompt: Double
    package var image: Double
    package var text: Double
    package var cached: Double
    package var output: Double
    package var thinking: Double
    package var toolUse: Double

    package init(
        prompt: Double, image: Double, text: Double, cached: Double = 0, output: Double, thinking: Double, toolUse: Double = 0
    ) {
        self.prompt = prompt
        self.image = image
        self.text = text
        self.cached = cached
        self.output = output
        self.thinking = thinking
        self.toolUse = toolUse
    }

    /// Every token of the call: prompt + output + thinking + tool use.
    package var total: Double { prompt + output + thinking + toolUse }
}
