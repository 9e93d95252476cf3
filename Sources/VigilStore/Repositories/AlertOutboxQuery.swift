package import Foundation

/// Read-only views of the alert outbox (`alerts`, `alert_deliveries`) for `vigil alerts list`.
package struct AlertOutboxQuery: Sendable {
    let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// The details a summary is made from (``AlertListing/summary(kind:details:)``), selected by name.
    static let detailKeys = [
        "incident_type", "confidence", "description", "outage_seconds", "offline_seconds", "offline_since", "level", "spent", "limit",
        "currency",
    ]

    /// The alerts made at or after `since`, or, when `pendingOnly`, every alert (of any age) with at
    /// least one delivery still pending (neither delivered nor failed); newest first, at most `limit`
    /// alerts, each with all its deliveries by channel.
    package func list(since: Date, pendingOnly: Bool, limit: Int = 1000) async throws -> [AlertListing] {
        let rows = try await client.withConnection { connection in
            try connection.query(
                """
                WITH chosen AS (
                    SELECT a.alert_id, a.kind, a.client_id, a.camera_id, a.source_id, a.created_at,
                           a.details->>'incident_type' AS incident_type, a.details->>'confidence' AS confidence,
                           a.details->>'description' AS description, a.details->>'outage_seconds' AS outage_seconds,
                           a.details->>'offline_seconds' AS offline_seconds, a.details->>'offline_since' AS offline_since,
                           a.details->>'level' AS level, a.details->>'spent' AS spent, a.details->>'limit' AS "limit",
                           a.details->>'currency' AS currency
                    FROM alerts a
                    WHERE CASE WHEN $2::boolean
                        THEN EXISTS (SELECT 1 FROM alert_deliveries p
                                     WHERE p.alert_id = a.alert_id AND p.delivered_at IS NULL AND p.failed_at IS NULL)
                        ELSE a.created_at >= $1::timestamptz END
                    ORDER BY a.created_at DESC, a.alert_id DESC
                    LIMIT $3::bigint
                )
                SELECT ch.*, (extract(epoch FROM ch.created_at) * 1000000)::bigint AS created,
                       d.channel, d.attempts, d.last_status, d.last_error,
                       (extract(epoch FROM d.last_attempt_at) * 1000000)::bigint AS last_attempt,
                       (extract(epoch FROM d.delivered_at) * 1000000)::bigint AS delivered,
                       (extract(epoch FROM d.failed_at) * 1000000)::bigint AS failed,
                       (extract(epoch FROM d.next_attempt_at) * 1000000)::bigint AS next_attempt
                FROM chosen ch LEFT JOIN alert_deliveries d ON d.alert_id = ch.alert_id
                ORDER BY ch.created_at DESC, ch.alert_id DESC, d.channel
                """, [since, pendingOnly, max(0, limit)]
            ).rows
        }
        var listings: [AlertListing] = []
        for row in rows {
            let id = row.string("alert_id") ?? ""
            if listings.last?.alertID != id {
                let kind = row.string("kind") ?? ""
                var details: [String: String] = [:]
                for key in AlertOutboxQuery.detailKeys {
                    details[key] = row.string(key)
                }
                listings.append(
                    AlertListing(
                        alertID: id, kind: kind, clientID: row.string("client_id"), cameraID: row.string("camera_id"),
                        sourceID: row.string("source_id"), createdAt: row.date("created") ?? Date(timeIntervalSince1970: 0),
                        summary: AlertListing.summary(kind: kind, details: details), deliveries: []))
            }
            guard let channel = row.string("channel") else { continue }
            let delivered = row.date("delivered")
            let failed = row.date("failed")
            let state: AlertDeliveryListing.State = delivered != nil ? .delivered : failed != nil ? .failed : .pending
            listings[listings.count - 1].deliveries.append(
                AlertDeliveryListing(
                    channel: channel, attempts: row.int("attempts") ?? 0, state: state, lastError: row.string("last_error"),
                    lastStatus: row.int("last_status"), lastAttemptAt: row.date("last_attempt"), deliveredAt: delivered,
                    failedAt: failed, nextAttemptAt: state == .pending ? row.date("next_attempt") : nil))
        }
        return listings
    }
}
