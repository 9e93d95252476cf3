package import Foundation

/// What the console lists besides usage: clients and cameras, optionally of one client. Read-only;
/// a camera's stream URL (which may hold a password) is never read.
package struct ConsoleCatalog: Sendable {
    /// A client as the API shows it.
    package struct Client: Sendable, Equatable, Codable {
        package var id: String
        package var name: String
        package var timeZone: String
        package var cameras: Int

        enum CodingKeys: String, CodingKey {
            case id, name, cameras
            case timeZone = "time_zone"
        }
    }

    /// A camera as the API shows it.
    package struct Camera: Sendable, Equatable, Codable {
        package var id: String
        package var name: String
        package var client: String
        package var enabled: Bool
        package var active: Bool
        /// Whether its newest stream session is open (a daemon reads it now).
        package var streaming: Bool
        /// When its newest session ended (nil while streaming, or if it never connected), and why.
        package var downSince: Date?
        package var lastError: String?

        package init(
            id: String, name: String, client: String, enabled: Bool, active: Bool, streaming: Bool, downSince: Date? = nil,
            lastError: String? = nil
        ) {
            self.id = id
            self.name = name
            self.client = client
            self.enabled = enabled
            self.active = active
            self.streaming = streaming
            self.downSince = downSince
            self.lastError = lastError
        }

        enum CodingKeys: String, CodingKey {
            case id, name, client, enabled, active, streaming
            case downSince = "down_since"
            case lastError = "last_error"
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(client, forKey: .client)
            try container.encode(enabled, forKey: .enabled)
            try container.encode(active, forKey: .active)
            try container.encode(streaming, forKey: .streaming)
            try container.encode(downSince, forKey: .downSince)
            try container.encode(lastError, forKey: .lastError)
        }
    }

    /// One connection of a camera (`stream_sessions`).
    package struct StreamSession: Sendable, Equatable, Codable {
        package var id: String
        package var startedAt: Date?
        package var endedAt: Date?
        package var endReason: String?

        enum CodingKeys: String, CodingKey {
            case id
            case startedAt = "started_at"
            case endedAt = "ended_at"
            case endReason = "end_reason"
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(startedAt, forKey: .startedAt)
            try container.encode(endedAt, forKey: .endedAt)
            try container.encode(endReason, forKey: .endReason)
        }
    }

    let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// Clients with a configuration id, by id; only `only` when given.
    package func clients(only code: String? = nil) async throws -> [Client] {
        try await client.withConnection { connection in
            try connection.query(
                """
                SELECT c.code, c.name, c.time_zone, (SELECT count(*) FROM cameras m WHERE m.client_id = c.id) AS cameras
                FROM clients c WHERE c.code IS NOT NULL AND ($1::text IS NULL OR c.code = $1) ORDER BY c.code
                """, [code]
            ).rows.map { row in
                Client(
                    id: row.string("code") ?? "", name: row.string("name") ?? "", timeZone: row.string("time_zone") ?? "UTC",
                    cameras: row.int("cameras") ?? 0)
            }
        }
    }

    /// Cameras, by id; only client `only`'s when given.
    package func cameras(only code: String? = nil) async throws -> [Camera] {
        try await client.withConnection { connection in
            try connection.query(
                """
                SELECT m.id, m.name, c.code, m.enabled, m.active, s.started_at IS NOT NULL AND s.ended_at IS NULL AS streaming,
                       s.ended_at, s.end_reason
                FROM cameras m JOIN clients c ON c.id = m.client_id
                LEFT JOIN LATERAL (
                    SELECT started_at, ended_at, end_reason FROM stream_sessions
                    WHERE camera_id = m.id ORDER BY started_at DESC LIMIT 1) s ON true
                WHERE ($1::text IS NULL OR c.code = $1) ORDER BY m.id
                """, [code]
            ).rows.map { row in
                Camera(
                    id: row.string("id") ?? "", name: row.string("name") ?? "", client: row.string("code") ?? "",
                    enabled: row.bool("enabled") ?? false, active: row.bool("active") ?? false, streaming: row.bool("streaming") ?? false,
                    downSince: row.date("ended_at"), lastError: row.string("end_reason"))
            }
        }
    }

    /// The camera's stream sessions started at or after `since`, newest first (at most `limit`);
    /// nil when there is no such camera, or it is not client `only`'s.
    package func sessions(camera: String, only code: String? = nil, since: Date, limit: Int = 1000) async throws -> [StreamSession]? {
        try await client.withConnection { connection in
            guard
                try connection.query(
                    "SELECT 1 FROM cameras m JOIN clients c ON c.id = m.client_id WHERE m.id = $1 AND ($2::text IS NULL OR c.code = $2)",
                    [camera, code]
                ).first != nil
            else { return nil }
            return try connection.query(
                """
                SELECT id::text AS id, started_at, ended_at, end_reason FROM stream_sessions
                WHERE camera_id = $1 AND started_at >= $2::timestamptz ORDER BY started_at DESC LIMIT $3
                """, [camera, since, limit]
            ).rows.map { row in
                StreamSession(
                    id: row.string("id") ?? "", startedAt: row.date("started_at"), endedAt: row.date("ended_at"),
                    endReason: row.string("end_reason"))
            }
        }
    }
}
