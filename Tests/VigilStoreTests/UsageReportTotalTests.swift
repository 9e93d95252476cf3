import Foundation
import Testing
import VigilBilling
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// A grouped report's total is the sum of its rows when each call is in one row (day, model, source,
/// client, operation, tier, node); it must equal the ungrouped report's total, read on its own.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"))
struct UsageReportTotalTests {
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
}
