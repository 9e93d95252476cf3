import Foundation
import Logging
import Testing
import VigilBilling
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// A client's month read for its budget, and each crossing recorded once, on a real PostgreSQL.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"))
struct BudgetRepositoryTests {
    /// A month starting on a half hour (Asia/Kolkata): whole hours from the rollup, the half hours
    /// at its ends from the rows, and the unconfirmed request ids found.
    @Test func theMonthsSpendCountsPartialHoursFromTheRows() async throws {
        let database = try await LedgerTests.migratedDatabase()
        let ledger = try UsageLedger(
            connectionString: database.url, spoolDirectory: LedgerTests.spoolDirectory(), logger: Logger(label: "test"))
        let period = try #require(BillingPeriod(year: 2026, month: 12, timeZone: "Asia/Kolkata"))
        // 10 minutes before the month (not counted), 10 minutes into it (the partial first hour),
        // two hours into it (a whole hour), and 10 minutes before its end (the partial last hour).
        let times = [-600.0, 600, 7200, period.end.timeIntervalSince(period.start) - 600]
        var records: [UsageRecord] = []
        for (index, offset) in times.enumerated() {
            var record = LedgerTests.sampleRecord(index: index)
            record.clientID = "shop"
            record.timestamp = period.start.addingTimeInterval(offset)
            record.cost = Money("0.25")
            records.append(record)
        }
        try await ledger.record(records)
        #expect(await ledger.close())
        let repository = BudgetRepository(client: DatabaseClient(connectionString: database.url))
        let spend = try await repository.spend(
            client: "shop", from: period.start, to: period.end, requestIDs: [records[1].requestID, "not-written"])
        #expect(Money(spend.spent) == Money("0.75")!)
        #expect(spend.written == [records[1].requestID])
        #expect(try await repository.spend(client: "nobody", from: period.start, to: period.end, requestIDs: []).spent == "0")
        // Several clients' months in one statement: the same sums; the first half hour alone; none.
        let many = try await repository.spent(periods: [
            (client: "shop", from: period.start, to: period.end), (client: "nobody", from: period.start, to: period.end),
        ])
        #expect(many.mapValues { Money($0) } == ["shop": Money("0.75")!, "nobody": Money.zero])
        let firstHalfHour = try await repository.spent(periods: [
            (client: "shop", from: period.start, to: period.start.addingTimeInterval(1800))
        ])
        #expect(firstHalfHour.mapValues { Money($0) } == ["shop": Money("0.25")!])
        #expect(try await repository.spent(periods: []).isEmpty)
    }

    @Test func aCrossingIsRecordedOncePerMonthAndLimit() async throws {
        let database = try await LedgerTests.migratedDatabase()
        _ = try await database.psql("INSERT INTO clients (code, name) VALUES ('shop', 'Shop')")
        let repository = BudgetRepository(client: DatabaseClient(connectionString: database.url))
        let limit = "10.00"
        #expect(try await repository.record(client: "shop", month: "2026-12", event: "warn_50", limit: limit, spent: "5.1"))
        #expect(try await repository.record(client: "shop", month: "2026-12", event: "warn_50", limit: limit, spent: "5.2") == false)
        #expect(try await repository.record(client: "shop", month: "2027-01", event: "warn_50", limit: limit, spent: "5.3"))
        #expect(try await repository.record(client: "shop", month: "2026-12", event: "warn_50", limit: "20", spent: "10.1"))
        let events = try await repository.events(since: Date(timeIntervalSince1970: 0))
        #expect(events.map(\.month) == ["2026-12", "2027-01", "2026-12"])
        #expect(events.first?.spent == Money("5.1")!)
    }
}
