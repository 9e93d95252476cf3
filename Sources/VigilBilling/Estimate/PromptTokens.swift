/// What the request for one source puts in the prompt, by the configuration: the image's size and
/// tokens (by the model's image rule) and the tokens of the text (system instruction and the
/// source's words).
///
/// Made outside billing (`vigil estimate` uses the capture layout and the Gemini client's own
/// estimate), so the forecast counts exactly what the daemon would send.
package struct PromptTokens: Sendable, Equatable {
    /// The image sent, in pixels.
    package var imageWidth: Int
    package var imageHeight: Int
    /// Tokens of the image.
    package var image: Int
    /// Tokens of the text parts: system instruction and the source's words.
    package var text: Int

    package init(imageWidth: Int, imageHeight: Int, image: Int, text: Int) {
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.image = image
        self.text = text
    }
}
