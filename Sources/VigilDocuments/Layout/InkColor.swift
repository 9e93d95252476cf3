/// A colour to draw with, each component from 0 to 1.
struct InkColor: Sendable, Equatable {
    var red: Double
    var green: Double
    var blue: Double

    /// A grey: 0 black, 1 white.
    static func gray(_ level: Double) -> InkColor { InkColor(red: level, green: level, blue: level) }

    /// Body text.
    static let text = InkColor.gray(0.1)
    /// Labels and the footer.
    static let muted = InkColor.gray(0.42)
    /// Rules between table rows.
    static let hairline = InkColor.gray(0.78)
    /// The table header's background.
    static let headerFill = InkColor.gray(0.92)
    /// The draft watermark, behind everything.
    static let watermark = InkColor(red: 0.96, green: 0.85, blue: 0.85)
    /// The word "DRAFT" in headers.
    static let draft = InkColor(red: 0.75, green: 0.1, blue: 0.1)
}
