/// How many prompt tokens one image costs, by model family (Gemini Developer API).
///
/// - Gemini 2.5: 258 whatever the size.
/// - Gemini 2.0 and older: 258 when both sides are at most 384; otherwise the image is cut into
///   tiles of `clamp(floor(min(w, h) / 1.5), 256, 768)` and costs 258 × (tiles + 1).
/// - Gemini 3: `floor(sqrt(B·w/h)) · floor(sqrt(B·h/w))` with B = 1120 (high, the default), 560
///   (medium) or 280 (low).
/// Used to estimate usage when a response reports none, and to predict cost.
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
            return Int((budget * w / h).squareRoot().rounded(.down)) * Int((budget * h / w).squareRoot().rounded(.down))
        }
        if model.hasPrefix("gemini-2.5") { return 258 }
        if width <= 384 && height <= 384 { return 258 }
        let tile = min(768, max(256, Int((Double(min(width, height)) / 1.5).rounded(.down))))
        let tiles = ((width + tile - 1) / tile) * ((height + tile - 1) / tile)
        return 258 * (tiles + 1)
    }
}
