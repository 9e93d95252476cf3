package import Foundation
package import VigilCore

/// The JSON body a webhook receives for an alert.
///
/// ```json
/// {"alert_id": "0193…", "kind": "incident", "client": "acme", "client_name": "Acme Garage",
///  "camera": "till", "camera_name": "Till", "source": "till", "time": "2026-11-30T10:01:02.345Z",
///  "incident_type": "theft", "confidence": 0.91, "description": "…", "suppressed": 0,
///  "image_jpeg_base64": "/9j/4AAQ…"}
/// ```
///
/// The common fields come first, then the kind's details (``Alert/details``) at the top level, then
/// the evidence picture of an incident, base64-encoded, when its file still exists
/// (`"image_missing": true` when it was expected and is gone). Every attempt sends the same body:
/// only the timestamp and signature headers change.
package enum WebhookPayload {
    package static func body(_ alert: Alert, context: AlertContext, evidence: [UInt8]?) -> [UInt8] {
        var pairs: [(String, JSONNode)] = [
            ("alert_id", .string(alert.id)),
            ("kind", .string(alert.kind.rawValue)),
            ("client", optional(alert.clientID)),
            ("client_name", optional(context.clientName)),
            ("camera", optional(alert.cameraID)),
            ("camera_name", optional(context.cameraName)),
            ("source", optional(alert.sourceID)),
            ("time", .string(timestamp(alert.time))),
        ]
        let reserved = Set(pairs.map(\.0) + ["image_jpeg_base64", "image_missing"])
        for member in alert.details.object ?? [] where !reserved.contains(member.key) {
            pairs.append((member.key, member.value))
        }
        if let evidence {
            pairs.append(("image_jpeg_base64", .string(Data(evidence).base64EncodedString())))
        } else if alert.evidencePath != nil {
            pairs.append(("image_missing", .bool(true)))
        }
        return JSONNode.object(pairs: pairs).serialized()
    }

    /// `2026-11-30T10:01:02.345Z`.
    package static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func optional(_ text: String?) -> JSONNode {
        text.map { .string($0) } ?? JSONNode(.null, line: 0)
    }
}
