/// How finely Gemini 3 looks at an image (`gemini.media_resolution`, `cameras[].media_resolution`,
/// `groups[].media_resolution`): a coarser level costs fewer input tokens per image. Gemini 2.x
/// models ignore it.
package enum MediaResolution: String, Sendable, CaseIterable {
    case low = "LOW"
    case medium = "MEDIUM"
    case high = "HIGH"

    /// Whether `model` takes a media resolution (the Gemini 3 family; 2.x ignores it, and counts an
    /// image's tokens by its tiles instead).
    package static func appliesTo(model: String) -> Bool { model.hasPrefix("gemini-3") }

    /// The value of `generationConfig.mediaResolution` in a request: `MEDIA_RESOLUTION_LOW`, ...
    package var wireLevel: String { "MEDIA_RESOLUTION_\(rawValue)" }

    /// The most input tokens Gemini 3 spends on one image at this level: 280, 560 or 1120. A group's
    /// 2x2 tile is one image, so its four cameras share one budget.
    package var imageTokenBudget: Int {
        switch self {
        case .low: 280
        case .medium: 560
        case .high: 1120
        }
    }
}
