package import Foundation

/// One alert of the outbox (`alerts`) with its deliveries, as `vigil alerts list` shows it. Its text
/// (the summary holds what Gemini said) is not escaped: showing it safely is the caller's job.
package struct AlertListing: Sendable, Equatable, Encodable {
    /// The alert's UUID, the same in every delivery.
    package var alertID: String
    /// `incident`, `camera_offline`, `camera_online`, `budget` or `test` (`AlertKind`'s raw values).
    package var kind: String
    package var clientID: String?
    package var cameraID: String?
    package var sourceID: String?
    /// When it happened.
    package var createdAt: Date
    /// A line about it from its details (see ``summary(kind:details:)``).
    package var summary: String
    /// One per channel, by channel id.
    package var deliveries: [AlertDeliveryListing]

    package init(
        alertID: String, kind: String, clientID: String?, cameraID: String?, sourceID: String?, createdAt: Date, summary: String,
        deliveries: [AlertDeliveryListing]
    ) {
        self.alertID = alertID
        self.kind = kind
        self.clientID = clientID
        self.cameraID = cameraID
        self.sourceID = sourceID
        self.createdAt = createdAt
        self.summary = summary
        self.deliveries = deliveries
    }

    /// The alert in a few words, from its kind and the details' values as text (what `details->>key`
    /// gives: a number as it was written): `theft 0.91: a man takes the till` for an incident,
    /// `back after 340 s` for a camera back online, `offline for 300 s` (else `offline since ...`)
    /// for one gone dark, the level (`warn_80 (spent 12.40 of 15.00 EUR)` when spent and limit are
    /// there) for a budget, `test` for a test. Missing details leave their part out.
    package static func summary(kind: String, details: [String: String]) -> String {
        switch kind {
        case "incident":
            let head = [details["incident_type"], details["confidence"]].compactMap { $0 }.joined(separator: " ")
            let description = details["description"] ?? ""
            if head.isEmpty { return description.isEmpty ? kind : description }
            return description.isEmpty ? head : "\(head): \(description)"
        case "camera_online":
            if let seconds = details["outage_seconds"] { return "back after \(seconds) s" }
            return "back online"
        case "camera_offline":
            if let seconds = details["offline_seconds"] ?? details["outage_seconds"] { return "offline for \(seconds) s" }
            if let since = details["offline_since"] { return "offline since \(since)" }
            return "offline"
        case "budget":
            var text = details["level"] ?? kind
            if let spent = details["spent"], let limit = details["limit"] {
                text += " (spent \(spent) of \(limit)\(details["currency"].map { " " + $0 } ?? ""))"
            }
            return text
        case "test":
            return "test"
        default:
            return kind
        }
    }

    enum CodingKeys: String, CodingKey {
        case kind, summary, deliveries
        case alertID = "alert_id"
        case clientID = "client"
        case cameraID = "camera"
        case sourceID = "source"
        case createdAt = "created_at"
    }

    /// Snake-case keys; an absent value is written as `null`, not left out.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(alertID, forKey: .alertID)
        try container.encode(kind, forKey: .kind)
        try container.encode(clientID, forKey: .clientID)
        try container.encode(cameraID, forKey: .cameraID)
        try container.encode(sourceID, forKey: .sourceID)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(summary, forKey: .summary)
        try container.encode(deliveries, forKey: .deliveries)
    }
}

/// One alert's delivery to one channel (an `alert_deliveries` row).
package struct AlertDeliveryListing: Sendable, Equatable, Encodable {
    /// Where a delivery stands: delivered, given up on, or still to be (re)tried.
    package enum State: String, Sendable, Equatable, Encodable {
        case delivered, pending, failed
    }

    /// `operator.webhook.NAME`, `client.ID.email`, ...: a name, never a secret.
    package var channel: String
    package var attempts: Int
    package var state: State
    /// The last attempt's error, stored already redacted (untrusted text all the same).
    package var lastError: String?
    /// The last attempt's HTTP status (or SMTP reply code), when there was one.
    package var lastStatus: Int?
    package var lastAttemptAt: Date?
    package var deliveredAt: Date?
    /// When it was given up on.
    package var failedAt: Date?
    /// When it is tried next; nil unless pending.
    package var nextAttemptAt: Date?

    package init(
        channel: String, attempts: Int, state: State, lastError: String? = nil, lastStatus: Int? = nil, lastAttemptAt: Date? = nil,
        deliveredAt: Date? = nil, failedAt: Date? = nil, nextAttemptAt: Date? = nil
    ) {
        self.channel = channel
        self.attempts = attempts
        self.state = state
        self.lastError = lastError
        self.lastStatus = lastStatus
        self.lastAttemptAt = lastAttemptAt
        self.deliveredAt = deliveredAt
        self.failedAt = failedAt
        self.nextAttemptAt = nextAttemptAt
    }

    enum CodingKeys: String, CodingKey {
        case channel, attempts, state
        case lastError = "last_error"
        case lastStatus = "last_status"
        case lastAttemptAt = "last_attempt_at"
        case deliveredAt = "delivered_at"
        case failedAt = "failed_at"
        case nextAttemptAt = "next_attempt_at"
    }

    /// Snake-case keys; an absent value is written as `null`, not left out.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(channel, forKey: .channel)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(state, forKey: .state)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(lastStatus, forKey: .lastStatus)
        try container.encode(lastAttemptAt, forKey: .lastAttemptAt)
        try container.encode(deliveredAt, forKey: .deliveredAt)
        try container.encode(failedAt, forKey: .failedAt)
        try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
    }
}
