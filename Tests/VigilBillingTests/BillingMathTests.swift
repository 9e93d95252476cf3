import Foundation
import Testing
import VigilBilling
import VigilCore

/// Prices, costs, periods and invoices computed in Swift alone: no database.
@Suite struct BillingMathTests {
    static func money(_ text: String) -> Money { Money(text)! }

    static let flash = ModelPrice(
        id: 1, model: "gemini-2.5-flash", effectiveFrom: Date(timeIntervalSince1970: 1_700_000_000),
        inputPerMillion: money("0.30"), outputPerMillion: money("2.50"), cachedPerMillion: money("0.03"))
    static let pro = ModelPrice(
        id: 2, model: "gemini-2.5-pro", effectiveFrom: Date(timeIntervalSince1970: 1_700_000_000),
        inputPerMillion: money("1.25"), outputPerMillion: money("10"), cachedPerMillion: money("0.125"),
        longContextThreshold: 200_000, inputLongPerMillion: money("2.50"), outputLongPerMillion: money("15"),
        cachedLongPerMillion: money("0.25"))

    @Test func thinkingIsBilledAsOutputAndCachedTokensArePartOfThePrompt() {
        // 345 prompt tokens of which 191 cached, 80 answer and 141 thinking tokens.
        let usage = TokenUsage(promptTokens: 345, cachedTokens: 191, candidatesTokens: 80, thoughtsTokens: 141, totalTokens: 566)
        // ((345 − 191) × 0.30 + 191 × 0.03 + (80 + 141) × 2.50) per million = (46.2 + 5.73 + 552.5) / 10^6.
        #expect(Self.flash.cost(of: usage) == Self.money("0.00060443"))
    }

    @Test func aPromptAboveTheThresholdIsBilledWhollyAtTheLongContextRates() {
        let short = TokenUsage(promptTokens: 200_000, candidatesTokens: 1000, totalTokens: 201_000)
        let long = TokenUsage(promptTokens: 200_001, candidatesTokens: 1000, totalTokens: 201_001)
        #expect(Self.pro.cost(of: short) == Self.money("0.26"))  // 200,000 × 1.25 + 1,000 × 10
        #expect(Self.pro.cost(of: long) == Self.money("0.5150025"))  // 200,001 × 2.50 + 1,000 × 15
    }

    @Test func thePriceInEffectAtTheCallsTimeIsUsedAndAModelWithoutOneIsUnpriced() {
        var raised = Self.flash
        raised.id = 3
        raised.effectiveFrom = Date(timeIntervalSince1970: 1_800_000_000)
        raised.inputPerMillion = Self.money("0.60")
        let book = PriceBook(prices: [raised, Self.pro, Self.flash])
        let usage = TokenUsage(promptTokens: 1_000_000, totalTokens: 1_000_000)
        #expect(book.cost(of: usage, model: "gemini-2.5-flash", at: Date(timeIntervalSince1970: 1_799_999_999))?.priceID == 1)
        #expect(book.cost(of: usage, model: "gemini-2.5-flash", at: Date(timeIntervalSince1970: 1_800_000_000))?.cost == Self.money("0.6"))
        #expect(book.cost(of: usage, model: "gemini-2.5-flash", at: Date(timeIntervalSince1970: 1_600_000_000)) == nil)
        #expect(book.cost(of: usage, model: "gemini-9-unknown", at: Date()) == nil)
    }

    @Test func aMonthIsTheClientsCalendarMonth() throws {
        let berlin = try #require(BillingPeriod.parse("2026-10", timeZone: "Europe/Berlin"))
        // October 2026 in Berlin: summer time at its start, winter time at its end.
        #expect(berlin.start == Date(timeIntervalSince1970: 1_790_805_600))  // 2026-09-30T22:00:00Z
        #expect(berlin.end == Date(timeIntervalSince1970: 1_793_487_600))  // 2026-10-31T23:00:00Z
        #expect(BillingPeriod.parse("2026-13", timeZone: "UTC") == nil)
        #expect(BillingPeriod.parse("2026-1", timeZone: "UTC") == nil)
        #expect(BillingPeriod.parse("2026-10", timeZone: "Mars/Olympus") == nil)
    }

    @Test func anInvoiceRoundsEachLineOnceThenAddsFeesAndVAT() throws {
        let client = ClientConfiguration(
            id: "acme", name: "Acme",
            plan: BillingPlan(
                currency: "USD", markupPercent: Self.money("35"),
                cameraMonthlyFee: Self.money("4.99"), vatPercent: Self.money("21")))
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        let lines = [
            UsageAggregate(key: "gemini-2.5-flash", calls: 3, providerCost: Self.money("10.003")),
            UsageAggregate(key: "gemini-2.5-pro", calls: 1, providerCost: Self.money("0.0085404")),
        ]
        let invoice = Invoice.draft(client: client, period: period, lines: lines, sources: [], cameras: 3)
        // 10.003 × 1.35 = 13.50405 → 13.50; 0.0085404 × 1.35 = 0.01152954 → 0.01.
        #expect(invoice.lines.map(\.billed) == [Self.money("13.50"), Self.money("0.01")])
        #expect(invoice.cameraFees == Self.money("14.97"))
        #expect(invoice.subtotal == Self.money("28.48"))
        #expect(invoice.vat == Self.money("5.98"))  // 5.9808
        #expect(invoice.total == Self.money("34.46"))
        #expect(invoice.usageTotals.calls == 4)
        #expect(invoice.usageTotals.providerCost == Self.money("10.0115404"))
        #expect(!invoice.hasUnpricedUsage)
    }

    @Test func unpricedUsageBlocksIssuingAndIsNeverBilledAsZero() throws {
        let client = ClientConfiguration(id: "acme", name: "Acme")
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        let invoice = Invoice.draft(
            client: client, period: period,
            lines: [UsageAggregate(key: "gemini-9", calls: 2, unpricedCalls: 2)], sources: [], cameras: 0)
        #expect(invoice.hasUnpricedUsage)
    }

    @Test func everyFormatOfAnInvoiceCarriesItsTotals() throws {
        let client = ClientConfiguration(
            id: "acme", name: "Acme <Shops>", plan: BillingPlan(markupPercent: Self.money("20"), vatPercent: Self.money("10")))
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        let invoice = Invoice.draft(
            client: client, period: period, lines: [UsageAggregate(key: "gemini-2.5-flash", calls: 7, providerCost: Self.money("1"))],
            sources: [], cameras: 0)
        #expect(invoice.total == Self.money("1.32"))
        let json = try JSONParser.parse(InvoiceDocument.json(invoice))
        #expect(json["client"]?["id"]?.string == "acme")
        #expect(json["number"]?.string == nil)
        #expect(json["totals"]?["total"]?.string == "1.32")
        #expect(InvoiceDocument.text(invoice).contains("1.32"))
        #expect(InvoiceDocument.csv(invoice).contains("1.32"))
        let html = InvoiceDocument.html(invoice)
        #expect(html.contains("1.32"))
        #expect(html.contains("Acme &lt;Shops&gt;") && !html.contains("<Shops>"))
    }

    /// Invoices issued before invalid usage was counted were frozen without the count: they still
    /// decode (returning an issued invoice reads its frozen document).
    @Test func anAggregateFrozenBeforeInvalidUsageWasCountedStillDecodes() throws {
        let frozen = """
            {"key": "gemini-2.5-flash", "kind": "", "late": false, "calls": 3, "failedCalls": 0, "promptTokens": 10, "cachedTokens": 0,
             "completionTokens": 2, "thoughtsTokens": 0, "toolUseTokens": 0, "totalTokens": 12, "providerCost": "0.5",
             "unpricedCalls": 0, "estimatedCalls": 1}
            """
        let aggregate = try JSONDecoder().decode(UsageAggregate.self, from: Data(frozen.utf8))
        #expect(aggregate.calls == 3 && aggregate.invalidCalls == 0 && aggregate.providerCost == Self.money("0.5"))
        var counted = aggregate
        counted.invalidCalls = 2
        #expect(try JSONDecoder().decode(UsageAggregate.self, from: JSONEncoder().encode(counted)) == counted)
    }
}
