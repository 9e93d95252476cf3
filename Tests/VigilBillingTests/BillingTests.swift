import Foundation
import Testing
import VigilBilling
import VigilCore
import VigilGemini
import VigilTestSupport

@testable import VigilStore

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct BillingTests {
    static let fixtures = URL(fileURLWithPath: TestEnvironment.repositoryRoot + "/Tests/VigilGeminiTests/Fixtures")

    static func migrated() async throws -> (TestDatabase, DatabaseClient) {
        let database = try await TestDatabase.create()
        let client = DatabaseClient(connectionString: database.url)
        try await Migrator(client: client).migrate()
        return (database, client)
    }

    static func date(_ text: String) -> Date {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try! Date(text, strategy: Date.ISO8601FormatStyle())
    }

    static func record(
        _ client: String, at: String, model: String = "gemini-2.5-flash", prompt: Int = 1000, cached: Int = 0,
        output: Int = 100, thoughts: Int = 0, source: String = "cam-1", cost: Money? = nil
    ) -> UsageRecord {
        UsageRecord(
            timestamp: date(at), clientID: client, sourceID: source, sourceKind: "camera",
            endpoint: "/v1beta/models/\(model):generateContent", statusCode: 200, model: model,
            usage: TokenUsage(promptTokens: prompt, cachedTokens: cached, candidatesTokens: output, thoughtsTokens: thoughts),
            success: true, durationMilliseconds: 500, cost: cost)
    }

    static func write(_ records: [UsageRecord], to url: String) async throws {
        let ledger = try UsageLedger(
            connectionString: url, spoolDirectory: NSTemporaryDirectory() + "spool-" + UUID().uuidString,
            logger: .init(label: "test"))
        try await ledger.record(records)
        #expect(await ledger.close())
    }

    static func customer(_ id: String, markup: String = "25", fee: String = "2.50", vat: String = "20", zone: String = "UTC")
        -> ClientConfiguration
    {
        ClientConfiguration(
            id: id, name: "Client \(id)", timeZone: zone,
            plan: BillingPlan(markupPercent: Money(markup)!, cameraMonthlyFee: Money(fee)!, vatPercent: Money(vat)!))
    }

    /// Every recorded body, costed under the seeded prices, in Swift and in SQL, exactly alike.
    @Test func recordedBodiesAreCostedExactlyInSwiftAndSQL() async throws {
        let (database, client) = try await Self.migrated()
        let book = try await PriceRepository(client: client).load()
        let expected: [(String, String, String)] = [
            // file, model billed, exact cost in USD
            ("01", "gemini-2.0-flash", "0.0003403"),  // 3367 × 0.10 + 9 × 0.40
            ("02", "gemini-2.0-flash", "0.0001837"),  // 1817 × 0.10 + 5 × 0.40
            ("03", "gemini-2.5-flash", "0.0003737"),  // 629 × 0.30 + (2 + 72) × 2.50
            ("04", "gemini-3-flash-preview", "0.0012885"),  // 2349 × 0.50 + (2 + 36) × 3.00
            ("05", "gemini-2.5-flash", "0.00060443"),  // (345 − 191) × 0.30 + 191 × 0.03 + (80 + 141) × 2.50
            ("06", "gemini-2.5-flash", "0.00021776"),  // 8 × 0.30 + 3512 × 0.03 + (2 + 42) × 2.50
            ("07", "gemini-2.5-flash", "0.00069819"),  // 2 × 0.30 + 3 × 0.03 + (238 + 41) × 2.50
            ("08", "gemini-2.5-flash", "0.0000496"),  // 7 × 0.30 + 19 × 2.50
            ("09", "gemini-2.5-pro", "0.00003875"),  // 15 × 1.25 + 2 × 10
            ("10", "gemini-2.5-flash", "0.0009481"),  // (32 + 2395) × 0.30 + (41 + 47) × 2.50
            ("11", "gemini-2.5-flash", "0.0000692"),  // 14 × 0.30 + 26 × 2.50
            ("13", "gemini-2.0-flash", "0.0009311"),  // 9311 × 0.10
        ]
        for (file, model, cost) in expected {
            let name = try #require(
                try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).first { $0.hasPrefix(file + "_") })
            let response = try GeminiResponse.parse(Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name))))
            let usage = try #require(response.usage)
            let swift = try #require(book.cost(of: usage, model: model, at: Self.date("2026-10-15T12:00:00Z")))
            #expect(swift.cost == Money(cost), "\(file): \(swift.cost) != \(cost)")
            let sql = try await database.psql(
                """
                SELECT vigil_call_cost(vigil_price_at('\(model)', '2026-10-15T12:00:00Z'), \(usage.promptTokens), \(usage.cachedTokens),
                                       \(usage.candidatesTokens + usage.thoughtsTokens), \(usage.toolUsePromptTokens))::text
                """)
            #expect(Money(sql) == Money(cost), "\(file): SQL \(sql) != \(cost)")
        }
    }

    @Test func theLongContextTierAppliesToTheWholeRequest() async throws {
        let (_, client) = try await Self.migrated()
        let book = try await PriceRepository(client: client).load()
        let at = Self.date("2026-10-15T12:00:00Z")
        let under = TokenUsage(promptTokens: 200_000, candidatesTokens: 1000)
        let over = TokenUsage(promptTokens: 200_001, cachedTokens: 100_000, candidatesTokens: 1000, thoughtsTokens: 500)
        #expect(book.cost(of: under, model: "gemini-2.5-pro", at: at)?.cost == Money("0.26"))  // 200000 × 1.25 + 1000 × 10
        // (200001 − 100000) × 2.50 + 100000 × 0.25 + 1500 × 15
        #expect(book.cost(of: over, model: "gemini-2.5-pro", at: at)?.cost == Money("0.2975025"))
    }

    @Test func aPriceChangeMidMonthCostsEachCallAtItsOwnPrice() async throws {
        let (database, client) = try await Self.migrated()
        try await PriceRepository(client: client).set(
            ModelPrice(
                id: 0, model: "gemini-2.5-flash", effectiveFrom: Self.date("2026-10-16T00:00:00Z"),
                inputPerMillion: Money("0.60")!, outputPerMillion: Money("5")!))
        try await Self.write(
            [Self.record("acme", at: "2026-10-15T23:59:59Z"), Self.record("acme", at: "2026-10-16T00:00:00Z")], to: database.url)
        let costs = try await database.psql("SELECT string_agg(cost::text, ',' ORDER BY \"timestamp\") FROM api_usage")
        // 1000 × 0.30 + 100 × 2.50 = 550 → 0.00055; then 1000 × 0.60 + 100 × 5 = 1100 → 0.0011.
        #expect(costs.split(separator: ",").map { Money($0) } == [Money("0.00055"), Money("0.0011")])
        // A later price never changes rows already costed.
        try await PriceRepository(client: client).set(
            ModelPrice(
                id: 0, model: "gemini-2.5-flash", effectiveFrom: Self.date("2026-10-01T00:00:00Z"),
                inputPerMillion: Money("9")!, outputPerMillion: Money("9")!))
        #expect(try await database.psql("SELECT string_agg(cost::text, ',' ORDER BY \"timestamp\") FROM api_usage") == costs)
    }

    @Test func invoiceTotalsEqualTheRowsAndTheMonthBoundariesHold() async throws {
        let (database, client) = try await Self.migrated()
        var records: [UsageRecord] = []
        for day in 1...31 {
            for hour in [0, 13, 23] {
                records.append(
                    Self.record(
                        "acme", at: String(format: "2026-10-%02dT%02d:%02d:17Z", day, hour, day), prompt: 1000 + day * 7 + hour,
                        cached: day % 3 == 0 ? 200 : 0, output: 90 + hour, thoughts: day % 2 == 0 ? 33 : 0,
                        source: "cam-\(hour % 3)"))
            }
        }
        records.append(Self.record("acme", at: "2026-10-31T23:59:59.999Z", prompt: 777))  // the last instant: in
        records.append(Self.record("acme", at: "2026-11-01T00:00:00Z", prompt: 999_999))  // the next month: out
        records.append(Self.record("acme", at: "2026-09-30T23:59:59Z", prompt: 888_888))  // the month before: out
        records.append(Self.record("other", at: "2026-10-10T10:00:00Z", prompt: 555_555))  // another client: out
        try await Self.write(records, to: database.url)
        let customer = Self.customer("acme")
        let period = try #require(BillingPeriod(year: 2026, month: 10, timeZone: "UTC"))
        let invoice = try await InvoiceRepository(client: client).draft(for: customer, period: period, cameras: 3)
        let direct = try await database.psql(
            """
            SELECT count(*) || '|' || sum(prompt_tokens) || '|' || sum(cached_tokens) || '|' || sum(completion_tokens) || '|' ||
                   sum(thoughts_tokens) || '|' || sum(total_tokens) || '|' || sum(cost)::text
            FROM api_usage u JOIN clients c ON c.id = u.client_id
            WHERE c.code = 'acme' AND "timestamp" >= '2026-10-01T00:00:00Z' AND "timestamp" < '2026-11-01T00:00:00Z'
            """
        ).split(separator: "|").map(String.init)
        let totals = invoice.usageTotals
        #expect(
            [
                "\(totals.calls)", "\(totals.promptTokens)", "\(totals.cachedTokens)", "\(totals.completionTokens)",
                "\(totals.thoughtsTokens)", "\(totals.totalTokens)",
            ] == Array(direct[0..<6]))
        #expect(totals.providerCost == Money(direct[6]))
        #expect(totals.calls == 94)
        #expect(invoice.sources.map(\.key) == ["cam-0", "cam-1", "cam-2"])
        #expect(invoice.sources.reduce(Money.zero) { $0 + $1.providerCost } == totals.providerCost)
        // Rounding: each line's cost × 1.25 to cents, 3 × 2.50 fees, 20 % VAT to cents.
        let billed = totals.providerCost.scaled(by: 125, over: 100).rounded(toFractionDigits: 2)
        #expect(invoice.lines.map(\.billed) == [billed])
        #expect(invoice.subtotal == billed + Money("7.50")!)
        #expect(invoice.vat == invoice.subtotal.scaled(by: 20, over: 100).rounded(toFractionDigits: 2))
        #expect(invoice.total == invoice.subtotal + invoice.vat)
        let json = InvoiceDocument.json(invoice)
        let parsed = try JSONParser.parse(json)
        #expect(parsed["number"]?.isNull == true)
        #expect(parsed["period"]?["start"]?.string == "2026-10-01T00:00:00Z")
        #expect(parsed["period"]?["end"]?.string == "2026-11-01T00:00:00Z")
        #expect(parsed["totals"]?["provider_cost"]?.string == direct[6].trimmingTrailingZeros())
        #expect(parsed["totals"]?["calls"]?.int == 94)
        #expect(parsed["totals"]?["total"]?.string == invoice.total.formatted(fractionDigits: 2))
    }

    @Test func aClientsTimeZoneDecidesItsMonth() async throws {
        let (database, client) = try await Self.migrated()
        // 23:30 UTC on 31 October is already 1 November in Berlin (UTC+1 in winter).
        try await Self.write(
            [Self.record("berlin", at: "2026-10-31T23:30:00Z"), Self.record("berlin", at: "2026-10-31T22:30:00Z")], to: database.url)
        let customer = Self.customer("berlin", zone: "Europe/Berlin")
        let october = try await InvoiceRepository(client: client).draft(
            for: customer, period: BillingPeriod(year: 2026, month: 10, timeZone: "Europe/Berlin")!, cameras: 0)
        let november = try await InvoiceRepository(client: client).draft(
            for: customer, period: BillingPeriod(year: 2026, month: 11, timeZone: "Europe/Berlin")!, cameras: 0)
        #expect(october.usageTotals.calls == 1)
        #expect(november.usageTotals.calls == 1)
    }

    @Test func issuingFreezesTheInvoiceAndLateRowsGoToTheNextMonth() async throws {
        let (database, client) = try await Self.migrated()
        try await Self.write((1...5).map { Self.record("acme", at: "2026-10-0\($0)T10:00:00Z") }, to: database.url)
        let repository = InvoiceRepository(client: client)
        let customer = Self.customer("acme")
        let october = try #require(BillingPeriod(year: 2026, month: 10, timeZone: "UTC"))
        let issued = try await repository.issue(for: customer, period: october, cameras: 1, at: Self.date("2026-11-02T09:00:00Z"))
        #expect(issued.number == "VIG-2026-000001")
        #expect(issued.usageTotals.calls == 5)
        // A row of October replayed from a spool after the invoice was issued.
        try await Self.write(
            [Self.record("acme", at: "2026-10-20T10:00:00Z", prompt: 5000), Self.record("acme", at: "2026-11-03T10:00:00Z")],
            to: database.url)
        let again = try await repository.issue(for: customer, period: october, cameras: 1)
        #expect(again == issued)
        let draft = try await repository.draft(for: customer, period: october, cameras: 1)
        #expect(draft == issued)
        let november = try await repository.draft(for: customer, period: BillingPeriod(year: 2026, month: 11, timeZone: "UTC")!, cameras: 1)
        #expect(november.lines.map(\.kind) == ["usage", "late_usage"])
        #expect(november.lines.map(\.usage.calls) == [1, 1])
        #expect(november.lines[1].usage.promptTokens == 5000)
        #expect(try await database.psql("SELECT count(*) FROM api_usage WHERE invoice_id IS NOT NULL") == "5")
    }

    @Test func concurrentIssuesFromTwoProcessesAreGaplessAndUnique() async throws {
        let (database, _) = try await Self.migrated()
        let config = NSTemporaryDirectory() + "vigil-billing-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: config) }
        let clients = (1...6).map { "{\"id\": \"c\($0)\", \"name\": \"Client \($0)\"}" }.joined(separator: ",")
        try """
        {"database": {"url": "\(database.url)"}, "clients": [\(clients)], "cameras": []}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        try await Self.write(
            (1...6).flatMap { index in (1...3).map { _ in Self.record("c\(index)", at: "2026-10-05T10:00:00Z") } }, to: database.url)
        // Two processes per client, all at once: six clients, twelve `vigil invoice --issue`.
        let results = try await withThrowingTaskGroup(of: ProcessOutput.self) { group in
            for index in 1...6 {
                for _ in 0..<2 {
                    group.addTask {
                        try await ProcessRunner.run(
                            TestEnvironment.vigilExecutable,
                            [
                                "invoice", "--config", config, "--client", "c\(index)",
                                "--month", "2026-10", "--issue", "--format", "json",
                            ])
                    }
                }
            }
            var all: [ProcessOutput] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.standardError))")
        let numbers = results.compactMap { (try? JSONParser.parse($0.standardOutput))?["number"]?.string }
        #expect(numbers.count == 12)
        #expect(Set(numbers).count == 6)
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(Set(numbers) == Set((1...6).map { String(format: "VIG-%04d-%06d", year, $0) }))
        #expect(try await database.psql("SELECT count(*), count(DISTINCT number), max(sequence) FROM invoices") == "6|6|6")
        #expect(try await database.psql("SELECT count(*) FROM api_usage WHERE invoice_id IS NULL") == "0")
    }

    /// The draft reads whole hours from `usage_hourly`; it must equal the rows, edges and late rows included.
    @Test func theHourlyRollupGivesExactlyTheRowsSums() async throws {
        let (database, client) = try await Self.migrated()
        // India is UTC+5:30: October starts at 2026-09-30T18:30:00Z, so the first and last hours are partial.
        var records: [UsageRecord] = []
        for minute in stride(from: 0, to: 60 * 24 * 33, by: 37) {
            let at = Self.date("2026-09-29T00:00:00Z").addingTimeInterval(Double(minute) * 60)
            var record = Self.record(
                "india", at: "2026-10-01T00:00:00Z", model: minute % 5 == 0 ? "gemini-3-flash-preview" : "gemini-2.5-flash",
                prompt: 500 + minute % 97, cached: minute % 3 == 0 ? 100 : 0, output: 20 + minute % 13,
                thoughts: minute % 7, source: "cam-\(minute % 4)")
            record.timestamp = at
            if minute % 11 == 0 { record.model = "gemini-unlisted" }
            records.append(record)
        }
        records.append(Self.record("india", at: "2026-09-30T18:29:59Z"))  // the last second of September in India
        records.append(Self.record("india", at: "2026-09-30T18:30:00Z"))  // the first of October
        try await Self.write(records, to: database.url)
        let customer = Self.customer("india", zone: "Asia/Kolkata")
        let period = try #require(BillingPeriod(year: 2026, month: 10, timeZone: "Asia/Kolkata"))
        #expect(period.start == Self.date("2026-09-30T18:30:00Z"))
        let repository = InvoiceRepository(client: client)

        func direct() async throws -> [String] {
            try await database.psql(
                """
                SELECT count(*) || '|' || sum(prompt_tokens) || '|' || sum(completion_tokens) || '|' || sum(thoughts_tokens) || '|' ||
                       coalesce(sum(cost) FILTER (WHERE NOT unpriced), 0)::text || '|' || count(*) FILTER (WHERE unpriced)
                FROM api_usage WHERE "timestamp" >= '2026-09-30T18:30:00Z' AND "timestamp" < '2026-10-31T18:30:00Z'
                """
            ).split(separator: "|").map(String.init)
        }
        func check(_ invoice: Invoice, _ expected: [String]) {
            let t = invoice.usageTotals
            #expect(["\(t.calls)", "\(t.promptTokens)", "\(t.completionTokens)", "\(t.thoughtsTokens)"] == Array(expected[0..<4]))
            #expect(t.providerCost == Money(expected[4]))
            #expect("\(t.unpricedCalls)" == expected[5])
            #expect(invoice.sources.reduce(0) { $0 + $1.calls } == t.calls)
        }
        let before = try await direct()
        #expect(Int(before[5])! > 0)
        check(try await repository.draft(for: customer, period: period, cameras: 4), before)

        // Repricing the unlisted model moves its rows from unpriced to costed, in the rollup too.
        try await PriceRepository(client: client).set(
            ModelPrice(
                id: 0, model: "gemini-unlisted", effectiveFrom: Self.date("2026-01-01T00:00:00Z"),
                inputPerMillion: Money("0.7")!, outputPerMillion: Money("3.3")!))
        _ = try await PriceRepository(client: client).repriceUnpriced()
        let after = try await direct()
        #expect(after[5] == "0")
        check(try await repository.draft(for: customer, period: period, cameras: 4), after)
        // And the rollup holds every row of every hour.
        #expect(try await database.psql("SELECT sum(calls) FROM usage_hourly") == "\(records.count)")
        #expect(try await database.psql("SELECT sum(cost) = (SELECT sum(cost) FROM api_usage) FROM usage_hourly") == "t")
    }

    /// `vigil usage` reads whole hours from the rollup and the edges from the rows: every grouping
    /// must give what the rows give, and the p95 what the histogram of the rows' durations gives.
    @Test func theUsageReportFromTheRollupEqualsTheRows() async throws {
        let (database, client) = try await Self.migrated()
        var records: [UsageRecord] = []
        for minute in stride(from: 0, to: 60 * 24 * 20, by: 23) {
            var record = Self.record(
                minute % 3 == 0 ? "acme" : "globex", at: "2026-10-01T00:00:00Z",
                model: minute % 5 == 0 ? "gemini-3-flash-preview" : "gemini-2.5-flash",
                prompt: 500 + minute % 97, output: 20 + minute % 13, source: "cam-\(minute % 4)")
            record.timestamp = Self.date("2026-10-01T00:00:00Z").addingTimeInterval(Double(minute) * 60 + 17)
            record.durationMilliseconds = 120 + (minute * 7919) % 9000
            record.success = minute % 17 != 0
            records.append(record)
        }
        try await Self.write(records, to: database.url)
        let from = Self.date("2026-10-03T05:17:00Z"), to = Self.date("2026-10-17T13:45:30Z")
        let inside = records.filter { $0.timestamp >= from && $0.timestamp < to }
        let day = DateFormatter()
        day.dateFormat = "yyyy-MM-dd"
        day.timeZone = TimeZone(identifier: "UTC")
        day.locale = Locale(identifier: "en_US_POSIX")
        let keys: [String?: (UsageRecord) -> String] = [
            nil: { _ in "total" }, "day": { day.string(from: $0.timestamp) }, "model": { $0.model }, "source": { $0.sourceID },
            "client": { $0.clientID }, "operation": { "\($0.method) \($0.endpoint)" },
        ]
        let repository = UsageRepository(client: client)
        for (grouping, key) in keys {
            let report = try await repository.report(from: from, to: to, client: nil, grouping: grouping)
            let rows = grouping == nil ? [report.total] : report.rows
            let expected = Dictionary(grouping: inside, by: key)
            #expect(rows.map(\.usage.key) == expected.keys.sorted(), "\(grouping ?? "total")")
            for row in rows {
                let group = expected[row.usage.key] ?? []
                var histogram = LatencyHistogram()
                group.forEach { histogram.add(milliseconds: $0.durationMilliseconds) }
                #expect(row.usage.calls == group.count, "\(grouping ?? "total") \(row.usage.key)")
                #expect(row.usage.failedCalls == group.filter { !$0.success }.count)
                #expect(row.usage.promptTokens == group.reduce(0) { $0 + $1.usage.promptTokens })
                #expect(row.usage.completionTokens == group.reduce(0) { $0 + $1.usage.candidatesTokens })
                #expect(row.averageMilliseconds == Double(group.reduce(0) { $0 + $1.durationMilliseconds }) / Double(group.count))
                #expect(row.p95Milliseconds == histogram.quantile(0.95))
            }
        }
        // By camera (these calls are all of single cameras), each camera's calls and its whole cost, as by source.
        let bySource = try await repository.report(from: from, to: to, client: nil, grouping: "source")
        let byCamera = try await repository.report(from: from, to: to, client: nil, grouping: "camera")
        #expect(byCamera.rows.map(\.usage.key) == bySource.rows.map(\.usage.key))
        #expect(byCamera.rows.map(\.usage.calls) == bySource.rows.map(\.usage.calls))
        #expect(byCamera.rows.map(\.usage.providerCost) == bySource.rows.map(\.usage.providerCost))
        #expect(byCamera.rows.allSatisfy { $0.cameraShare && $0.usage.promptTokens == 0 } && bySource.rows.allSatisfy { !$0.cameraShare })
        let direct = try await database.psql(
            """
            SELECT sum(cost)::text FROM api_usage WHERE "timestamp" >= '2026-10-03T05:17:00Z' AND "timestamp" < '2026-10-17T13:45:30Z'
            """)
        let total =
            try await repository.report(from: from, to: to, client: "acme", grouping: nil).total.usage.providerCost
            + (try await repository.report(from: from, to: to, client: "globex", grouping: nil).total.usage.providerCost)
        #expect(total == Money(direct))
        #expect(try await repository.report(from: from, to: to, client: "nobody", grouping: "model").rows.isEmpty)
    }

    /// Migration 0005 buckets durations with the thresholds of ``LatencyHistogram``.
    @Test func theRollupBucketsLatencyLikeVigilCore() async throws {
        let (database, _) = try await Self.migrated()
        var durations = [0, 1, 120_000]
        for threshold in LatencyHistogram.thresholds { durations += [threshold - 1, threshold] }
        let records = durations.map { duration -> UsageRecord in
            var record = Self.record("acme", at: "2026-10-05T10:20:00Z")
            record.durationMilliseconds = duration
            return record
        }
        try await Self.write(records, to: database.url)
        var expected = LatencyHistogram()
        durations.forEach { expected.add(milliseconds: $0) }
        let columns = (0..<LatencyHistogram.bucketCount).map { String(format: "latency_%02d", $0) }.joined(separator: " || ',' || ")
        let stored = try await database.psql("SELECT \(columns) FROM usage_hourly")
        #expect(stored == expected.counts.map(String.init).joined(separator: ","))
        #expect(
            try await database.psql("SELECT duration_count || '|' || duration_sum FROM usage_hourly")
                == "\(durations.count)|\(durations.reduce(0, +))")
    }

    /// Migration 0005 shipped without the hour's slowest call; 0007 adds it. Hours rolled up before
    /// get theirs from the rows, and rows written after keep it, through the rewritten trigger.
    @Test func theSlowestCallIsAddedToHoursRolledUpBefore0007() async throws {
        let database = try await TestDatabase.create()
        let client = DatabaseClient(connectionString: database.url)
        try await Migrator(client: client, migrations: Migration.builtIn.filter { $0.version <= 6 }).migrate()
        func record(at time: String, milliseconds: Int) -> UsageRecord {
            var record = Self.record("acme", at: time)
            record.durationMilliseconds = milliseconds
            return record
        }
        // Rows as the ledger of that time wrote them (today's ledger writes columns of later migrations).
        _ = try await database.psql(
            """
            INSERT INTO clients (code, name) VALUES ('acme', 'acme');
            INSERT INTO api_usage (request_id, "timestamp", client_id, source_id, source_kind, endpoint, method, model, success,
                                   prompt_tokens, completion_tokens, total_tokens, duration_ms, cost, unpriced, estimated)
            SELECT r, t::timestamptz, (SELECT id FROM clients WHERE code = 'acme'), 'cam-1', 'camera',
                   '/v1beta/models/gemini-2.5-flash:generateContent', 'POST', 'gemini-2.5-flash', true, 1000, 100, 1100, d, 0.00055, false, false
            FROM (VALUES ('before-1', '2026-10-05T10:20:00Z', 300), ('before-2', '2026-10-05T10:40:00Z', 4200)) AS v(r, t, d);
            """)
        try await Migrator(client: client).migrate()
        #expect(try await database.psql("SELECT duration_max FROM usage_hourly") == "4200")
        try await Self.write(
            [record(at: "2026-10-05T10:50:00Z", milliseconds: 9000), record(at: "2026-10-05T11:05:00Z", milliseconds: 50)],
            to: database.url)
        #expect(
            try await database.psql("SELECT string_agg(duration_max || '/' || calls, ',' ORDER BY hour) FROM usage_hourly") == "9000/3,50/1"
        )
    }

    @Test func unpricedUsageIsLoudUntilPricedThenCosted() async throws {
        let (database, client) = try await Self.migrated()
        try await Self.write(
            [
                Self.record("acme", at: "2026-10-05T10:00:00Z", model: "gemini-9-ultra"),
                Self.record("acme", at: "2026-10-06T10:00:00Z"),
            ], to: database.url)
        let repository = InvoiceRepository(client: client)
        let customer = Self.customer("acme")
        let october = try #require(BillingPeriod(year: 2026, month: 10, timeZone: "UTC"))
        let draft = try await repository.draft(for: customer, period: october, cameras: 0)
        #expect(draft.usageTotals.unpricedCalls == 1)
        #expect(InvoiceDocument.text(draft).contains("UNPRICED"))
        await #expect(throws: InvoiceError.self) { try await repository.issue(for: customer, period: october, cameras: 0) }
        let report = try await UsageRepository(client: client).report(
            from: Self.date("2026-10-01T00:00:00Z"), to: Self.date("2026-11-01T00:00:00Z"),
            client: "acme", grouping: "model")
        #expect(report.rows.first { $0.usage.key == "gemini-9-ultra" }?.usage.unpricedCalls == 1)
        #expect(UsageReportDocument.text(report).contains("UNPRICED"))

        try await PriceRepository(client: client).set(
            ModelPrice(
                id: 0, model: "gemini-9-ultra", effectiveFrom: Self.date("2026-01-01T00:00:00Z"),
                inputPerMillion: Money("1")!, outputPerMillion: Money("4")!))
        #expect(try await PriceRepository(client: client).repriceUnpriced() == 1)
        let repriced = try await database.psql("SELECT cost::text || '|' || unpriced FROM api_usage WHERE model = 'gemini-9-ultra'").split(
            separator: "|")
        #expect(Money(repriced[0]) == Money("0.0014"))  // 1000 × 1 + 100 × 4 per million
        #expect(repriced[1] == "false")
        let issued = try await repository.issue(for: customer, period: october, cameras: 0)
        #expect(issued.usageTotals.unpricedCalls == 0)
        #expect(issued.usageTotals.providerCost == Money("0.00195"))
    }
}

extension String {
    /// `0.00054000` → `0.00054`.
    func trimmingTrailingZeros() -> String { Money(self)?.description ?? self }
}
