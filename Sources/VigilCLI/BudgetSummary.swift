import Foundation
import VigilBilling
import VigilCore
import VigilStore

/// Each budgeted client's calendar month so far: limit, spent, percent and what it means for its
/// calls; for `vigil usage --by client` and `vigil check`.
struct BudgetSummary {
    let client: String
    let month: String
    let limit: Money
    let spent: Money
    let percent: Double
    /// `normal`, `degraded` or `paused`.
    let state: String

    /// The budgets of `configuration`'s clients (only `only`, when given), read from the database.
    static func read(_ configuration: VigilConfiguration, only: String?, client database: DatabaseClient) async throws -> [BudgetSummary] {
        let now = Date()
        let months = configuration.clients.compactMap { customer -> (ClientConfiguration, BillingPeriod)? in
            guard customer.budget != nil, only == nil || only == customer.id,
                let period = BillingPeriod.containing(now, timeZone: customer.timeZone)
            else { return nil }
            return (customer, period)
        }
        // One statement for every client's month.
        let spent = try await BudgetRepository(client: database).spent(
            periods: months.map { (client: $0.0.id, from: $0.1.start, to: $0.1.end) })
        return months.compactMap { customer, period in make(customer, month: period.label, spent: spent[customer.id] ?? "0") }
    }

    static func make(_ customer: ClientConfiguration, month: String, spent text: String) -> BudgetSummary? {
        guard let budget = customer.budget, let spent = Money(text) else { return nil }
        let standing = BudgetStanding(spent: spent, budget: budget)
        let state: String
        switch standing.sampling {
        case .normal: state = "normal"
        case .degraded: state = "degraded"
        case .paused: state = "paused"
        }
        return BudgetSummary(
            client: customer.id, month: month, limit: budget.monthlyLimit, spent: spent, percent: standing.percent, state: state)
    }

    /// `Budget shop 2026-11: 12.50 of 150.00 USD (8.3 %), normal`.
    var text: String {
        "Budget \(client.escapingControlCharacters()) \(month): \(spent.formatted(fractionDigits: 6)) of \(limit.formatted(fractionDigits: 2)) USD "
            + "(\(String(format: "%.1f", percent)) %), \(state)"
    }

    var json: JSONNode {
        .object(pairs: [
            ("client", .string(client)), ("month", .string(month)), ("limit", .string(limit.description)),
            ("spent", .string(spent.description)), ("percent", JSONNode(.number(String(format: "%.2f", percent)), line: 0)),
            ("state", .string(state)),
        ])
    }
}
