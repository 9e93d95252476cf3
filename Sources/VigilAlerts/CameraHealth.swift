package import Foundation

/// Which cameras have gone dark and come back, from their liveness over time: a pure value.
///
/// A camera that is not live (never opened, stalled, down, reconnecting) for `offlineAfter`
/// seconds gives one ``Change/offline(camera:since:)``; when it is live again after that, one
/// ``Change/online(camera:since:outage:)`` with the whole outage's length. A camera that comes back
/// within `offlineAfter` (a flap) gives neither. Feed it every camera's state regularly with
/// ``observe(_:at:)``; a camera is judged at each observation, so an offline alert comes at most
/// one observation period after the threshold.
package struct CameraHealth: Sendable, Equatable {
    /// A change worth an alert.
    package enum Change: Sendable, Equatable {
        case offline(camera: String, since: Date)
        case online(camera: String, since: Date, outage: TimeInterval)
    }

    private struct State: Sendable, Equatable {
        /// Since when it has not been live; nil while live.
        var downSince: Date?
        /// Whether its offline alert was given for the current outage.
        var reported: Bool
    }

    /// Seconds without being live before a camera is reported offline.
    package var offlineAfter: TimeInterval
    private var cameras: [String: State] = [:]

    package init(offlineAfter: TimeInterval) {
        self.offlineAfter = offlineAfter
    }

    /// Records each camera's liveness at `time` (`true`: live) and returns the changes to report, in
    /// camera order. A camera missing from `liveness` is forgotten (removed from the configuration).
    package mutating func observe(_ liveness: [String: Bool], at time: Date) -> [Change] {
        var changes: [Change] = []
        cameras = cameras.filter { liveness[$0.key] != nil }
        for (camera, live) in liveness.sorted(by: { $0.key < $1.key }) {
            var state = cameras[camera] ?? State(downSince: nil, reported: false)
            if live {
                if let since = state.downSince, state.reported {
                    changes.append(.online(camera: camera, since: since, outage: max(0, time.timeIntervalSince(since))))
                }
                state = State(downSince: nil, reported: false)
            } else {
                let since = state.downSince ?? time
                state.downSince = since
                if !state.reported, time.timeIntervalSince(since) >= offlineAfter {
                    state.reported = true
                    changes.append(.offline(camera: camera, since: since))
                }
            }
            cameras[camera] = state
        }
        return changes
    }

    /// Cameras currently reported offline, with the start of their outage.
    package var offline: [String: Date] {
        var result: [String: Date] = [:]
        for (camera, state) in cameras where state.reported {
            if let since = state.downSince { result[camera] = since }
        }
        return result
    }
}
