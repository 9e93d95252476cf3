package import Foundation

/// The incidents Gemini reported: the `analyses` rows with `incident_detected`, with their call's
/// request id and model from `api_usage`. Read-only.
package struct IncidentRepository: Sendable {
    let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// The incidents at or after `since`, newest first, at most `limit`; only client `clientID`'s
    /// (its configuration id, `clients.code`), camera `cameraID`'s and call `requestID`'s when given.
    package func list(
        since: Date, clientID: String?, cameraID: String?, requestID: String? = nil, limit: Int = 10_000
    ) async throws -> [IncidentRow] {
        try await client.withConnection { connection in
            try connection.query(
                """
                SELECT (extract(epoch FROM a."timestamp") * 1000000)::bigint AS time, c.code AS client, a.camera_id, a.source_id,
                       a.incident_type, a.confidence::text AS confidence, a.description, a.evidence_path, a.quadrant,
                       coalesce(u.request_id, a.request_id) AS request_id, u.model
                FROM analyses a
                JOIN api_usage u ON u.id = a.usage_id
                LEFT JOIN clients c ON c.id = a.client_id
                WHERE a.incident_detected AND a."timestamp" >= $1::timestamptz
                  AND ($2::text IS NULL OR c.code = $2::text)
                  AND ($3::text IS NULL OR a.camera_id = $3::text)
                  AND ($5::text IS NULL OR u.request_id = $5::text)
                ORDER BY a."timestamp" DESC, a.id DESC
                LIMIT $4::bigint
                """, [since, clientID, cameraID, max(0, limit), requestID]
            ).rows.map { row in
                IncidentRow(
                    time: row.date("time") ?? Date(timeIntervalSince1970: 0), clientID: row.string("client"),
                    cameraID: row.string("camera_id") ?? "", sourceID: row.string("source_id") ?? "",
                    incidentType: row.string("incident_type") ?? "", confidence: row.string("confidence"),
                    description: row.string("description") ?? "", evidencePath: row.string("evidence_path"),
                    quadrant: row.int("quadrant"), requestID: row.string("request_id") ?? "", model: row.string("model"))
            }
        }
    }
}
