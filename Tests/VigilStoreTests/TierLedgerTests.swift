import Foundation
import Logging
import Testing
import VigilBilling
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// Calls served at each service tier, through the ledger and the price book in PostgreSQL: each is
/// costed at its served tier's price (flex at half of standard, priority and a tier Vigil does not
/// know left unpriced), a priority price set later prices the priority row on repricing, and the
/// hourly rollup and `vigil usage --by tier` keep the tiers apart with exact sums.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct TierLedgerTests {
    static func date(_ text: String) -> Date { try! Date(text, strategy: Date.ISO8601FormatStyle()) }

    /// A call of 1,000 prompt and 100 output tokens of gemini-2.5-flash, served at `served` (what the
    /// response's usageMetadata.serviceTier said; nil: nothing, so standard), asked at `requested`,
    /// with no cost: the ledger costs it in SQL.
    static func record(
        at time: Date, served: String?, requested: ServiceTier = .standard, prompt: Int = 1000, output: Int = 100,
        client: String = "acme", source: String = "cam-1", statusCode: Int? = 200
    ) -> UsageRecord {
        var record = UsageRecord(
            timestamp: time, clientID: client, sourceID: source, sourceKind: "camera",
            endpoint: "/v1beta/models/gemini-2.5-flash:generateContent", statusCode: statusCode, model: "gemini-2.5-flash",
            usage: TokenUsage(promptTokens: prompt, candidatesTokens: output, totalTokens: prompt + output, serviceTier: served),
            success: statusCode == 200, durationMilliseconds: 700)
        record.requestedTier = requested
        return record
    }

    static func migrated() async throws -> (TestDatabase, DatabaseClient) {
        let database = try await TestDatabase.create()
        let client = DatabaseClient(connectionString: database.url)
        try await Migrator(client: client).migrate()
        return (database, client)
    }

    static func write(_ records: [UsageRecord], to url: String) async throws {
        let ledger = try UsageLedger(
            connectionString: url, spoolDirectory: NSTemporaryDirectory() + "vigil-spool-" + UUID().uuidString,
            logger: Logger(label: "test"))
        try await ledger.record(records)
        #expect(await ledger.close())
    }

    /// gemini-2.5-flash at priority: 0.54 input, 4.50 output, 0.054 cached (1.8 × standard).
    static func priorityPrice(from: String = "2026-01-01T00:00:00Z") -> ModelPrice {
        ModelPrice(
            id: 0, model: "gemini-2.5-flash", effectiveFrom: date(from), inputPerMillion: Money("0.54")!,
            outputPerMillion: Money("4.50")!, cachedPerMillion: Money("0.054")!, tier: .priority)
    }

    @Test func eachCallIsCostedAtTheTierThatServedIt() async throws {
        let (database, client) = try await Self.migrated()
        let at = Self.date("2026-10-05T10:20:00Z")
        try await Self.write(
            [
                Self.record(at: at, served: nil),  // the response named no tier: standard
                Self.record(at: at.addingTimeInterval(1), served: "SERVICE_TIER_FLEX", requested: .flex),
                Self.record(at: at.addingTimeInterval(2), served: "priority", requested: .priority),
                Self.record(at: at.addingTimeInterval(3), served: "turbo", requested: .priority),
                // A priority request over its limit is served, and billed, as standard.
                Self.record(at: at.addingTimeInterval(4), served: "standard", requested: .priority),
            ], to: database.url)
        // 1,000 × 0.30 + 100 × 2.50 per million at standard; flex the seeded half of it.
        #expect(
            try await database.psql(
                """
                SELECT string_agg(service_tier || '|' || requested_service_tier || '|' || coalesce(trim_scale(cost)::text, 'NULL') || '|' || unpriced
                                  || '|' || (price_id IS NOT NULL), ',' ORDER BY "timestamp")
                FROM api_usage
                """)
                == "standard|standard|0.00055|false|true,flex|flex|0.000275|false|true,priority|priority|NULL|true|false,"
                + "unknown|priority|NULL|true|false,standard|priority|0.00055|false|true")
        // The flex price used is the flex row, and it is exactly half of the standard one.
        #expect(
            try await database.psql(
                """
                SELECT p.tier || '|' || (p.input_per_million * 2 = s.input_per_million) || '|' || (p.output_per_million * 2 = s.output_per_million)
                FROM api_usage u JOIN model_prices p ON p.id = u.price_id
                JOIN model_prices s ON s.model = p.model AND s.tier = 'standard' AND s.effective_from = p.effective_from
                WHERE u.service_tier = 'flex'
                """) == "flex|true|true")
        // The hour's rollup has a row per served tier.
        #expect(
            try await database.psql(
                "SELECT string_agg(service_tier || '|' || calls || '|' || trim_scale(cost)::text || '|' || unpriced, ',' ORDER BY service_tier) FROM usage_hourly"
            ) == "flex|1|0.000275|0,priority|1|0|1,standard|2|0.0011|0,unknown|1|0|1")

        // In Swift, the price book prices the same usage the same way, and never a tier at another's rates.
        let book = try await PriceRepository(client: client).load()
        let usage = TokenUsage(promptTokens: 1000, candidatesTokens: 100)
        #expect(book.cost(of: usage, model: "gemini-2.5-flash", tier: .standard, at: at)?.cost == Money("0.00055"))
        #expect(book.cost(of: usage, model: "gemini-2.5-flash", tier: .flex, at: at)?.cost == Money("0.000275"))
        #expect(book.cost(of: usage, model: "gemini-2.5-flash", tier: .priority, at: at) == nil)
        #expect(book.cost(of: usage, model: "gemini-2.5-flash", tier: nil, at: at) == nil)
    }

    @Test func aPriorityPriceSetLaterPricesThePriorityRowOnRepricing() async throws {
        let (database, client) = try await Self.migrated()
        let at = Self.date("2026-10-05T10:20:00Z")
        try await Self.write(
            [
                Self.record(at: at, served: nil),
                Self.record(at: at.addingTimeInterval(1), served: "flex", requested: .flex),
                Self.record(at: at.addingTimeInterval(2), served: "PRIORITY", requested: .priority, prompt: 2000, output: 300),
                Self.record(at: at.addingTimeInterval(3), served: "turbo", requested: .priority),
            ], to: database.url)
        let prices = PriceRepository(client: client)
        // Nothing to reprice yet: priority has no price, and a tier Vigil does not know never has one.
        #expect(try await prices.repriceUnpriced() == 0)
        try await prices.set(Self.priorityPrice(), note: "priority: 1.8 × standard")
        #expect(try await prices.repriceUnpriced() == 1)
        // 2,000 × 0.54 + 300 × 4.50 per million = 0.00243, at the priority price's id.
        #expect(
            try await database.psql(
                """
                SELECT trim_scale(u.cost)::text || '|' || u.unpriced || '|' || p.tier FROM api_usage u JOIN model_prices p ON p.id = u.price_id
                WHERE u.service_tier = 'priority'
                """) == "0.00243|false|priority")
        #expect(
            try await database.psql("SELECT coalesce(cost::text, 'NULL') || '|' || unpriced FROM api_usage WHERE service_tier = 'unknown'")
                == "NULL|true")
        // The cost moved into the priority row of the hour, which is no longer unpriced; the others did not change.
        #expect(
            try await database.psql(
                "SELECT string_agg(service_tier || '|' || calls || '|' || trim_scale(cost)::text || '|' || unpriced, ',' ORDER BY service_tier) FROM usage_hourly"
            ) == "flex|1|0.000275|0,priority|1|0.00243|0,standard|1|0.00055|0,unknown|1|0|1")
        #expect(try await database.psql("SELECT sum(cost) = (SELECT sum(cost) FROM api_usage) FROM usage_hourly") == "t")
        // The report by tier says the same.
        let report = try await UsageRepository(client: client).report(
            from: Self.date("2026-10-05T00:00:00Z"), to: Self.date("2026-10-06T00:00:00Z"), client: nil, grouping: "tier")
        #expect(report.rows.map(\.usage.key) == ["flex", "priority", "standard", "unknown"])
        #expect(report.rows.map(\.usage.providerCost) == [Money("0.000275")!, Money("0.00243")!, Money("0.00055")!, .zero])
        #expect(report.rows.map(\.usage.unpricedCalls) == [0, 0, 0, 1])
        #expect(report.total.usage.providerCost == Money("0.003255"))
        #expect(report.total.usage.unpricedCalls == 1)
    }

    /// `vigil usage --by tier` reads whole hours from the rollup and the edges from the rows, like
    /// every grouping: each tier's row equals its rows' sums, and the rows add up to the total, to
    /// the last digit.
    @Test func theReportByTierEqualsTheRowsAndAddsUpToTheTotal() async throws {
        let (database, client) = try await Self.migrated()
        let tiers: [(served: String?, requested: ServiceTier)] = [
            (nil, .standard), ("flex", .flex), ("SERVICE_TIER_PRIORITY", .priority), ("standard", .priority), ("bogus", .flex),
        ]
        var records: [UsageRecord] = []
        for minute in stride(from: 0, to: 60 * 24 * 6, by: 13) {
            let tier = tiers[(minute / 13) % tiers.count]
            records.append(
                Self.record(
                    at: Self.date("2026-10-01T00:00:00Z").addingTimeInterval(Double(minute) * 60 + 11), served: tier.served,
                    requested: tier.requested, prompt: 400 + minute % 211, output: 15 + minute % 29,
                    client: minute % 3 == 0 ? "acme" : "globex", source: "cam-\(minute % 4)"))
        }
        try await Self.write(records, to: database.url)
        // Price priority for part of the period only (from the 3rd): rows before stay unpriced.
        let prices = PriceRepository(client: client)
        try await prices.set(Self.priorityPrice(from: "2026-10-03T00:00:00Z"))
        #expect(try await prices.repriceUnpriced() > 0)
        let from = Self.date("2026-10-01T07:41:30Z"), to = Self.date("2026-10-05T19:05:00Z")
        let repository = UsageRepository(client: client)
        for customer in [nil, "acme"] as [String?] {
            let report = try await repository.report(from: from, to: to, client: customer, grouping: "tier")
            let direct = try await database.psql(
                """
                SELECT string_agg(line, ',' ORDER BY tier) FROM (
                    SELECT u.service_tier AS tier, u.service_tier || '|' || count(*) || '|' || sum(u.prompt_tokens) || '|' || sum(u.completion_tokens)
                           || '|' || coalesce(sum(u.cost) FILTER (WHERE NOT u.unpriced), 0)::text || '|' || count(*) FILTER (WHERE u.unpriced) AS line
                    FROM api_usage u JOIN clients c ON c.id = u.client_id
                    WHERE u."timestamp" >= '2026-10-01T07:41:30Z' AND u."timestamp" < '2026-10-05T19:05:00Z'
                      AND (\(customer == nil ? "true" : "c.code = 'acme'"))
                    GROUP BY 1) t
                """
            ).split(separator: ",").map { $0.split(separator: "|").map(String.init) }
            #expect(report.rows.map(\.usage.key) == direct.map { $0[0] }, "\(customer ?? "all")")
            #expect(report.rows.map(\.usage.key) == ["flex", "priority", "standard", "unknown"])
            for (row, expected) in zip(report.rows, direct) {
                #expect(
                    ["\(row.usage.calls)", "\(row.usage.promptTokens)", "\(row.usage.completionTokens)"] == Array(expected[1...3]),
                    "\(row.usage.key)")
                #expect(row.usage.providerCost == Money(expected[4]), "\(row.usage.key)")
                #expect("\(row.usage.unpricedCalls)" == expected[5], "\(row.usage.key)")
            }
            // The rows add up exactly to the ungrouped report's total (read on its own), cost and
            // unpriced calls included; the grouped report's total is the same.
            let whole = try await repository.report(from: from, to: to, client: customer, grouping: nil).total.usage
            let sum = report.rows.reduce(UsageAggregate(key: "total")) { $0 + $1.usage }
            #expect(sum.calls == whole.calls)
            #expect(sum.promptTokens == whole.promptTokens && sum.totalTokens == whole.totalTokens)
            #expect(sum.providerCost == whole.providerCost)
            #expect(sum.unpricedCalls == whole.unpricedCalls)
            #expect(report.total.usage == whole)
            // Priority is partly priced: its rows before the 3rd remain unpriced, the others are costed.
            let priority = try #require(report.rows.first { $0.usage.key == "priority" })
            #expect(priority.usage.unpricedCalls > 0 && priority.usage.providerCost > .zero)
            #expect(
                report.rows.first { $0.usage.key == "unknown" }?.usage.unpricedCalls
                    == report.rows.first { $0.usage.key == "unknown" }?.usage.calls)
            // The text, JSON and CSV documents carry the same rows.
            let text = UsageReportDocument.text(report)
            #expect(text.contains("by tier"))
            #expect(
                text.contains(
                    "tier priority: \(priority.usage.unpricedCalls) calls unpriced: vigil prices set --model MODEL --tier priority"))
            #expect(text.contains("tier unknown:"))
            let csv = UsageReportDocument.csv(report).split(separator: "\n").map(String.init)
            #expect(csv.first?.hasPrefix("tier,kind,calls,") == true)
            #expect(csv.count == report.rows.count + 2)
            #expect(csv.dropFirst().map { String($0.prefix { $0 != "," }) } == report.rows.map(\.usage.key) + ["total"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(UsageReportDocument.json(report).utf8)) as? [String: Any])
            #expect(json["by"] as? String == "tier")
            let rows = try #require(json["rows"] as? [[String: Any]])
            #expect(rows.compactMap { $0["key"] as? String } == report.rows.map(\.usage.key))
            #expect(rows.compactMap { ($0["cost"] as? String).flatMap { Money($0) } }.reduce(.zero, +) == report.total.usage.providerCost)
        }
    }

    /// The same through the command line: `vigil prices set --tier priority`, `vigil prices list`,
    /// `vigil prices reprice --unpriced` and `vigil usage --by tier`.
    @Test func theCommandLineSetsListsAndRepricesTierPrices() async throws {
        let (database, _) = try await Self.migrated()
        let at = Self.date("2026-10-05T10:20:00Z")
        try await Self.write(
            [
                Self.record(at: at, served: nil),
                Self.record(at: at.addingTimeInterval(1), served: "flex", requested: .flex),
                Self.record(at: at.addingTimeInterval(2), served: "priority", requested: .priority),
            ], to: database.url)
        func vigil(_ arguments: [String]) async throws -> ProcessOutput {
            try await ProcessRunner.run(TestEnvironment.vigilExecutable, arguments + ["--database-url", database.url])
        }
        let before = try await vigil(["prices", "list"])
        #expect(before.status == 0, "\(before.standardError)")
        let lines = before.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("model                      tier      from") == true)
        #expect(lines.contains { $0.hasPrefix("gemini-2.5-flash           standard  2") })
        #expect(lines.contains { $0.hasPrefix("gemini-2.5-flash           flex      2") })
        #expect(!lines.contains { $0.hasPrefix("gemini-2.5-flash           priority") })
        #expect(lines.contains { $0.hasPrefix("no priority price: ") && $0.contains("gemini-2.5-flash") })

        let refused = try await vigil([
            "prices", "set", "--model", "gemini-2.5-flash", "--tier", "turbo", "--from", "2026-01-01", "--input", "1", "--output", "2",
        ])
        #expect(refused.status != 0 && refused.standardError.contains("--tier must be standard, flex or priority"))

        let set = try await vigil([
            "prices", "set", "--model", "gemini-2.5-flash", "--tier", "priority", "--from", "2026-01-01", "--input", "0.54", "--output",
            "4.50",
        ])
        #expect(set.status == 0, "\(set.standardError)")
        #expect(set.standardOutput.contains("gemini-2.5-flash priority from 2026-01-01"))
        let after = try await vigil(["prices", "list"])
        #expect(
            after.standardOutput.split(separator: "\n").contains { $0.hasPrefix("gemini-2.5-flash           priority  2026-01-01  0.54") })
        let reprice = try await vigil(["prices", "reprice", "--unpriced"])
        #expect(reprice.status == 0, "\(reprice.standardError)")
        #expect(reprice.standardOutput.contains("1 unpriced row costed"))
        #expect(try await database.psql("SELECT trim_scale(cost)::text FROM api_usage WHERE service_tier = 'priority'") == "0.00099")

        let usage = try await vigil(["usage", "--from", "2026-10-05", "--to", "2026-10-05", "--by", "tier", "--format", "csv"])
        #expect(usage.status == 0, "\(usage.standardError)")
        let rows = usage.standardOutput.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let costColumn = try #require(rows.first?.firstIndex(of: "cost"))
        #expect(rows.dropFirst().map { $0[0] } == ["flex", "priority", "standard", "total"])
        #expect(rows.dropFirst().map { $0[costColumn] } == ["0.000275", "0.00099", "0.00055", "0.001815"])
    }
}
