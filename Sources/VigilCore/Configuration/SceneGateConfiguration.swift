/// The scene-change gate: a sample whose cameras show nothing new since the picture last sent to
/// Gemini is not sent (`analysis.scene_gate`, overridable per camera as `cameras[].scene_gate`).
///
/// Never skipped: the first sample after start or reconnect, the first after a failed or unparsed
/// call, and one whose last call is older than ``maxQuietSeconds`` (a heartbeat).
package struct SceneGateConfiguration: Sendable, Equatable {
    /// Off: every sample is sent. Default on.
    package var enabled: Bool
    /// Percent of a camera's picture (of its 64 x 36 cells) that must change. Default 1.0.
    package var minChangedAreaPercent: Double
    /// Longest time without a call for a source, in seconds. Default 300.
    package var maxQuietSeconds: Double

    package init(enabled: Bool = true, minChangedAreaPercent: Double = 1.0, maxQuietSeconds: Double = 300) {
        self.enabled = enabled
        self.minChangedAreaPercent = minChangedAreaPercent
        self.maxQuietSeconds = maxQuietSeconds
    }

    static let keys = ["enabled", "min_changed_area_percent", "max_quiet_seconds"]

    static func read(_ object: ConfigurationObject?) -> SceneGateConfiguration {
        SceneGateOverride.read(object)?.applied(to: SceneGateConfiguration()) ?? SceneGateConfiguration()
    }
}
