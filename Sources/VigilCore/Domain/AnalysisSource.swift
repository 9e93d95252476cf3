/// What one Gemini call looks at: a single camera, or a group of four tiled 2x2.
package enum AnalysisSource: Sendable, Equatable {
    case camera(CameraConfiguration)
    /// A group and its four cameras in quadrant order (top-left, top-right, bottom-left, bottom-right).
    case group(GroupConfiguration, [CameraConfiguration])

    /// The id stored in `api_usage.source_id`.
    package var id: String {
        switch self {
        case .camera(let camera): camera.id
        case .group(let group, _): group.id
        }
    }

    /// `camera` or `group`, as stored in `api_usage.source_kind`.
    package var kind: String {
        switch self {
        case .camera: "camera"
        case .group: "group"
        }
    }

    /// The name in logs: `Front Door`, or `group shop-floor`.
    package var displayName: String {
        switch self {
        case .camera(let camera): camera.name
        case .group(let group, _): "group \(group.name)"
        }
    }

    /// The client whose call this is.
    package var client: String {
        switch self {
        case .camera(let camera): camera.client
        case .group(_, let cameras): cameras[0].client
        }
    }

    /// The tier this source's calls ask for: a camera's own `service_tier`, or a group's, else
    /// `default` (`gemini.service_tier`). A group's cameras' own settings are not consulted: a
    /// configured group's cameras may only repeat the group's (the file is refused otherwise), and
    /// an auto group (``AnalysisPlan``) joins only cameras with the same effective tier and carries
    /// the tier they all set, if they all set the same.
    package func serviceTier(default defaultTier: ServiceTier) -> ServiceTier {
        switch self {
        case .camera(let camera): camera.serviceTier ?? defaultTier
        case .group(let group, _): group.serviceTier ?? defaultTier
        }
    }

    /// The image resolution of this source's calls: a camera's own `media_resolution`, or a
    /// group's (for its whole 2x2 image), else `default` (`gemini.media_resolution`; nil leaves
    /// the model's default). A group's cameras are not consulted, as for ``serviceTier(default:)``.
    package func mediaResolution(default defaultResolution: MediaResolution?) -> MediaResolution? {
        switch self {
        case .camera(let camera): camera.mediaResolution ?? defaultResolution
        case .group(let group, _): group.mediaResolution ?? defaultResolution
        }
    }

    /// The cameras it shows, in quadrant order for a group.
    package var cameras: [CameraConfiguration] {
        switch self {
        case .camera(let camera): [camera]
        case .group(_, let cameras): cameras
        }
    }
}
