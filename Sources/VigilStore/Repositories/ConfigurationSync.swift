package import VigilCore

/// Mirrors the configuration's clients, cameras and groups into the database, at start and reload.
///
/// Clients are matched by their configuration id (`clients.code`); a predecessor's client with the
/// same e-mail and no code yet is adopted rather than duplicated. Cameras and groups no longer
/// configured are kept (rows refer to them) but marked inactive.
package struct ConfigurationSync: Sendable {
    private let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    package func sync(_ configuration: VigilConfiguration) async throws {
        try await client.withConnection { connection in
            try connection.transaction { connection in
                for item in configuration.clients {
                    if let email = item.email {
                        try connection.query(
                            "UPDATE clients SET code = $1 WHERE code IS NULL AND email = $2 AND NOT EXISTS (SELECT 1 FROM clients WHERE code = $1)",
                            [item.id, email])
                    }
                    try connection.query(
                        """
                        INSERT INTO clients (code, name, email, time_zone, updated_at) VALUES ($1, $2, $3, $4, now())
                        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone,
                            email = coalesce(EXCLUDED.email, clients.email), updated_at = now()
                        """, [item.id, item.name, item.email, item.timeZone])
                }
                try connection.query(
                    "UPDATE cameras SET active = false WHERE NOT (id = ANY($1::text[]))",
                    [Self.array(configuration.cameras.map(\.id))])
                for camera in configuration.cameras {
                    try connection.query(
                        """
                        INSERT INTO cameras (id, client_id, name, stream, enabled, active, updated_at)
                        VALUES ($1, (SELECT id FROM clients WHERE code = $2), $3, $4, $5, true, now())
                        ON CONFLICT (id) DO UPDATE SET client_id = EXCLUDED.client_id, name = EXCLUDED.name, stream = EXCLUDED.stream,
                            enabled = EXCLUDED.enabled, active = true, updated_at = now()
                        """, [camera.id, camera.client, camera.name, camera.url.redacted, camera.enabled])
                }
                let plan = AnalysisPlan(configuration)
                let groups = plan.sources.compactMap { source -> (GroupConfiguration, String)? in
                    if case .group(let group, let cameras) = source { return (group, cameras[0].client) } else { return nil }
                }
                try connection.query(
                    "UPDATE camera_groups SET active = false WHERE NOT (id = ANY($1::text[]))",
                    [Self.array(groups.map(\.0.id))])
                for (group, clientID) in groups {
                    try connection.query(
                        """
                        INSERT INTO camera_groups (id, client_id, name, camera_ids, active, updated_at)
                        VALUES ($1, (SELECT id FROM clients WHERE code = $2), $3, $4::text[], true, now())
                        ON CONFLICT (id) DO UPDATE SET client_id = EXCLUDED.client_id, name = EXCLUDED.name,
                            camera_ids = EXCLUDED.camera_ids, active = true, updated_at = now()
                        """, [group.id, clientID, group.name, Self.array(group.cameras)])
                }
            }
        }
    }

    /// A PostgreSQL text array literal, every element quoted and escaped.
    package static func array(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
    }
}
