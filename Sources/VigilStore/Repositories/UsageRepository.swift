public import Foundation
public import VigilCore

/// Reads usage reports from `api_usage`.
public struct UsageRepository: Sendable {
    private let client: DatabaseClient

    public init(client: DatabaseClient) { self.client = client }

    /// Usage from `from` (included) to `to` (excluded), for one client or all, grouped or not.
    ///
    /// - Parameter grouping: `day` (UTC), `model`, `camera` (camera or group id), `client`,
    ///   `operation` (method and endpoint), `session` (stream session), or nil.
    public func report(from: Date, to: Date, client code: String?, grouping: String?, session: UUID? = nil) async throws -> UsageReport {
        try await client.withConnection { connection in
            var filter = "u.\"timestamp\" >= $1::timestamptz AND u.\"timestamp\" < $2::timestamptz AND ($3::text IS NULL OR c.code = $3)"
            var parameters: [any SQLParameter] = [from, to, code]
            var sessionInfo: UsageReport.Session?
            if let session {
                let id = session.uuidString.lowercased()
                filter += " AND $4::uuid = ANY(u.session_ids)"
                parameters.append(id)
                if let row = try connection.query("""
                    SELECT id::text, camera_id, (extract(epoch FROM started_at) * 1000000)::bigint AS started,
                           (extract(epoch FROM ended_at) * 1000000)::bigint AS ended, end_reason
                    FROM stream_sessions WHERE id = $1::uuid
                    """, [id]).first {
                    sessionInfo = UsageReport.Session(id: id, cameraID: row["camera_id"] ?? "", startedAt: row.date("started") ?? from,
                                                      endedAt: row.date("ended"), endReason: row["end_reason"])
                }
            }
            let sums = UsageSums.columns + ",\n" + UsageSums.latency
            let from = "FROM api_usage u LEFT JOIN clients c ON c.id = u.client_id"
            let totalRow = try connection.query("SELECT 'total' AS key, '' AS kind, \(sums) \(from) WHERE \(filter)", parameters).first
            var rows: [UsageReport.Row] = []
            if let grouping {
                let key: String
                var kind = "''"
                var source = from
                switch grouping {
                case "day": key = "to_char(u.\"timestamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
                case "model": key = "coalesce(u.model, 'legacy')"
                case "camera":
                    key = "coalesce(u.source_id, 'legacy')"
                    kind = "coalesce(u.source_kind, '')"
                case "client": key = "coalesce(c.code, c.name, 'unknown')"
                case "operation": key = "coalesce(u.method, '') || ' ' || coalesce(u.endpoint, '')"
                case "session":
                    key = "s.session::text"
                    source = from + " CROSS JOIN LATERAL unnest(u.session_ids) AS s(session)"
                default: throw UsageReportError(message: "unknown grouping \(grouping)")
                }
                rows = try connection.query("SELECT \(key) AS key, \(kind) AS kind, \(sums) \(source) WHERE \(filter) GROUP BY 1, 2 ORDER BY 1",
                                            parameters).rows.map(Self.row)
            }
            let total = totalRow.map(Self.row) ?? UsageReport.Row(usage: UsageAggregate(key: "total"), averageMilliseconds: nil, p95Milliseconds: nil)
            return UsageReport(from: parameters[0] as! Date, to: parameters[1] as! Date, client: code, grouping: grouping,
                               total: total, rows: rows, session: sessionInfo)
        }
    }

    static func row(_ row: PostgresRow) -> UsageReport.Row {
        UsageReport.Row(usage: InvoiceRepository.aggregate(row, kind: row["kind"] ?? ""),
                        averageMilliseconds: row["avg_ms"].flatMap(Double.init), p95Milliseconds: row["p95_ms"].flatMap(Double.init))
    }
}

public struct UsageReportError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
