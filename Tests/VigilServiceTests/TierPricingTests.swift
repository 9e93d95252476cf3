import Foundation
import Testing
import VigilBilling
import VigilCore

@testable import VigilCapture
@testable import VigilGemini
@testable import VigilService

/// A call is priced at the tier that served it: a flex call at flex rates, a priority request
/// served as standard at standard, a tier with no price (or one Vigil does not know) unpriced,
/// never at standard by accident.
struct TierPricingTests {
    static let day = Date(timeIntervalSince1970: 1_790_000_000)
    static let prices = PriceBook(prices: [
        ModelPrice(
            id: 1, model: "gemini-2.5-flash", effectiveFrom: Date(timeIntervalSince1970: 0), inputPerMillion: Money("0.30")!,
            outputPerMillion: Money("2.50")!, cachedPerMillion: Money("0.03")!),
        ModelPrice(
            id: 2, model: "gemini-2.5-flash", effectiveFrom: Date(timeIntervalSince1970: 0), inputPerMillion: Money("0.15")!,
            outputPerMillion: Money("1.25")!, cachedPerMillion: Money("0.015")!, tier: .flex),
    ])

    static func attempt(requested: ServiceTier, served: String?, status: Int = 200) -> AttemptReport {
        var report = AttemptReport(
            attempt: 1, startedAt: day, durationMilliseconds: 900, statusCode: status,
            usage: TokenUsage(promptTokens: 1_000_000, candidatesTokens: 1_000_000, serviceTier: served), finishReason: "STOP",
            reachedServer: true, verdicts: [], failure: nil, rawText: nil)
        report.requestedTier = requested
        return report
    }

    static func record(_ attempt: AttemptReport) -> UsageRecord {
        UsageRecordFactory.record(
            attempt, source: UsageRecordFactoryTests.source, image: UsageRecordFactoryTests.image, model: "gemini-2.5-flash",
            endpoint: "/e", prices: prices)
    }

    @Test func eachCallIsPricedAtTheTierThatServedIt() {
        let flex = Self.record(Self.attempt(requested: .flex, served: "flex"))
        #expect(flex.cost == Money("1.40"))
        #expect(flex.priceID == 2 && flex.servedTierName == "flex" && flex.requestedTier == .flex)

        // A priority request over its limit is served, and billed, as standard.
        let demoted = Self.record(Self.attempt(requested: .priority, served: "standard"))
        #expect(demoted.cost == Money("2.80") && demoted.priceID == 1)
        #expect(demoted.servedTierName == "standard" && demoted.requestedTier == .priority)

        // Priority served as priority: no priority price in the book, so unpriced, not standard.
        let priority = Self.record(Self.attempt(requested: .priority, served: "priority"))
        #expect(priority.cost == nil && priority.priceID == nil && priority.servedTierName == "priority")

        // A tier the response names that Vigil does not know: unpriced, stored as unknown.
        let odd = Self.record(Self.attempt(requested: .standard, served: "turbo"))
        #expect(odd.cost == nil && odd.servedTierName == "unknown")

        // No serviceTier in a 200: standard, the API's default.
        let silent = Self.record(Self.attempt(requested: .flex, served: nil))
        #expect(silent.servedTierName == "standard" && silent.cost == Money("2.80"))

        // No answer at all (a shed flex call): the tier it asked for.
        let shed = Self.record(Self.attempt(requested: .flex, served: nil, status: 503))
        #expect(shed.servedTierName == "flex")
    }
}
