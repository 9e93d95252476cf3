import Foundation
import Testing
import VigilBilling
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// Usage reports by grouping against the rows themselves: a grouped report's total (the sum of its
/// rows when each call is in one row) equals the ungrouped total read on its own, and the report by
/// stream session (whole hours from `session_hourly`, the edges from the rows) equals the rows
/// added up directly.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"))
struct UsageReportGroupingTests {
    @Test func eachPartitionsTotalEqualsTheUngroupedTotal() async throws {
        let database = try await LedgerTests.migratedDatabase()
        var records: [UsageRecord] = []
        for minute in stride(from: 0, to: 60 * 50, by: 11) {
            let at = CameraShareTests.date("2026-10-04T00:00:00Z").addingTimeInterval(Double(minute) * 60 + 7)
            let client = minute % 3 == 0 ? "globex" : "acme"
            var record = CameraShareTests.call(
                at: at, client: client, source: "solo-\(minute % 4)", cameras: ["solo-\(minute % 4)"], present: ["solo-\(minute % 4)"],
                cost: minute % 13 == 0 ? nil : Money("0.000\(1 + minute % 7)3"),
                // A model with no price: unpriced calls.
                model: minute % 13 == 0 ? "gemini-0-nonesuch" : minute % 2 == 0 ? "gemini-2.5-flash" : "gemini-2.5-pro",
                success: minute % 17 != 0, durationMilliseconds: 200 + (minute * 37) % 5000)
            record.node = minute % 5 == 0 ? nil : "n\(minute % 3)"
            records.append(record)
        }
        try await CameraShareTests.write(records, to: database.url)
        try await database.psql(
            """
            INSERT INTO scene_gate_hourly (client_id, hour, source_id, source_kind, skipped, cost_avoided)
            SELECT c.id, h, 'solo-1', 'camera', 3, 0.0004 FROM clients c,
                   generate_series(timestamptz '2026-10-04T00:00:00Z', timestamptz '2026-10-05T23:00:00Z', interval '1 hour') h
            WHERE c.code IN ('acme', 'globex')
            """)
        let repository = UsageRepository(client: DatabaseClient(connectionString: database.url))
        let from = CameraShareTests.date("2026-10-04T03:41:00Z"), to = CameraShareTests.date("2026-10-05T22:12:30Z")
        for client in [nil, "acme"] {
            let whole = try await repository.report(from: from, to: to, client: client, grouping: nil).total
            #expect(whole.usage.calls > 100 && whole.usage.failedCalls > 0 && whole.usage.unpricedCalls > 0)
            #expect((whole.skipped?.count ?? 0) > 0 && whole.p95Milliseconds != nil)
            for grouping in ["day", "model", "source", "client", "operation", "tier", "node"] {
                let report = try await repository.report(from: from, to: to, client: client, grouping: grouping)
                #expect(report.total.usage == whole.usage, "\(grouping)")
                #expect(report.total.skipped == whole.skipped, "\(grouping)")
                #expect(report.total.p95Milliseconds == whole.p95Milliseconds, "\(grouping)")
                #expect(report.total.averageMilliseconds == whole.averageMilliseconds, "\(grouping)")
                #expect(report.rows.count > 1 || grouping == "tier" || (grouping == "client" && client != nil), "\(grouping)")
            }
        }
    }

    /// Camera calls with one session, group calls with a session per camera shown (a call counts for
    /// each, with its whole cost); a window with partial hours at both ends.
    @Test func bySessionEqualsTheRowsAddedUpDirectly() async throws {
        let database = try await LedgerTests.migratedDatabase()
        let sessions = (0..<6).map { _ in UUID() }
        var records: [UsageRecord] = []
        for minute in stride(from: 0, to: 60 * 30, by: 7) {
            let at = CameraShareTests.date("2026-10-04T00:00:00Z").addingTimeInterval(Double(minute) * 60 + 11)
            var record: UsageRecord
            if minute % 3 == 0 {
                record = CameraShareTests.call(at: at, present: ["c1", "c2", "c4"], cost: Money("0.0000\(1 + minute % 9)1"))
                record.sessionIDs = [sessions[0], sessions[1], sessions[3]]
            } else {
                record = CameraShareTests.call(
                    at: at, source: "solo", cameras: ["solo"], present: ["solo"], cost: minute % 5 == 0 ? nil : Money("0.0003"),
                    success: minute % 11 != 0, durationMilliseconds: 300 + minute % 4000)
                // The camera reconnected at 10:00: a session before, another after.
                record.sessionIDs = [minute < 600 ? sessions[4] : sessions[5]]
            }
            records.append(record)
        }
        try await CameraShareTests.write(records, to: database.url)
        let repository = UsageRepository(client: DatabaseClient(connectionString: database.url))
        let from = CameraShareTests.date("2026-10-04T02:13:00Z"), to = CameraShareTests.date("2026-10-05T04:41:10Z")
        let report = try await repository.report(from: from, to: to, client: nil, grouping: "session")
        let direct = try await database.psql(
            """
            SELECT string_agg(session || '|' || calls || '|' || failed || '|' || total || '|' || cost, ',' ORDER BY session)
            FROM (SELECT s.session::text AS session, count(*) AS calls, count(*) FILTER (WHERE u.success IS FALSE) AS failed,
                         sum(u.total_tokens) AS total, coalesce(sum(u.cost) FILTER (WHERE NOT u.unpriced), 0) AS cost
                  FROM api_usage u CROSS JOIN LATERAL unnest(u.session_ids) AS s(session)
                  WHERE u."timestamp" >= '2026-10-04T02:13:00Z' AND u."timestamp" < '2026-10-05T04:41:10Z' GROUP BY 1) v
            """
        ).split(separator: ",").map { $0.split(separator: "|").map(String.init) }
        #expect(direct.count == 5)
        #expect(report.rows.map(\.usage.key) == direct.map { $0[0] })
        for (row, expected) in zip(report.rows, direct) {
            #expect(row.usage.calls == Int(expected[1]) && row.usage.failedCalls == Int(expected[2]), "\(expected)")
            #expect(row.usage.totalTokens == Int(expected[3]) && row.usage.providerCost == Money(expected[4]), "\(expected)")
        }
        // The whole hours came from the rollup: it holds the sessions' hours.
        #expect(try await database.psql("SELECT count(DISTINCT session_id) FROM session_hourly") == "5")
    }
}
