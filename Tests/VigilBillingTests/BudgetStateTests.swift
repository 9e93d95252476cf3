import Foundation
import Testing
import VigilCore

@testable import VigilBilling

/// A client's spend against its budget, without servers: the three parts of the spend, the
/// crossings and what each means for sampling.
struct BudgetStateTests {
    static let budget = BudgetConfiguration(monthlyLimit: Money("10.00")!, warnAtPercent: [50, 80], degradeAtPercent: 90, degradeFactor: 4)

    @Test func spendIsConfirmedPlusUnconfirmedPlusReserved() {
        var state = BudgetState()
        state.confirmed("shop", month: "2026-11", databaseSpent: Money("4.00")!, written: [])
        state.recorded("shop", month: "2026-11", requestID: "r1", cost: Money("0.50")!)
        let token = UUID()
        state.reserve("shop", month: "2026-11", token: token, cost: Money("0.25")!)
        #expect(state.spent("shop", month: "2026-11") == Money("4.75")!)
        // The next read holds r1: it is confirmed, not counted twice.
        state.confirmed("shop", month: "2026-11", databaseSpent: Money("4.50")!, written: ["r1"])
        #expect(state.spent("shop", month: "2026-11") == Money("4.75")!)
        #expect(state.unconfirmedRequestIDs("shop").isEmpty)
        state.release("shop", token: token)
        #expect(state.spent("shop", month: "2026-11") == Money("4.50")!)
        // A negative or missing cost counts nothing; another month starts from nothing.
        state.recorded("shop", month: "2026-11", requestID: "r2", cost: Money("-1")!)
        state.recorded("shop", month: "2026-11", requestID: "r3", cost: nil)
        #expect(state.spent("shop", month: "2026-11") == Money("4.50")!)
        #expect(state.spent("shop", month: "2026-12") == .zero)
    }

    @Test func crossingsAndSamplingFollowTheSpendExactly() {
        #expect(BudgetStanding(spent: Money("4.999999999")!, budget: Self.budget).crossings == [])
        #expect(BudgetStanding(spent: Money("5.00")!, budget: Self.budget).crossings == ["warn_50"])
        let degraded = BudgetStanding(spent: Money("9.00")!, budget: Self.budget)
        #expect(degraded.crossings == ["warn_50", "warn_80", "degrade"])
        #expect(degraded.sampling == .degraded(factor: 4))
        let atLimit = BudgetStanding(spent: Money("10.00")!, budget: Self.budget)
        #expect(atLimit.crossings == ["warn_50", "warn_80", "degrade", "limit"])
        #expect(atLimit.sampling == .paused)
        #expect(abs(atLimit.percent - 100) < 1e-9)
        #expect(BudgetStanding(spent: Money("8.99")!, budget: Self.budget).sampling == .normal)
    }

    @Test func atLimitDecidesWhatHappensAtTheLimit() {
        var degrade = Self.budget
        degrade.atLimit = .degrade
        #expect(BudgetStanding(spent: Money("12.00")!, budget: degrade).sampling == .degraded(factor: 4))
        var keepGoing = Self.budget
        keepGoing.atLimit = .continue
        keepGoing.degradeAtPercent = 150
        #expect(BudgetStanding(spent: Money("12.00")!, budget: keepGoing).sampling == .normal)
        #expect(BudgetStanding(spent: Money("12.00")!, budget: keepGoing).crossings.contains("limit"))
        #expect(BudgetStanding(spent: Money("15.00")!, budget: keepGoing).sampling == .degraded(factor: 4))
    }

    @Test func theMonthFollowsTheClientsTimeZone() throws {
        // 2026-11-30 19:00 UTC is already December in Kolkata (UTC+5:30).
        let instant = Date(timeIntervalSince1970: 1_796_065_200)
        #expect(BillingPeriod.containing(instant, timeZone: "UTC")?.label == "2026-11")
        let kolkata = try #require(BillingPeriod.containing(instant, timeZone: "Asia/Kolkata"))
        #expect(kolkata.label == "2026-12")
        #expect(kolkata.start == Date(timeIntervalSince1970: 1_796_063_400))
    }
}
