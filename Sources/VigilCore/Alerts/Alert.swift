package import Foundation

/// One thing that must reach people: an incident, a camera gone dark or back, a budget crossed.
///
/// An alert is made once, written to the outbox before any attempt, and delivered at least once to
/// each of its channels with the same ``id`` every time, so a receiver can drop a repeat. Its text
/// fields may hold what Gemini or a camera said: receivers get them as JSON strings, and Vigil's own
/// output escapes them.
package struct Alert: Sendable, Equatable {
    /// A time-ordered UUID (version 7), stable across every delivery and restart.
    package var id: String
    package var kind: AlertKind
    /// The client it concerns; nil for an operator-wide test.
    package var clientID: String?
    package var cameraID: String?
    /// The analysis source (a camera, or a group of four) it came from.
    package var sourceID: String?
    /// When it happened (the incident's call, the outage's detection, the crossing).
    package var time: Date
    /// The kind's own fields, in order (`incident_type`, `confidence`, `description`, ... for an
    /// incident; `offline_since`, `outage_seconds` for camera health; `level`, `spent`, `limit`
    /// for a budget), as a JSON object. Never a secret.
    package var details: JSONNode
    /// The evidence JPEG on disk, sent along when it still exists.
    package var evidencePath: String?

    package init(
        id: String = RequestID.make(), kind: AlertKind, clientID: String?, cameraID: String? = nil, sourceID: String? = nil,
        time: Date = Date(), details: JSONNode = .object(pairs: []), evidencePath: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.clientID = clientID
        self.cameraID = cameraID
        self.sourceID = sourceID
        self.time = time
        self.details = details
        self.evidencePath = evidencePath
    }

    /// The value of the detail `key`, if present.
    package func detail(_ key: String) -> JSONNode? {
        details.object?.first { $0.key == key }?.value
    }
}
