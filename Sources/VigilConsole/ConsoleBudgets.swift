import Foundation
import VigilBilling
import VigilCore
import VigilStore

/// `GET /api/v1/budgets`: each budgeted client's calendar month so far (in its time zone), from the
/// configured budgets (`clients[].budget`) and the spend in PostgreSQL. Without a configuration,
/// no client has a budget.
struct BudgetList: Encodable {
    struct Budget: Encodable {
        var client: String
        var month: String
        /// Decimal text in USD.
        var limit: String
        var spent: String
        var percent: Double
        /// `normal`, `degraded` or `paused`.
        var state: String
    }

    var budgets: [Budget]

    static func read(clients: [ClientConfiguration], only: String?, database: DatabaseClient, now: Date = Date()) async throws -> BudgetList
    {
        let months = clients.compactMap { customer -> (ClientConfiguration, BudgetConfiguration, BillingPeriod)? in
            guard only == nil || only == customer.id, let budget = customer.budget,
                let period = BillingPeriod.containing(now, timeZone: customer.timeZone)
            else { return nil }
            return (customer, budget, period)
        }
        // One statement for every client's month.
        let spentByClient = try await BudgetRepository(client: database).spent(
            periods: months.map { (client: $0.0.id, from: $0.2.start, to: $0.2.end) })
        var budgets: [Budget] = []
        for (customer, budget, period) in months {
            let spent = Money(spentByClient[customer.id] ?? "0") ?? .zero
            let standing = BudgetStanding(spent: spent, budget: budget)
            let state =
                switch standing.sampling {
                case .normal: "normal"
                case .degraded: "degraded"
                case .paused: "paused"
                }
            budgets.append(
                Budget(
                    client: customer.id, month: period.label, limit: budget.monthlyLimit.description, spent: spent.description,
                    percent: (standing.percent * 100).rounded() / 100, state: state))
        }
        return BudgetList(budgets: budgets)
    }
}
