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
        let repository = BudgetRepository(client: database)
        var budgets: [Budget] = []
        for customer in clients where only == nil || only == customer.id {
            guard let budget = customer.budget, let period = BillingPeriod.containing(now, timeZone: customer.timeZone) else { continue }
            let spend = try await repository.spend(client: customer.id, from: period.start, to: period.end, requestIDs: [])
            let spent = Money(spend.spent) ?? .zero
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
