package import Foundation
package import VigilBilling

/// Reads what a cost forecast needs from history: per source, the calls of one model with their
/// tokens and failures (`usage_hourly`), and the samples the scene-change gate kept from Gemini
/// (`scene_gate_hourly`), over the UTC hours from the one holding `since` to now.
///
/// Both come from hourly rollups, so a month of history reads a few thousand rows whatever the
/// number of calls. Sources are keyed by the configuration's client id (`clients.code`); rows of no
/// known client are left out.
package struct EstimateHistory: Sendable {
    private let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// The measured figures of every source with calls of `model` or gate skips since `since`.
    package func load(since: Date, model: String) async throws -> [SourceHistory.Key: SourceHistory] {
        try await client.withConnection { connection in
            var history: [SourceHistory.Key: SourceHistory] = [:]
            let calls = try connection.query(
                """
                SELECT c.code AS client, h.source_id, h.source_kind,
                       sum(h.calls) AS calls, sum(h.failed) AS failed, sum(h.invalid) AS invalid, sum(h.prompt) AS prompt,
                       sum(h.cached) AS cached, sum(h.completion) AS completion, sum(h.thoughts) AS thoughts, sum(h.tool_use) AS tool_use
                FROM usage_hourly h JOIN clients c ON c.id = h.client_id
                WHERE h.hour >= date_trunc('hour', $1::timestamptz, 'UTC') AND h.model = $2 AND c.code IS NOT NULL
                GROUP BY 1, 2, 3
                """, [since, model]
            ).rows
            for row in calls {
                guard let key = Self.key(row) else { continue }
                history[key] = SourceHistory(
                    calls: row.int("calls") ?? 0, failed: row.int("failed") ?? 0, invalid: row.int("invalid") ?? 0,
                    prompt: row.int("prompt") ?? 0, cached: row.int("cached") ?? 0, completion: row.int("completion") ?? 0,
                    thoughts: row.int("thoughts") ?? 0, toolUse: row.int("tool_use") ?? 0)
            }
            let skips = try connection.query(
                """
                SELECT c.code AS client, g.source_id, g.source_kind, sum(g.skipped) AS skipped
                FROM scene_gate_hourly g JOIN clients c ON c.id = g.client_id
                WHERE g.hour >= date_trunc('hour', $1::timestamptz, 'UTC') AND c.code IS NOT NULL
                GROUP BY 1, 2, 3
                """, [since]
            ).rows
            for row in skips {
                guard let key = Self.key(row) else { continue }
                history[key, default: SourceHistory()].skipped += row.int("skipped") ?? 0
            }
            return history
        }
    }

    private static func key(_ row: PostgresRow) -> SourceHistory.Key? {
        guard let client = row["client"], let source = row["source_id"], let kind = row["source_kind"] else { return nil }
        return SourceHistory.Key(client: client, source: source, kind: kind)
    }
}
