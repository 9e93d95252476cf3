/// Where one line of a laid-out text sits, in points from the top of its layout.
struct LineMetrics: Sendable, Equatable {
    /// The top of the line's logical box.
    var top: Double
    /// The line's logical height (ascent, descent and line gap).
    var height: Double
    /// The line's baseline.
    var baseline: Double
    /// The left edge of the line's logical box (beyond 0 for centred or right-aligned text).
    var x: Double
}
