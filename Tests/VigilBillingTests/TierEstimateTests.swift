import Foundation
import Testing
import VigilBilling
import VigilCore
import VigilGemini
import VigilTestSupport

@testable import VigilStore

/// `vigil estimate` prices each source at the service tier it asks for, and `vigil invoice
/// --internal` shows the provider cost by tier.
@Suite struct TierEstimateTests {
    static func money(_ text: String) -> Money { Money(text)! }

    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let from = Date(timeIntervalSince1970: 1_700_000_000)

    /// gemini-2.5-flash at standard and at flex (the seeded 50 %), no priority price; gemini-3 standard only.
    static let prices = PriceBook(prices: [
        ModelPrice(
            id: 1, model: "gemini-2.5-flash", effectiveFrom: from, inputPerMillion: money("0.30"), outputPerMillion: money("2.50"),
            cachedPerMillion: money("0.03")),
        ModelPrice(
            id: 2, model: "gemini-2.5-flash", effectiveFrom: from, inputPerMillion: money("0.15"), outputPerMillion: money("1.25"),
            cachedPerMillion: money("0.015"), tier: .flex),
        ModelPrice(
            id: 3, model: "gemini-3-flash-preview", effectiveFrom: from, inputPerMillion: money("0.50"), outputPerMillion: money("3.00"),
            cachedPerMillion: money("0.05")),
    ])

    static let priority = ModelPrice(
        id: 4, model: "gemini-2.5-flash", effectiveFrom: from, inputPerMillion: money("0.54"), outputPerMillion: money("4.50"),
        cachedPerMillion: money("0.054"), tier: .priority)

    /// Client `shop`: camera `std` (the default tier), `cheap` (flex), `rush` (priority), `low`
    /// (standard, media resolution LOW); no groups.
    static func configuration(model: String = "gemini-2.5-flash", defaultTier: String = "standard") throws -> VigilConfiguration {
        try ConfigurationLoader.parse(
            """
            {
              "database": {"url": "postgresql://vigil@127.0.0.1:5432/vigil"},
              "gemini": {"model": "\(model)", "service_tier": "\(defaultTier)"},
              "analysis": {"interval_seconds": 10},
              "clients": [{"id": "shop", "name": "Test Shop"}],
              "cameras": [
                {"id": "std", "url": "rtsp://10.0.0.1/s", "client": "shop"},
                {"id": "cheap", "url": "rtsp://10.0.0.2/s", "client": "shop", "service_tier": "flex"},
                {"id": "rush", "url": "rtsp://10.0.0.3/s", "client": "shop", "service_tier": "priority"},
                {"id": "low", "url": "rtsp://10.0.0.4/s", "client": "shop", "media_resolution": "LOW"}
              ]
            }
            """, file: "tiers.json")
    }

    /// The request of every source: 258 image tokens, 300 of text.
    static let prompt: @Sendable (AnalysisSource) -> PromptTokens = { _ in
        PromptTokens(imageWidth: 768, imageHeight: 432, image: 258, text: 300)
    }

    static func estimate(_ configuration: VigilConfiguration, prices: PriceBook = prices, history: [SourceHistory.Key: SourceHistory] = [:])
        throws(EstimateError) -> CostEstimate
    {
        try CostEstimate.make(
            EstimateInputs(
                configuration: configuration, prices: prices, at: now, historyDays: history.isEmpty ? nil : 7, history: history,
                prompt: prompt))
    }

    @Test func aFlexSourceCostsHalfAStandardOneAndAPrioritySourceIsUnpriced() throws {
        let estimate = try Self.estimate(Self.configuration())
        let standard = try #require(estimate.sources.first { $0.id == "std" })
        let flex = try #require(estimate.sources.first { $0.id == "cheap" })
        let priority = try #require(estimate.sources.first { $0.id == "rush" })
        #expect(standard.tier == .standard && standard.priceID == 1 && !standard.isUnpriced)
        #expect(flex.tier == .flex && flex.priceID == 2 && !flex.isUnpriced)
        // (558 × 0.30 + 40 × 2.50) per million at standard; half of it at flex.
        #expect(standard.costPerCall == Self.money("0.0002674"))
        #expect(flex.costPerCall == Self.money("0.0001337"))
        #expect(flex.costPerCall * 2 == standard.costPerCall && flex.costPerMonth * 2 == standard.costPerMonth)
        // Priority has no price: unpriced, never costed at standard, and out of every total.
        #expect(priority.tier == .priority && priority.isUnpriced && priority.priceID == nil)
        #expect(priority.callsPerMonth == standard.callsPerMonth)
        #expect(estimate.unpricedSources.map(\.id) == ["rush"])
        let priced = estimate.sources.filter { !$0.isUnpriced }
        #expect(estimate.costPerMonth == priced.reduce(Money.zero) { $0 + $1.costPerMonth })
        #expect(estimate.costPerMonth == Self.money("0.0002674") * 259_200 * 2 + Self.money("0.0001337") * 259_200)
        #expect(estimate.clients[0].unpricedSources == 1)
        #expect(estimate.allSingle.unpricedSources == 1 && estimate.allSingle.costPerMonth == estimate.costPerMonth)
        #expect(estimate.priceID == 1 && estimate.tierPriceIDs == [.standard: 1, .flex: 2])

        // Loudly, in every format.
        let warning = try #require(EstimateDocument.unpricedWarning(estimate))
        #expect(warning.contains("1 UNPRICED source (camera rush): tier priority has no price for gemini-2.5-flash"))
        #expect(warning.contains("vigil prices set --model gemini-2.5-flash --tier priority"))
        let text = EstimateDocument.text(estimate)
        #expect(text.contains("!! " + warning))
        #expect(text.contains("standard price #1, flex price #2"))
        let rush = try #require(text.split(separator: "\n").first { $0.hasPrefix("rush ") })
        #expect(rush.contains("UNPRICED") && rush.contains("priority") && !rush.contains("0.000"))
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("cheap ") && $0.contains(" flex ") && $0.contains("0.0001337") })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(EstimateDocument.json(estimate).utf8)) as? [String: Any])
        let sources = try #require((json["clients"] as? [[String: Any]])?.first?["sources"] as? [[String: Any]])
        let rushJSON = try #require(sources.first { $0["id"] as? String == "rush" })
        #expect(rushJSON["unpriced"] as? Bool == true && rushJSON["service_tier"] as? String == "priority")
        #expect(rushJSON["cost_per_call"] is NSNull && rushJSON["cost_per_month"] is NSNull)
        #expect(sources.first { $0["id"] as? String == "cheap" }?["cost_per_call"] as? String == "0.0001337")
        #expect((json["total"] as? [String: Any])?["unpriced_sources"] as? Int == 1)
        #expect((json["price_ids"] as? [String: Any])?["flex"] as? Int == 2)
        let csv = EstimateDocument.csv(estimate).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = try #require(csv.first)
        let tierColumn = try #require(header.firstIndex(of: "service_tier"))
        let costColumn = try #require(header.firstIndex(of: "cost_per_call"))
        let rushRow = try #require(csv.first { $0[1] == "rush" })
        #expect(rushRow[tierColumn] == "priority" && rushRow[costColumn] == "" && rushRow.count == header.count)

        // With a priority price, the priority source is costed at it: 558 × 0.54 + 40 × 4.50 per million.
        let withPriority = try Self.estimate(Self.configuration(), prices: PriceBook(prices: Self.prices.prices + [Self.priority]))
        let rushPriced = try #require(withPriority.sources.first { $0.id == "rush" })
        #expect(!rushPriced.isUnpriced && rushPriced.priceID == 4 && rushPriced.costPerCall == Self.money("0.00048132"))
        #expect(withPriority.unpricedSources.isEmpty && EstimateDocument.unpricedWarning(withPriority) == nil)
    }

    @Test func theDefaultTierPricesSourcesWithoutOne() throws {
        // gemini.service_tier flex: every source without its own tier is priced at flex.
        let estimate = try Self.estimate(Self.configuration(defaultTier: "flex"))
        #expect(estimate.sources.first { $0.id == "std" }?.tier == .flex)
        #expect(estimate.sources.first { $0.id == "std" }?.costPerCall == Self.money("0.0001337"))
        #expect(estimate.priceID == 2)
        // A model priced at standard only: the flex default leaves every source but priority's... unpriced.
        let gemini3 = try Self.estimate(Self.configuration(model: "gemini-3-flash-preview", defaultTier: "flex"))
        #expect(gemini3.priceID == nil && gemini3.unpricedSources.map(\.id) == ["std", "cheap", "rush", "low"])
        #expect(gemini3.costPerMonth == .zero)
        // A model with no price at any tier is still the error it always was.
        #expect(throws: EstimateError.unpriced(model: "gemini-9-ultra")) {
            try Self.estimate(Self.configuration(model: "gemini-9-ultra"))
        }
    }

    @Test func history_isCostedAtTheSourcesTierToo() throws {
        let key = SourceHistory.Key(client: "shop", source: "cheap", kind: "camera")
        let rush = SourceHistory.Key(client: "shop", source: "rush", kind: "camera")
        let history = [
            key: SourceHistory(calls: 100, prompt: 60_000, completion: 4_000),
            rush: SourceHistory(calls: 100, prompt: 60_000, completion: 4_000),
        ]
        let estimate = try Self.estimate(Self.configuration(), history: history)
        let flex = try #require(estimate.sources.first { $0.id == "cheap" })
        #expect(flex.basis == .history && flex.costPerCall == Self.money("0.00014"))  // (600 × 0.15 + 40 × 1.25) per million
        let priority = try #require(estimate.sources.first { $0.id == "rush" })
        #expect(priority.basis == .history && priority.isUnpriced)
    }

    @Test func aGemini3SourceCarriesItsMediaResolution() throws {
        let estimate = try Self.estimate(Self.configuration(model: "gemini-3-flash-preview"))
        #expect(estimate.sources.first { $0.id == "low" }?.mediaResolution == .low)
        #expect(estimate.sources.first { $0.id == "std" }?.mediaResolution == nil)
        let text = EstimateDocument.text(estimate)
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("low ") && $0.contains(" LOW ") })
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("std ") && $0.contains(" default ") })
        // Gemini 2.5 ignores the resolution: none is recorded or shown.
        let flash = try Self.estimate(Self.configuration())
        #expect(flash.sources.allSatisfy { $0.mediaResolution == nil })
        #expect(!EstimateDocument.text(flash).contains(" LOW "))
    }

    // MARK: The internal invoice

    @Test func theInternalInvoiceShowsProviderCostByTierAndTheClientsDoesNot() throws {
        let client = ClientConfiguration(
            id: "shop", name: "Shop", timeZone: "UTC",
            plan: BillingPlan(markupPercent: Money("25")!, cameraMonthlyFee: Money("2.50")!, vatPercent: Money("20")!))
        let period = try #require(BillingPeriod(year: 2026, month: 10, timeZone: "UTC"))
        let standard = UsageAggregate(
            key: "gemini-2.5-flash", kind: "standard", calls: 10, totalTokens: 11_000, providerCost: Self.money("0.0055"))
        let flex = UsageAggregate(key: "gemini-2.5-flash", kind: "flex", calls: 4, totalTokens: 4_400, providerCost: Self.money("0.0011"))
        let priority = UsageAggregate(key: "gemini-2.5-flash", kind: "priority", calls: 2, totalTokens: 2_200, unpricedCalls: 2)
        var line = standard + flex + priority
        line.kind = ""
        let cameras = [CameraUsage(cameraID: "std", name: "Std", analyses: 16, costShare: Self.money("0.0066"))]
        let plain = Invoice.draft(client: client, period: period, lines: [line], sources: [], cameras: 1, cameraUsage: cameras)
        let tiered = Invoice.draft(
            client: client, period: period, lines: [line], sources: [], cameras: 1, cameraUsage: cameras, tiers: [standard, flex, priority])
        // Nothing billed changes, and the client's document is the same.
        #expect(tiered.total == plain.total && tiered.subtotal == plain.subtotal && tiered.lines == plain.lines)
        #expect(ClientInvoiceDocument.text(tiered) == ClientInvoiceDocument.text(plain))
        #expect(ClientInvoiceDocument.json(tiered) == ClientInvoiceDocument.json(plain))
        #expect(ClientInvoiceDocument.csv(tiered) == ClientInvoiceDocument.csv(plain))
        #expect(ClientInvoiceDocument.html(tiered) == ClientInvoiceDocument.html(plain))
        // The operator's view shows each tier's cost, the unpriced one flagged.
        let text = InvoiceDocument.text(tiered)
        #expect(text.contains("Provider cost by model and service tier"))
        let lines = text.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("  gemini-2.5-flash standard ") && $0.hasSuffix("0.0055") })
        #expect(lines.contains { $0.hasPrefix("  gemini-2.5-flash flex ") && $0.hasSuffix("0.0011") })
        #expect(lines.contains { $0.hasPrefix("  gemini-2.5-flash priority ") && $0.contains("!! 2 UNPRICED (no priority price)") })
        #expect(!InvoiceDocument.text(plain).contains("by model and service tier"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(InvoiceDocument.json(tiered).utf8)) as? [String: Any])
        let tiers = try #require(json["provider_cost_by_tier"] as? [[String: Any]])
        #expect(tiers.compactMap { $0["service_tier"] as? String } == ["standard", "flex", "priority"])
        #expect(tiers.compactMap { ($0["provider_cost"] as? String).flatMap { Money($0) } }.reduce(.zero, +) == line.providerCost)
        #expect(InvoiceDocument.html(tiered).contains("<td>flex</td>"))
        // Frozen and read back (an issued invoice's document), the tiers survive; one issued before them has none.
        let decoded = try JSONDecoder().decode(Invoice.self, from: JSONEncoder().encode(tiered))
        #expect(decoded.tiers == tiered.tiers)
        var old = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(plain)) as? [String: Any])
        old.removeValue(forKey: "tiers")
        #expect(try JSONDecoder().decode(Invoice.self, from: JSONSerialization.data(withJSONObject: old)).tiers == nil)
    }
}

/// The same with PostgreSQL: a month of calls at each tier, the draft's tiers from the rollup
/// (whole hours) and the rows (edges), equal to the rows and adding up to the per-model lines; the
/// issued invoice's from its rows.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct TierInvoiceTests {
    @Test func theInvoicesTiersAddUpToItsLinesExactly() async throws {
        let database = try await TestDatabase.create()
        let client = DatabaseClient(connectionString: database.url)
        try await Migrator(client: client).migrate()
        var records: [UsageRecord] = []
        let served: [String?] = [nil, "flex", "priority", "flex"]
        for minute in stride(from: 0, to: 60 * 24 * 40, by: 53) {
            var record = UsageRecord(
                timestamp: Date(timeIntervalSince1970: 1_790_000_000 + Double(minute) * 60), clientID: "india", sourceID: "cam-1",
                sourceKind: "camera", endpoint: "/v1beta/models/gemini-2.5-flash:generateContent", statusCode: 200,
                model: minute % 7 == 0 ? "gemini-3-flash-preview" : "gemini-2.5-flash",
                usage: TokenUsage(
                    promptTokens: 500 + minute % 97, candidatesTokens: 20 + minute % 13, serviceTier: served[(minute / 53) % served.count]),
                success: true, durationMilliseconds: 400)
            record.requestedTier = .flex
            records.append(record)
        }
        let ledger = try UsageLedger(
            connectionString: database.url, spoolDirectory: NSTemporaryDirectory() + "spool-" + UUID().uuidString,
            logger: .init(label: "test"))
        try await ledger.record(records)
        #expect(await ledger.close())
        let customer = ClientConfiguration(
            id: "india", name: "India", timeZone: "Asia/Kolkata",
            plan: BillingPlan(markupPercent: Money("25")!, cameraMonthlyFee: Money("0")!, vatPercent: Money("20")!))
        // October in India: 2026-09-30T18:30:00Z to 2026-10-31T18:30:00Z, partial hours at both edges.
        let period = try #require(BillingPeriod(year: 2026, month: 10, timeZone: "Asia/Kolkata"))
        #expect(records.first!.timestamp < period.start && records.last!.timestamp > period.start.addingTimeInterval(20 * 86_400))
        let repository = InvoiceRepository(client: client)

        func check(_ invoice: Invoice) async throws {
            let tiers = try #require(invoice.tiers)
            for line in invoice.lines {
                let mine = tiers.filter { $0.key == line.usage.key && $0.late == line.usage.late }
                var sum = mine.reduce(UsageAggregate(key: line.usage.key, late: line.usage.late)) { $0 + $1 }
                sum.kind = line.usage.kind
                #expect(sum == line.usage, "\(line.usage.key)")
            }
            let direct = try await database.psql(
                """
                SELECT string_agg(model || ' ' || service_tier || '|' || n || '|' || c || '|' || p, ',' ORDER BY model, service_tier) FROM (
                    SELECT model, service_tier, count(*) AS n, coalesce(sum(cost) FILTER (WHERE NOT unpriced), 0)::text AS c,
                           count(*) FILTER (WHERE unpriced) AS p
                    FROM api_usage WHERE "timestamp" >= '\(period.start.formatted(Date.ISO8601FormatStyle()))'
                      AND "timestamp" < '\(period.end.formatted(Date.ISO8601FormatStyle()))' GROUP BY 1, 2) t
                """
            ).split(separator: ",").map { $0.split(separator: "|").map(String.init) }
            let shown = tiers.sorted { ($0.key, $0.kind) < ($1.key, $1.kind) }
            #expect(shown.map { "\($0.key) \($0.kind)" } == direct.map { $0[0] })
            #expect(shown.map { "\($0.calls)" } == direct.map { $0[1] })
            #expect(shown.map(\.providerCost) == direct.map { Money($0[2])! })
            #expect(shown.map { "\($0.unpricedCalls)" } == direct.map { $0[3] })
            #expect(tiers.contains { $0.kind == "priority" && $0.unpricedCalls == $0.calls })
        }
        try await check(try await repository.draft(for: customer, period: period, cameras: 1))
        // Priority priced, the month issues; its frozen tiers come from its rows.
        try await PriceRepository(client: client).set(
            ModelPrice(
                id: 0, model: "gemini-2.5-flash", effectiveFrom: Date(timeIntervalSince1970: 1_700_000_000),
                inputPerMillion: Money("0.54")!,
                outputPerMillion: Money("4.50")!, tier: .priority))
        try await PriceRepository(client: client).set(
            ModelPrice(
                id: 0, model: "gemini-3-flash-preview", effectiveFrom: Date(timeIntervalSince1970: 1_700_000_000),
                inputPerMillion: Money("0.90")!, outputPerMillion: Money("5.40")!, tier: .priority))
        _ = try await PriceRepository(client: client).repriceUnpriced()
        let draft = try await repository.draft(for: customer, period: period, cameras: 1)
        let issued = try await repository.issue(for: customer, period: period, cameras: 1)
        #expect(issued.tiers == draft.tiers && issued.total == draft.total)
        #expect(issued.tiers?.allSatisfy { $0.unpricedCalls == 0 } == true)
        #expect(try await repository.document(number: issued.number ?? "")?.tiers == issued.tiers)
    }
}
