package import Foundation

/// Records camera stream sessions (`stream_sessions`): when each connection started and ended.
package struct SessionLog: Sendable {
    private let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    package func started(_ id: UUID, camera: String, at date: Date) async throws {
        _ = try await client.withConnection { connection in
            try connection.query(
                "INSERT INTO stream_sessions (id, camera_id, started_at) VALUES ($1::uuid, $2, $3::timestamptz) ON CONFLICT (id) DO NOTHING",
                [id.uuidString.lowercased(), camera, date])
        }
    }

    package func ended(_ id: UUID, at date: Date, reason: String) async throws {
        _ = try await client.withConnection { connection in
            try connection.query(
                "UPDATE stream_sessions SET ended_at = $2::timestamptz, end_reason = $3 WHERE id = $1::uuid AND ended_at IS NULL",
                [id.uuidString.lowercased(), date, reason])
        }
    }

    /// Closes sessions a crashed run left open, at their last recorded call or their start.
    package func closeAbandoned() async throws {
        _ = try await client.withConnection { connection in
            try connection.query(
                """
                UPDATE stream_sessions s SET ended_at = coalesce((SELECT max(u."timestamp") FROM api_usage u WHERE s.id = ANY(u.session_ids)), s.started_at),
                       end_reason = 'vigil stopped without closing it'
                WHERE ended_at IS NULL
                """)
        }
    }
}
