/// How often cameras are sampled and how their images are made.
package struct AnalysisConfiguration: Sendable, Equatable {
    /// Seconds between two samples of each source. Default 10; 0.2 to 86,400.
    package var intervalSeconds: Double
    /// The longer side of a single camera's image, in pixels; a 2x2 tile is twice this. Default 768.
    package var maxImageSide: Int
    /// JPEG quality, 1 to 100. Default 80.
    package var jpegQuality: Int
    /// A frame older than this counts as no frame. Default twice the interval.
    package var maxFrameAgeSeconds: Double
    /// Tile a client's ungrouped cameras in fours, in configuration order. Default false.
    package var autoGroup: Bool
    /// The scene-change gate for every camera (each may override it).
    package var sceneGate: SceneGateConfiguration

    package init(
        intervalSeconds: Double = 10, maxImageSide: Int = 768, jpegQuality: Int = 80, maxFrameAgeSeconds: Double? = nil,
        autoGroup: Bool = false, sceneGate: SceneGateConfiguration = SceneGateConfiguration()
    ) {
        self.intervalSeconds = intervalSeconds
        self.maxImageSide = maxImageSide
        self.jpegQuality = jpegQuality
        self.maxFrameAgeSeconds = maxFrameAgeSeconds ?? 2 * intervalSeconds
        self.autoGroup = autoGroup
        self.sceneGate = sceneGate
    }

    static let keys = ["interval_seconds", "max_image_side", "jpeg_quality", "max_frame_age_seconds", "auto_group", "scene_gate"]

    static func read(_ object: ConfigurationObject?) -> AnalysisConfiguration {
        guard let object else { return AnalysisConfiguration() }
        let interval = object.seconds("interval_seconds", in: 0.2...86_400) ?? 10
        return AnalysisConfiguration(
            intervalSeconds: interval,
            maxImageSide: object.integer("max_image_side", in: 64...4096) ?? 768,
            jpegQuality: object.integer("jpeg_quality", in: 1...100) ?? 80,
            maxFrameAgeSeconds: object.seconds("max_frame_age_seconds", in: 0.1...172_800),
            autoGroup: object.bool("auto_group") ?? false,
            sceneGate: SceneGateConfiguration.read(object.object("scene_gate", keys: SceneGateConfiguration.keys))
        )
    }
}
