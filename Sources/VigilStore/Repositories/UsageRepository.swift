package import Foundation
package import VigilBilling
package import VigilCore

/// Reads usage reports: whole UTC hours from the `usage_hourly` rollup (`camera_hourly` by camera),
/// the partial hours at the period's edges from `api_usage` itself, so a month of millions of rows
/// reads a few thousand rollup rows and two hours of rows; `--by session` reads `session_hourly`
/// the same way. `--session` reads the rows of the session's own time range.
///
/// Counts, tokens and costs are exact; the average latency is exact; the p95 comes from the
/// latency histogram (``LatencyHistogram``), the same for both sources, so it is an estimate within
/// one bucket's width.
///
/// Samples the scene gate skipped come from `scene_gate_hourly`, which has whole hours only: an
/// hour's skips count when the hour begins within the period. By day, client and source they go to
/// their own row; by camera, a group's skips go to each of its configured cameras (`camera_groups`)
/// with an equal share of the avoided cost; by model, operation, tier, node and session they have
/// no row (no call was made) and only the total counts them. With `--session`, the total counts the skips of
/// the session's camera.
package struct UsageRepository: Sendable {
    private let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// The key of `--by node` for calls made outside cluster mode (by a daemon that is no node).
    package static let singleDaemon = "(single daemon)"

    /// How one grouping reads from each source: its key (and kind) expressions.
    private struct Grouping: Sendable {
        var hourlyKey: String?
        var rowsKey: String
        var hourlyKind = "''"
        var rowsKind = "''"
        var rowsSource = ""
        /// The rollup and its sums (`h`), and the sums of the rows (`u`).
        var hourlyTable = "usage_hourly"
        var hourlyColumns = "\(UsageSums.hourlyColumns), \(UsageSums.hourlyLatency)"
        var rowsColumns = "\(UsageSums.columns), \(UsageSums.latency)"
        /// Lines of cameras' shares (``UsageReport/Row/cameraShare``).
        var cameraShare = false
        /// The key and kind of skipped samples, over `scene_gate_hourly` (`g`); nil when skips cannot
        /// have this grouping's keys. Per camera, over `g` added up per source and its cameras (`s`).
        var skipsKey: String?
        var skipsKind = "''"
        var skipsPerCamera = false
        /// One camera only (its lines of `camera_hourly` and its shares of the rows), or nil.
        var camera: String?
        /// Whether each call is in exactly one row, so the rows add up to the total (not by camera,
        /// where a group's call counts for each camera, nor by session, for each session).
        var eachCallOnce = true

        /// Each camera, with its shares, from `camera_hourly` and from the rows' `vigil_camera_shares`;
        /// skips of a group go to its configured cameras.
        static let camera = Grouping(
            hourlyKey: "h.camera_id", rowsKey: "s.camera_id", hourlyKind: CameraShares.hourlyKind, rowsKind: CameraShares.rowsKind,
            rowsSource: CameraShares.rowsSource, hourlyTable: "camera_hourly",
            hourlyColumns: "\(CameraShares.hourlyColumns), \(CameraShares.noLatency)",
            rowsColumns: "\(CameraShares.columns), \(CameraShares.noLatency)", cameraShare: true,
            skipsKey: "s.camera_id", skipsKind: "CASE WHEN s.camera_id = g.source_id THEN g.source_kind ELSE 'camera' END",
            skipsPerCamera: true, eachCallOnce: false)

        /// A source's skipped samples' cameras (`s`): a camera's own, a group's configured ones (which
        /// cameras had a frame is not recorded for a skip), each with an equal share of the avoided cost.
        static let cameraSkips = """
             LEFT JOIN camera_groups gr ON g.source_kind = 'group' AND gr.id = g.source_id
             CROSS JOIN LATERAL vigil_camera_shares(
                CASE WHEN g.source_kind = 'camera' THEN ARRAY[g.source_id] ELSE coalesce(gr.camera_ids, '{}') END, g.source_id, g.cost_avoided) s
            """
    }

    /// A part of a report row, from one source and window.
    private struct Part {
        var usage: UsageAggregate
        var durationSum: Int
        var durationCount: Int
        var histogram: LatencyHistogram
        var skipped: SkippedSamples?

        init(
            usage: UsageAggregate, durationSum: Int = 0, durationCount: Int = 0, histogram: LatencyHistogram = LatencyHistogram(),
            skipped: SkippedSamples? = nil
        ) {
            self.usage = usage
            self.durationSum = durationSum
            self.durationCount = durationCount
            self.histogram = histogram
            self.skipped = skipped
        }

        static func + (left: Part, right: Part) -> Part {
            Part(
                usage: left.usage + right.usage, durationSum: left.durationSum + right.durationSum,
                durationCount: left.durationCount + right.durationCount, histogram: left.histogram + right.histogram,
                skipped: left.skipped.map { $0 + (right.skipped ?? SkippedSamples()) } ?? right.skipped)
        }

        func row(cameraShare: Bool, skips: Bool) -> UsageReport.Row {
            UsageReport.Row(
                usage: usage, averageMilliseconds: durationCount > 0 ? Double(durationSum) / Double(durationCount) : nil,
                p95Milliseconds: histogram.quantile(0.95), skipped: skips ? skipped ?? SkippedSamples() : nil, cameraShare: cameraShare)
        }
    }

    /// Usage from `from` (included) to `to` (excluded), for one client or all, grouped or not.
    ///
    /// - Parameter grouping: `day` (UTC), `model`, `camera` (each camera, group members one by one,
    ///   with its shares of the calls it appeared in), `source` (camera or group id), `client`,
    ///   `operation` (method and endpoint), `session` (stream session), `tier` (the service tier that
    ///   served the call), `node` (the cluster node that made the call; ``singleDaemon`` outside
    ///   cluster mode), or nil.
    package func report(from: Date, to: Date, client code: String?, grouping: String?, session: UUID? = nil) async throws -> UsageReport {
        let groupings: [String: Grouping] = [
            "day": Grouping(
                hourlyKey: "to_char(h.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
                rowsKey: "to_char(u.\"timestamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
                skipsKey: "to_char(g.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
            "model": Grouping(hourlyKey: "h.model", rowsKey: "coalesce(u.model, 'legacy')"),
            "camera": .camera,
            "source": Grouping(
                hourlyKey: "h.source_id", rowsKey: "coalesce(u.source_id, 'legacy')",
                hourlyKind: "h.source_kind", rowsKind: "coalesce(u.source_kind, '')", skipsKey: "g.source_id", skipsKind: "g.source_kind"),
            "client": Grouping(
                hourlyKey: "coalesce(c.code, c.name, 'unknown')", rowsKey: "coalesce(c.code, c.name, 'unknown')",
                skipsKey: "coalesce(c.code, c.name, 'unknown')"),
            "operation": Grouping(hourlyKey: "h.operation", rowsKey: "coalesce(u.method, '') || ' ' || coalesce(u.endpoint, '')"),
            // The tier that served each call (which priced it): `standard`, `flex`, `priority`, or
            // `unknown` when the response named a tier this version does not know (unpriced).
            "tier": Grouping(hourlyKey: "h.service_tier", rowsKey: "coalesce(u.service_tier, 'standard')"),
            // The cluster node that made each call; a single daemon's rows have none (the rollup's '',
            // the rows' NULL), shown as one row of their own (a node name never has parentheses).
            "node": Grouping(
                hourlyKey: "CASE WHEN h.node = '' THEN '\(Self.singleDaemon)' ELSE h.node END",
                rowsKey: "coalesce(nullif(u.node, ''), '\(Self.singleDaemon)')"),
            // Each stream session: whole hours from `session_hourly`, the edges from the rows; a
            // group's call counts for each of its cameras' sessions, with its whole cost. Grouped by
            // the uuid itself (its text is the same), not by its text: a third of the time.
            "session": Grouping(
                hourlyKey: "h.session_id", rowsKey: "s.session",
                rowsSource: " CROSS JOIN LATERAL unnest(u.session_ids) AS s(session)", hourlyTable: "session_hourly", eachCallOnce: false),
        ]
        let chosen = grouping.flatMap { groupings[$0] }
        if let grouping, chosen == nil { throw UsageReportError(message: "unknown grouping \(grouping)") }
        return try await client.withConnection { connection in
            let clientKey = try Self.clientKey(connection, code)
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
            // Rows of a session's report have no skips: a skip has no session.
            let rowSkips = chosen?.skipsKey != nil && session == nil
            let rows =
                try chosen.map {
                    try Self.parts(
                        connection, grouping: $0, window: window, clientKey: clientKey, session: session,
                        skips: rowSkips ? .all : .excluded)
                } ?? []
            // With --session, the total's skips are those of the session's camera (a group's shared).
            var total = Grouping(hourlyKey: "'total'", rowsKey: "'total'", skipsKey: "'total'")
            total.skipsPerCamera = sessionInfo != nil
            let totals: [Part]
            if let chosen, chosen.eachCallOnce, session == nil {
                // Each call is in exactly one row: the total is the rows' sum (their skips too,
                // when the rows have them), not a second pass over the same hours.
                var sum = rows.reduce(Part(usage: UsageAggregate(key: "total"))) { $0 + $1 }
                if !rowSkips {
                    sum.skipped = try Self.parts(
                        connection, grouping: total, window: window, clientKey: clientKey, session: nil, skips: .all, calls: false
                    ).first?.skipped
                }
                totals = [sum]
            } else {
                totals = try Self.parts(
                    connection, grouping: total, window: window, clientKey: clientKey, session: session,
                    skips: sessionInfo.map { .camera($0.cameraID) } ?? .all)
            }
            return UsageReport(
                from: from, to: to, client: code, grouping: grouping,
                total: (totals.first ?? Part(usage: UsageAggregate(key: "total"))).row(cameraShare: false, skips: true),
                rows: rows.map { $0.row(cameraShare: chosen?.cameraShare ?? false, skips: rowSkips) },
                session: sessionInfo)
        }
    }

    /// One camera's calls (those it appeared in) and its shares of their cost, per UTC day from
    /// `from` to `to`, as the report by camera counts them: the days with calls, in order. One
    /// statement on `camera_hourly` and two on the rows at the edges, not one report per day.
    ///
    /// - Parameter client: the camera's client, or nil for any (a client-limited caller gives its own).
    package func cameraByDay(camera: String, client code: String?, from: Date, to: Date) async throws -> [UsageReport.Row] {
        var grouping = Grouping.camera
        grouping.hourlyKey = "to_char(h.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        grouping.rowsKey = "to_char(u.\"timestamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        grouping.hourlyKind = "''"
        grouping.rowsKind = "''"
        grouping.camera = camera
        let cameraDays = grouping
        return try await client.withConnection { connection in
            return try Self.parts(
                connection, grouping: cameraDays, window: (from, to), clientKey: try Self.clientKey(connection, code), session: nil,
                skips: .excluded
            )
            .map { $0.row(cameraShare: true, skips: false) }
        }
    }

    /// The key of client `code` in SQL: nil for every client, -1 (no row) for an unknown one.
    private static func clientKey(_ connection: PostgresConnection, _ code: String?) throws -> Int? {
        guard let code else { return nil }
        return try connection.query("SELECT id FROM clients WHERE code = $1", [code]).first?.int("id") ?? -1
    }

    /// Which skipped samples a part counts.
    private enum SkipScope: Equatable {
        /// None: the part's keys are not those of skips.
        case excluded
        case all
        /// Only those of one camera (a group's shared among its cameras).
        case camera(String)
    }

    /// The report rows of `grouping` over `window`, merged across the rollup and the rows, in key
    /// order, with the samples `skips` names that were skipped in the hours beginning within `window`
    /// (a key with skips but no calls is a row too). Without `calls`, the skips only.
    private static func parts(
        _ connection: PostgresConnection, grouping: Grouping, window: (from: Date, to: Date),
        clientKey: Int?, session: UUID?, skips: SkipScope, calls: Bool = true
    ) throws -> [Part] {
        var parts: [Part] = []
        let firstHour = InvoiceRepository.ceilHour(window.from)
        let lastHour = InvoiceRepository.floorHour(window.to)
        // Without calls (only the skips), no usage statement at all.
        var rowWindows = calls ? [(window.from, window.to)] : []
        // One camera's lines: its id is the statements' last parameter.
        let camera: [any SQLParameter] = grouping.camera.map { [$0] } ?? []
        if calls, let hourlyKey = grouping.hourlyKey, session == nil, firstHour < lastHour {
            let hourlyParameters: [any SQLParameter] = [firstHour, lastHour, clientKey] + camera
            parts += try connection.query(
                """
                SELECT \(hourlyKey) AS key, \(grouping.hourlyKind) AS kind, \(grouping.hourlyColumns)
                FROM \(grouping.hourlyTable) h LEFT JOIN clients c ON c.id = h.client_id
                WHERE h.hour >= $1::timestamptz AND h.hour < $2::timestamptz AND ($3::integer IS NULL OR h.client_id = $3)
                  \(grouping.camera == nil ? "" : "AND h.camera_id = $4")
                GROUP BY 1, 2
                """, hourlyParameters
            ).rows.map(part)
            rowWindows = [(window.from, firstHour), (lastHour, window.to)]
        }
        for (from, to) in rowWindows where from < to {
            parts += try connection.query(
                """
                SELECT \(grouping.rowsKey) AS key, \(grouping.rowsKind) AS kind, \(grouping.rowsColumns)
                FROM api_usage u LEFT JOIN clients c ON c.id = u.client_id\(grouping.rowsSource)
                WHERE u."timestamp" >= $1::timestamptz AND u."timestamp" < $2::timestamptz AND ($3::integer IS NULL OR u.client_id = $3)
                  AND ($4::uuid IS NULL OR $4::uuid = ANY(u.session_ids))\(grouping.camera == nil ? "" : " AND s.camera_id = $5")
                GROUP BY 1, 2
                """, [from, to, clientKey, session?.uuidString.lowercased()] + camera
            ).rows.map(part)
        }
        parts = parts.filter { $0.usage.calls > 0 }
        if let skipsKey = grouping.skipsKey, window.from < window.to, skips != .excluded {
            var parameters: [any SQLParameter] = [window.from, window.to, clientKey]
            let hours = "g.hour >= $1::timestamptz AND g.hour < $2::timestamptz AND ($3::integer IS NULL OR g.client_id = $3)"
            var from = "scene_gate_hourly g LEFT JOIN clients c ON c.id = g.client_id WHERE \(hours)"
            if grouping.skipsPerCamera {
                // Added up per source first, then split over its cameras: one split per source, not per hour.
                from = """
                    (SELECT g.source_id, g.source_kind, sum(g.skipped) AS skipped, sum(g.cost_avoided) AS cost_avoided
                     FROM scene_gate_hourly g WHERE \(hours) GROUP BY 1, 2) g\(Grouping.cameraSkips)
                    """
                if case .camera(let camera) = skips {
                    from += " WHERE s.camera_id = $4"
                    parameters.append(camera)
                }
            }
            parts += try connection.query(
                """
                SELECT \(skipsKey) AS key, \(grouping.skipsKind) AS kind, coalesce(sum(g.skipped), 0) AS skipped,
                       coalesce(sum(\(grouping.skipsPerCamera ? "s.share" : "g.cost_avoided")), 0)::text AS cost_avoided
                FROM \(from)
                GROUP BY 1, 2
                """, parameters
            ).rows.compactMap { row in
                guard let count = row.int("skipped"), count != 0 else { return nil }
                return Part(
                    usage: UsageAggregate(key: row["key"] ?? "", kind: row["kind"] ?? ""),
                    skipped: SkippedSamples(count: count, estimatedCostAvoided: row.money("cost_avoided") ?? .zero))
            }
        }
        var merged: [String: Part] = [:]
        for part in parts {
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
