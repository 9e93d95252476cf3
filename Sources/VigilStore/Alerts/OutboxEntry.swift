import Foundation
import VigilCore

/// An alert with its deliveries as the outbox's spool keeps it: one JSON file per alert
/// (`<spool>/alerts/<alert id>.alert`), replaced whole (durably) whenever a delivery changes.
///
/// ```json
/// {"format": 1, "node": "cam-host-1",
///  "alert": {"id": "…", "kind": "incident", "client": "acme", "camera": "till", "source": "till",
///            "time_us": 1764497400123456, "details": {…}, "evidence_path": "/var/lib/vigil/evidence/…"},
///  "deliveries": [{"channel": "operator.webhook.ops", "attempts": 0, "next_attempt_us": 1764497400123456}]}
/// ```
/// Times are microseconds since 1970 (exact, like PostgreSQL's).
struct OutboxEntry: Sendable, Equatable {
    var alert: Alert
    var node: String
    var deliveries: [AlertDeliveryState]

    static let format = 1

    func encoded() -> [UInt8] {
        let alertNode = JSONNode.object(pairs: [
            ("id", .string(alert.id)), ("kind", .string(alert.kind.rawValue)), ("client", Self.optional(alert.clientID)),
            ("camera", Self.optional(alert.cameraID)), ("source", Self.optional(alert.sourceID)),
            ("time_us", Self.micros(alert.time)), ("details", alert.details), ("evidence_path", Self.optional(alert.evidencePath)),
        ])
        let deliveryNodes = deliveries.map { state -> JSONNode in
            .object(pairs: [
                ("channel", .string(state.channel)), ("attempts", .number(state.attempts)),
                ("next_attempt_us", Self.micros(state.nextAttemptAt)),
                ("last_attempt_us", state.lastAttemptAt.map(Self.micros) ?? Self.null),
                ("last_status", state.lastStatus.map { .number($0) } ?? Self.null),
                ("last_error", Self.optional(state.lastError)),
                ("delivered_us", state.deliveredAt.map(Self.micros) ?? Self.null),
                ("failed_us", state.failedAt.map(Self.micros) ?? Self.null),
            ])
        }
        return JSONNode.object(pairs: [
            ("format", .number(Self.format)), ("node", .string(node)), ("alert", alertNode), ("deliveries", .array(deliveryNodes)),
        ]).serialized()
    }

    /// Reads a spool file's bytes; nil when they are not an entry this version understands.
    init?(decoding bytes: [UInt8]) {
        guard let root = try? JSONParser.parse(bytes), root.first("format")?.int == Self.format,
            let node = root.first("node")?.string, let alertNode = root.first("alert"),
            let id = alertNode.first("id")?.string, let kindText = alertNode.first("kind")?.string,
            let kind = AlertKind(rawValue: kindText), let time = Self.date(alertNode.first("time_us")),
            let deliveryNodes = root.first("deliveries")?.array
        else { return nil }
        var deliveries: [AlertDeliveryState] = []
        for item in deliveryNodes {
            guard let channel = item.first("channel")?.string, let attempts = item.first("attempts")?.int,
                let next = Self.date(item.first("next_attempt_us"))
            else { return nil }
            deliveries.append(
                AlertDeliveryState(
                    channel: channel, attempts: attempts, nextAttemptAt: next, lastAttemptAt: Self.date(item.first("last_attempt_us")),
                    lastStatus: item.first("last_status")?.int, lastError: item.first("last_error")?.string,
                    deliveredAt: Self.date(item.first("delivered_us")), failedAt: Self.date(item.first("failed_us"))))
        }
        self.node = node
        self.deliveries = deliveries
        self.alert = Alert(
            id: id, kind: kind, clientID: alertNode.first("client")?.string, cameraID: alertNode.first("camera")?.string,
            sourceID: alertNode.first("source")?.string, time: time, details: alertNode.first("details") ?? .object(pairs: []),
            evidencePath: alertNode.first("evidence_path")?.string)
    }

    init(alert: Alert, node: String, deliveries: [AlertDeliveryState]) {
        self.alert = alert
        self.node = node
        self.deliveries = deliveries
    }

    private static let null = JSONNode(.null, line: 0)

    private static func optional(_ text: String?) -> JSONNode { text.map { .string($0) } ?? null }

    static func micros(_ date: Date) -> JSONNode {
        JSONNode(.number(String(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))), line: 0)
    }

    private static func date(_ node: JSONNode?) -> Date? {
        guard let text = node?.numberText, let micros = Int64(text) else { return nil }
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}
