/// One camera: its stream, its name in logs and reports, and the client it belongs to.
package struct CameraConfiguration: Sendable, Equatable {
    /// Stable identifier (`front-door`), unique among cameras and groups.
    package var id: String
    /// Name shown in logs, reports and prompts (`Front Door`).
    package var name: String
    /// The stream: an rtsp, rtsps, http, https or file URL, or the path of a file that existed when
    /// the configuration was loaded. Its password is a secret and is never printed.
    package var url: StreamURL
    /// The id of the client it belongs to.
    package var client: String
    /// The RTSP transport; nil uses `capture.transport`.
    package var transport: CaptureConfiguration.Transport?
    /// A disabled camera is kept in the configuration but not opened. Default true.
    package var enabled: Bool
    /// This camera's own scene-gate settings over `analysis.scene_gate`; nil follows it wholly.
    package var sceneGate: SceneGateOverride?
    /// The tier this camera's own calls ask for; nil uses `gemini.service_tier`. A camera in a
    /// configured group is analysed in the group's call, so it may only repeat the group's tier.
    package var serviceTier: ServiceTier?
    /// The image resolution of this camera's own calls; nil uses `gemini.media_resolution`. A camera
    /// in a configured group may only repeat the group's resolution, as for ``serviceTier``.
    package var mediaResolution: MediaResolution?

    package init(
        id: String, name: String, url: StreamURL, client: String, transport: CaptureConfiguration.Transport? = nil, enabled: Bool = true,
        sceneGate: SceneGateOverride? = nil, serviceTier: ServiceTier? = nil, mediaResolution: MediaResolution? = nil
    ) {
        self.id = id
        self.name = name
        self.url = url
        self.client = client
        self.transport = transport
        self.enabled = enabled
        self.sceneGate = sceneGate
        self.serviceTier = serviceTier
        self.mediaResolution = mediaResolution
    }

    static let keys = ["id", "name", "url", "client", "transport", "enabled", "scene_gate", "service_tier", "media_resolution"]

    static func read(_ object: ConfigurationObject) -> CameraConfiguration? {
        let id = object.identifier("id")
        let name = object.string("name") ?? id
        var url: StreamURL?
        if let text = object.string("url", required: true) {
            do {
                url = try StreamURL.parseRequiringExistingFile(text)
            } catch {
                object.reader.report(
                    object.path("url"), line: object.line("url"),
                    "the stream URL \"\(StreamURL.redactingPassword(in: text))\" \(error.message)",
                    hint: "write rtsp://USER:PASSWORD@HOST:554/PATH (percent-encode special characters in the password), "
                        + "or rtsps://, http://, https:// or file:///PATH, or the path of an existing video file")
            }
        }
        let client = object.string("client", required: true)
        let transport = object.choice("transport", from: CaptureConfiguration.Transport.allCases.map(\.rawValue))
            .flatMap(CaptureConfiguration.Transport.init)
        let enabled = object.bool("enabled") ?? true
        let sceneGate = SceneGateOverride.read(object.object("scene_gate", keys: SceneGateConfiguration.keys))
        let serviceTier = object.serviceTier("service_tier", otherwise: "gemini.service_tier")
        let mediaResolution = object.mediaResolution("media_resolution", otherwise: "gemini.media_resolution")
        guard let id, let name, let url, let client else { return nil }
        return CameraConfiguration(
            id: id, name: name, url: url, client: client, transport: transport, enabled: enabled, sceneGate: sceneGate,
            serviceTier: serviceTier, mediaResolution: mediaResolution)
    }
}
