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

    /// The cameras it shows, in quadrant order for a group.
    package var cameras: [CameraConfiguration] {
        switch self {
        case .camera(let camera): [camera]
        case .group(_, let cameras): cameras
        }
    }
}
