package import Foundation

/// Which incidents may be sent now, per camera and incident type: a pure value.
///
/// The first incident of a camera and type is sent; any further one within `cooldownSeconds` of the
/// last one *sent* is suppressed and counted; the next one sent after the cooldown carries that
/// count (`suppressed` in its details), and the count starts again. A cooldown of 0 sends every
/// incident. The state lives in the daemon's memory: after a restart the first incident of each
/// camera and type is sent again.
package struct AlertCooldown: Sendable, Equatable {
    /// What the cooldown decided for one incident.
    package enum Decision: Sendable, Equatable {
        /// Send it, saying how many incidents of its camera and type were suppressed since the last one sent.
        case send(suppressedBefore: Int)
        /// Within the cooldown: not sent; `count` incidents are now waiting to be mentioned.
        case suppress(count: Int)
    }

    private struct Key: Hashable, Sendable {
        var camera: String
        var type: String
    }

    private struct Entry: Sendable, Equatable {
        var lastSent: Date
        var suppressed: Int
    }

    private var entries: [Key: Entry] = [:]

    package init() {}

    /// Decides for an incident of `type` on `camera` at `time`, with the camera's client's cooldown.
    package mutating func decide(camera: String, type: String, at time: Date, cooldownSeconds: Int) -> Decision {
        let key = Key(camera: camera, type: type)
        if var entry = entries[key], cooldownSeconds > 0, time.timeIntervalSince(entry.lastSent) < Double(cooldownSeconds),
            time >= entry.lastSent
        {
            entry.suppressed += 1
            entries[key] = entry
            return .suppress(count: entry.suppressed)
        }
        let suppressed = entries[key]?.suppressed ?? 0
        entries[key] = Entry(lastSent: time, suppressed: 0)
        return .send(suppressedBefore: suppressed)
    }

    /// Forgets cameras no longer configured.
    package mutating func retain(cameras: Set<String>) {
        entries = entries.filter { cameras.contains($0.key.camera) }
    }
}
