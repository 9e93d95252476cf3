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

    /// An enabled camera that is not streaming now: its newest stream session has ended, or it
    /// never had one.
    package struct DownCamera: Sendable, Equatable, Codable {
        package var id: String
        package var name: String
        package var client: String
        /// When its last session ended; nil when it never connected.
        package var since: Date?
        /// Why it ended (`end_reason`: an FFmpeg error, `vigil stopped without closing it`, ...).
        package var reason: String?
    }

    let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// Enabled cameras of the configuration not streaming now, longest down first; only client
    /// `only`'s when given. Read from `stream_sessions`: a camera whose daemon is stopped is down
    /// too (nobody watches it).
    package func camerasDown(only code: String? = nil) async throws -> [DownCamera] {
        try await client.withConnection { connection in
            try connection.query(
                """
                SELECT m.id, m.name, c.code, s.ended_at, s.end_reason
                FROM cameras m JOIN clients c ON c.id = m.client_id
                LEFT JOIN LATERAL (
                    SELECT started_at, ended_at, end_reason FROM stream_sessions
                    WHERE camera_id = m.id ORDER BY started_at DESC LIMIT 1) s ON true
                WHERE m.enabled AND m.active AND ($1::text IS NULL OR c.code = $1)
                  AND (s.started_at IS NULL OR s.ended_at IS NOT NULL)
                ORDER BY s.ended_at NULLS FIRST, m.id
                """, [code]
            ).rows.map { row in
                DownCamera(
                    id: row.string("id") ?? "", name: row.string("name") ?? "", client: row.string("code") ?? "",
                    since: row.date("ended_at"), reason: row.string("end_reason"))
            }
        }
    }

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
                SELECT m.id, m.name, c.code, m.enabled, m.active FROM cameras m JOIN clients c ON c.id = m.client_id
                WHERE ($1::text IS NULL OR c.code = $1) ORDER BY m.id
                """, [code]
            ).rows.map { row in
                Camera(
                    id: row.string("id") ?? "", name: row.string("name") ?? "", client: row.string("code") ?? "",
                    enabled: row.bool("enabled") ?? false, active: row.bool("active") ?? false)
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
