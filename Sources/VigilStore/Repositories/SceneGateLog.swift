package import Foundation
package import VigilCore

/// Writes the samples the scene-change gate kept from Gemini into `scene_gate_hourly`, added to
/// what the hour already holds (several daemons, several flushes an hour).
package struct SceneGateLog: Sendable {
    /// One client, source and UTC hour's skips.
    package struct Entry: Sendable, Equatable {
        package var client: String
        package var source: String
        package var kind: String
        package var hour: Date
        package var skipped: Int
        /// An estimate (the mean cost of the source's recent calls, per skip).
        package var costAvoided: Money

        package init(client: String, source: String, kind: String, hour: Date, skipped: Int, costAvoided: Money) {
            self.client = client
            self.source = source
            self.kind = kind
            self.hour = hour
            self.skipped = skipped
            self.costAvoided = costAvoided
        }
    }

    private let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// Adds `entries` in one transaction, in key order (two daemons never wait on each other's rows
    /// in opposite orders); a client the table lacks is added as the ledger adds it.
    package func add(_ entries: [Entry]) async throws {
        guard !entries.isEmpty else { return }
        let sorted = entries.sorted { ($0.client, $0.hour, $0.source) < ($1.client, $1.hour, $1.source) }
        try await client.withConnection { connection in
            try connection.transaction { connection in
                for entry in sorted {
                    _ = try connection.query(
                        "INSERT INTO clients (code, name) SELECT $1::text, $1::text WHERE NOT EXISTS (SELECT 1 FROM clients WHERE code = $1) ON CONFLICT (code) DO NOTHING",
                        [entry.client])
                    _ = try connection.query(
                        """
                        INSERT INTO scene_gate_hourly AS h (client_id, hour, source_id, source_kind, skipped, cost_avoided)
                        SELECT c.id, $2::timestamptz, $3, $4, $5::bigint, $6::numeric FROM clients c WHERE c.code = $1
                        ON CONFLICT (client_id, hour, source_id) DO UPDATE SET
                            skipped = h.skipped + EXCLUDED.skipped, cost_avoided = h.cost_avoided + EXCLUDED.cost_avoided
                        """, [entry.client, entry.hour, entry.source, entry.kind, entry.skipped, entry.costAvoided])
                }
            }
        }
    }
}
