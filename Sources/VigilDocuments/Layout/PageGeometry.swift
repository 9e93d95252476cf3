/// The size of a page and its margins, in points (1/72 inch), from the top left corner.
struct PageGeometry: Sendable, Equatable {
    var width: Double
    var height: Double
    /// The same on all four sides.
    var margin: Double

    /// ISO A4 (210 x 297 mm) with 15 mm margins.
    static let a4 = PageGeometry(width: 595.28, height: 841.89, margin: 15 / 25.4 * 72)

    /// The left edge of the text.
    var left: Double { margin }
    /// The right edge of the text.
    var right: Double { width - margin }
    /// The width of the text: 510 pt on A4.
    var contentWidth: Double { width - 2 * margin }
}
