package import Foundation
package import VigilCapture
package import VigilCore

/// What the scene-change gate remembers and decides: for each camera, the thumbnail of the picture
/// last sent to Gemini (and the stream session it came from); for each source, when it was last
/// called. A pure value, tested without cameras or servers.
///
/// A sample is sent when any camera of its source changed, and always when: the gate is off for
/// any of its cameras; a camera has no reference (first sample after start, or after a failed or
/// unparsed call); a camera's stream session differs from its reference's (a reconnect); or the
/// source's last call is older than its cameras' shortest `max_quiet_seconds` (a heartbeat).
package struct SceneGateState: Sendable {
    /// One camera as sampled now.
    package struct Camera: Sendable {
        package var id: String
        package var gate: SceneGateConfiguration
        /// Nil when the camera had no fresh frame (a dark quadrant): it cannot have changed.
        package var thumbnail: SceneThumbnail?
        package var sessionID: UUID?

        package init(id: String, gate: SceneGateConfiguration, thumbnail: SceneThumbnail?, sessionID: UUID?) {
            self.id = id
            self.gate = gate
            self.thumbnail = thumbnail
            self.sessionID = sessionID
        }
    }

    /// The gate's verdict on a sample.
    package enum Decision: Sendable, Equatable {
        /// Send it. `changed` names the cameras that changed (in the given order); `reason` says why
        /// the sample goes: `changed`, `first`, `gate_off` or `heartbeat`.
        case send(changed: [String], reason: String)
        /// Nothing changed: keep it from Gemini.
        case skip
    }

    private struct Reference: Sendable {
        var thumbnail: SceneThumbnail
        var sessionID: UUID?
    }

    private var references: [String: Reference] = [:]
    private var lastCall: [String: Date] = [:]

    package init() {}

    /// Decides on a sample of `source` taken at `now`.
    package func decide(source: String, cameras: [Camera], now: Date) -> Decision {
        var changed: [String] = []
        var first = false
        for camera in cameras {
            guard let thumbnail = camera.thumbnail else { continue }
            guard let reference = references[camera.id], reference.sessionID == camera.sessionID else {
                first = true
                changed.append(camera.id)
                continue
            }
            let detector = SceneChangeDetector(minChangedAreaPercent: camera.gate.minChangedAreaPercent)
            if detector.compare(reference.thumbnail, thumbnail).changed { changed.append(camera.id) }
        }
        if cameras.contains(where: { !$0.gate.enabled }) { return .send(changed: changed, reason: "gate_off") }
        if first { return .send(changed: changed, reason: "first") }
        if !changed.isEmpty { return .send(changed: changed, reason: "changed") }
        let quiet = cameras.map(\.gate.maxQuietSeconds).min() ?? 300
        guard let last = lastCall[source], now.timeIntervalSince(last) < quiet else { return .send(changed: [], reason: "heartbeat") }
        return .skip
    }

    /// A call about `source` ended. When it produced verdicts, its cameras' thumbnails become their
    /// references and the source's quiet time starts again; when it failed, the references are
    /// dropped, so the next sample is sent whatever it shows.
    package mutating func called(source: String, cameras: [Camera], succeeded: Bool, at now: Date) {
        guard succeeded else {
            for camera in cameras { references[camera.id] = nil }
            lastCall[source] = nil
            return
        }
        for camera in cameras {
            if let thumbnail = camera.thumbnail {
                references[camera.id] = Reference(thumbnail: thumbnail, sessionID: camera.sessionID)
            } else {
                references[camera.id] = nil
            }
        }
        lastCall[source] = now
    }

    /// Forgets cameras and sources no longer configured.
    package mutating func keep(cameras: Set<String>, sources: Set<String>) {
        references = references.filter { cameras.contains($0.key) }
        lastCall = lastCall.filter { sources.contains($0.key) }
    }
}
