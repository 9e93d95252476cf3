/// How many prompt tokens one image costs, by model family (Gemini Developer API).
///
/// - Gemini 2.5: 258 whatever the size.
/// - Gemini 2.0 and older: 258 when both sides are at most 384; otherwise the image is cut into
///   tiles of `clamp(floor(min(w, h) / 1.5), 256, 768)` and costs 258 × (tiles + 1).
/// - Gemini 3: `floor(sqrt(B·w/h)) · floor(sqrt(B·h/w))` with B = 1120 (high, the default), 560
///   (medium) or 280 (low).
/// Used to estimate usage when a response reports none, and to predict cost. Never traps: a size
/// of 0 or less costs 0, and a size too large for the sum to fit in an `Int` costs `Int.max`.
package enum ImageTokenRule {
    package static func tokens(model: String, width: Int, height: Int, mediaResolution: String? = nil) -> Int {
        guard width > 0, height > 0 else { return 0 }
        if model.hasPrefix("gemini-3") {
            let budget: Double =
                switch mediaResolution {
                case "LOW": 280
                case "MEDIUM": 560
                default: 1120
                }
            let w = Double(width), h = Double(height)
            // Each factor is at most sqrt(B · Int.max) and their product at most B: both fit.
            return wholePart((budget * w / h).squareRoot()) * wholePart((budget * h / w).squareRoot())
        }
        if model.hasPrefix("gemini-2.5") { return 258 }
        if width <= 384 && height <= 384 { return 258 }
        let side = min(width, height)
        let tile = side >= 1152 ? 768 : max(256, side * 2 / 3)  // floor(side / 1.5), without overflow
        let across = width / tile + (width % tile == 0 ? 0 : 1)
        let down = height / tile + (height % tile == 0 ? 0 : 1)
        let (tiles, overflow) = across.multipliedReportingOverflow(by: down)
        guard !overflow, tiles < Int.max / 258 - 1 else { return .max }
        return 258 * (tiles + 1)
    }

    /// `floor(value)` for a finite value from 0 to 2⁵³; anything else is 0.
    private static func wholePart(_ value: Double) -> Int {
        guard value.isFinite, value >= 0, value <= 9_007_199_254_740_992 else { return 0 }
        return Int(value.rounded(.down))
    }
}
