/// The JPEG sent with a request, and its size in pixels.
package struct GeminiImage: Sendable {
    package var jpeg: [UInt8]
    package var width: Int
    package var height: Int

    package init(jpeg: [UInt8], width: Int, height: Int) {
        self.jpeg = jpeg
        self.width = width
        self.height = height
    }
}
