/// What an alert tells its receivers about; the `kind` field of a webhook's body and the
/// `alerts.kind` column.
package enum AlertKind: String, Sendable, CaseIterable, Codable {
    /// Gemini reported an incident on a camera that the alert rules let through.
    case incident
    /// A camera has not been live for `alerts.camera_offline_after_seconds`.
    case cameraOffline = "camera_offline"
    /// A camera that was reported offline is live again.
    case cameraOnline = "camera_online"
    /// A client's spending crossed a budget level.
    case budget
    /// Sent by `vigil alerts test`, to check the channels.
    case test
}
