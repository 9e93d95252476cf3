/// A camera's own scene-gate settings (`cameras[].scene_gate`): each key it sets replaces the
/// global `analysis.scene_gate` value for that camera; the others follow the global setting.
package struct SceneGateOverride: Sendable, Equatable {
    package var enabled: Bool?
    package var minChangedAreaPercent: Double?
    package var maxQuietSeconds: Double?

    package init(enabled: Bool? = nil, minChangedAreaPercent: Double? = nil, maxQuietSeconds: Double? = nil) {
        self.enabled = enabled
        self.minChangedAreaPercent = minChangedAreaPercent
        self.maxQuietSeconds = maxQuietSeconds
    }

    /// The camera's effective settings over the global ones.
    package func applied(to base: SceneGateConfiguration) -> SceneGateConfiguration {
        SceneGateConfiguration(
            enabled: enabled ?? base.enabled, minChangedAreaPercent: minChangedAreaPercent ?? base.minChangedAreaPercent,
            maxQuietSeconds: maxQuietSeconds ?? base.maxQuietSeconds)
    }

    static func read(_ object: ConfigurationObject?) -> SceneGateOverride? {
        guard let object else { return nil }
        return SceneGateOverride(
            enabled: object.bool("enabled"),
            minChangedAreaPercent: object.number("min_changed_area_percent", in: 0.01...100, unit: " %"),
            maxQuietSeconds: object.seconds("max_quiet_seconds", in: 1...86_400))
    }
}
