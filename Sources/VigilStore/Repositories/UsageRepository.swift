package import Foundation
package import VigilBilling
package import VigilCore

/// Reads usage reports: whole UTC hours from the `usage_hourly` rollup, the partial hours at the
/// period's edges from `api_usage` itself, so a month of millions of rows reads a few thousand
/// rollup rows and two hours of rows. Stream sessions are not in the rollup: `--by session` and
/// `--session` read the rows (a session's own time range for the latter).
///
/// Counts, tokens and costs are exact; the average latency is exact; the p95 comes from the
/// latency histogram (``LatencyHistogram``), the same for both sources, so it is an estimate within
/// one bucket's width.
package struct UsageRepository: Sendable {
    private let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// How one grouping reads from each source: its key (and kind) expressions.
    private struct Grouping: Sendable {
        var hourlyKey: String?
        var rowsKey: String
        var hourlyKind = "''"
        var rowsKind = "''"
        var rowsSource = ""
    }

    /// A part of a report row, from one source and window.
    private struct Part {
        var usage: UsageAggregate
        var durationSum: Int
        var durationCount: Int
        var histogram: LatencyHistogram

        static func + (left: Part, right: Part) -> Part {
            Part(
                usage: left.usage + right.usage, durationSum: left.durationSum + right.durationSum,
                durationCount: left.durationCount + right.durationCount, histogram: left.histogram + right.histogram)
        }

        var row: UsageReport.Row {
            UsageReport.Row(
                usage: usage, averageMilliseconds: durationCount > 0 ? Double(durationSum) / Double(durationCount) : nil,
                p95Milliseconds: histogram.quantile(0.95))
        }
    }

    /// Usage from `from` (included) to `to` (excluded), for one client or all, grouped or not.
    ///
    /// - Parameter grouping: `day` (UTC), `model`, `camera` (camera or group id), `client`,
    ///   `operation` (method and endpoint), `session` (stream session), or nil.
    package func report(from: Date, to: Date, client code: String?, grouping: String?, session: UUID? = nil) async throws -> UsageReport {
        let groupings: [String: Grouping] = [
            "day": Grouping(
                hourlyKey: "to_char(h.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
                rowsKey: "to_char(u.\"timestamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
            "model": Grouping(hourlyKey: "h.model", rowsKey: "coalesce(u.model, 'legacy')"),
            "camera": Grouping(
                hourlyKey: "h.source_id", rowsKey: "coalesce(u.source_id, 'legacy')",
                hourlyKind: "h.source_kind", rowsKind: "coalesce(u.source_kind, '')"),
            "client": Grouping(hourlyKey: "coalesce(c.code, c.name, 'unknown')", rowsKey: "coalesce(c.code, c.name, 'unknown')"),
            "operation": Grouping(hourlyKey: "h.operation", rowsKey: "coalesce(u.method, '') || ' ' || coalesce(u.endpoint, '')"),
            "session": Grouping(
                hourlyKey: nil, rowsKey: "s.session::text",
                rowsSource: " CROSS JOIN LATERAL unnest(u.session_ids) AS s(session)"),
        ]
        let chosen = grouping.flatMap { groupings[$0] }
        if let grouping, chosen == nil { throw UsageReportError(message: "unknown grouping \(grouping)") }
        return try await client.withConnection { connection in
            var clientKey: Int?
            if let code {
                // An unknown client has no usage: -1 matches no row.
                clientKey = try connection.query("SELECT id FROM clients WHERE code = $1", [code]).first?.int("id") ?? -1
            }
            var window = (from: from, to: to)
            var sessionInfo: UsageReport.Session?
            if let session {
                let id = session.uuidString.lowercased()
                if let row = try connection.query(
                    """
                    SELECT id::text, camera_id, (extract(epoch FROM started_at) * 1000000)::bigint AS started,
                           (extract(epoch FROM ended_at) * 1000000)::bigint AS ended, end_reason
                    FROM stream_sessions WHERE id = $1::uuid
                    """, [id]
                ).first {
                    let info = UsageReport.Session(
                        id: id, cameraID: row["camera_id"] ?? "", startedAt: row.date("started") ?? from,
                        endedAt: row.date("ended"), endReason: row["end_reason"])
                    sessionInfo = info
                    // A session's calls lie within its life, or just after it: a call may start after the
                    // camera went away, on a frame it captured before (fresh for up to two intervals).
                    window.from = max(from, info.startedAt)
                    window.to = min(to, (info.endedAt ?? to).addingTimeInterval(3600))
                }
            }
            let total = Grouping(hourlyKey: "'total'", rowsKey: "'total'")
            let totals = try Self.parts(connection, grouping: total, window: window, clientKey: clientKey, session: session)
            let rows =
                try chosen.map { try Self.parts(connection, grouping: $0, window: window, clientKey: clientKey, session: session) } ?? []
            let emptyTotal = Part(usage: UsageAggregate(key: "total"), durationSum: 0, durationCount: 0, histogram: LatencyHistogram())
            return UsageReport(
                from: from, to: to, client: code, grouping: grouping, total: (totals.first ?? emptyTotal).row,
                rows: rows.map(\.row), session: sessionInfo)
        }
    }

    /// The report rows of `grouping` over `window`, merged across the rollup and the rows, in key order.
    private static func parts(
        _ connection: PostgresConnection, grouping: Grouping, window: (from: Date, to: Date),
        clientKey: Int?, session: UUID?
    ) throws -> [Part] {
        var parts: [Part] = []
        let firstHour = InvoiceRepository.ceilHour(window.from)
        let lastHour = InvoiceRepository.floorHour(window.to)
        var rowWindows = [(window.from, window.to)]
        if let hourlyKey = grouping.hourlyKey, session == nil, firstHour < lastHour {
            parts += try connection.query(
                """
                SELECT \(hourlyKey) AS key, \(grouping.hourlyKind) AS kind, \(UsageSums.hourlyColumns), \(UsageSums.hourlyLatency)
                FROM usage_hourly h LEFT JOIN clients c ON c.id = h.client_id
                WHERE h.hour >= $1::timestamptz AND h.hour < $2::timestamptz AND ($3::integer IS NULL OR h.client_id = $3)
                GROUP BY 1, 2
                """, [firstHour, lastHour, clientKey]
            ).rows.map(part)
            rowWindows = [(window.from, firstHour), (lastHour, window.to)]
        }
        for (from, to) in rowWindows where from < to {
            parts += try connection.query(
                """
                SELECT \(grouping.rowsKey) AS key, \(grouping.rowsKind) AS kind, \(UsageSums.columns), \(UsageSums.latency)
                FROM api_usage u LEFT JOIN clients c ON c.id = u.client_id\(grouping.rowsSource)
                WHERE u."timestamp" >= $1::timestamptz AND u."timestamp" < $2::timestamptz AND ($3::integer IS NULL OR u.client_id = $3)
                  AND ($4::uuid IS NULL OR $4::uuid = ANY(u.session_ids))
                GROUP BY 1, 2
                """, [from, to, clientKey, session?.uuidString.lowercased()]
            ).rows.map(part)
        }
        var merged: [String: Part] = [:]
        for part in parts where part.usage.calls > 0 {
            let id = part.usage.key + "\u{0}" + part.usage.kind
            merged[id] = merged[id].map { $0 + part } ?? part
        }
        return merged.values.sorted { ($0.usage.key, $0.usage.kind) < ($1.usage.key, $1.usage.kind) }
    }

    private static func part(_ row: PostgresRow) -> Part {
        Part(
            usage: InvoiceRepository.aggregate(row, kind: row["kind"] ?? ""), durationSum: row.int("duration_sum") ?? 0,
            durationCount: row.int("duration_count") ?? 0, histogram: UsageSums.histogram(row))
    }
}

package struct UsageReportError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
