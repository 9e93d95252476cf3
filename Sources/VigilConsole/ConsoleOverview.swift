import Foundation
import Hummingbird
import VigilBilling
import VigilCore
import VigilStore

/// `GET /`: reads what the overview shows, its reads at once (each on one of the server's
/// database connections), every one from the rollups (`usage_hourly`, `scene_gate_hourly`) but
/// the partial hours at the edges: a few thousand rows however many calls the ledger holds.
///
/// Months are UTC calendar months (clients' budgets use their own time zone: the budget bars say
/// so). A client-limited token sees its client only.
struct ConsoleOverview: Sendable {
    let database: DatabaseClient
    /// The configured clients, for their budgets (none without a configuration).
    let clients: [ClientConfiguration]

    func response(context: ConsoleRequestContext, now: Date = Date()) async throws -> Response {
        let principal = try ConsoleAPI.principal(context)
        let calendar = ConsolePages.utcCalendar()
        guard let month = BillingPeriod.containing(now, timeZone: "UTC"),
            let lastMonth = BillingPeriod.containing(month.start.addingTimeInterval(-1), timeZone: "UTC"),
            let firstDay = calendar.date(byAdding: .day, value: -29, to: calendar.startOfDay(for: now))
        else { throw ConsoleError(.internalServerError, "no calendar month for \(now)") }
        let only = principal.client
        let usage = UsageRepository(client: database)
        let catalog = ConsoleCatalog(client: database)
        async let thisMonthsUsage = usage.report(from: month.start, to: now, client: only, grouping: "client")
        async let lastMonthsUsage = usage.report(from: lastMonth.start, to: lastMonth.end, client: only, grouping: nil)
        async let days = usage.report(from: firstDay, to: now, client: only, grouping: "day")
        async let names = catalog.clients(only: only)
        async let cameras = catalog.cameras(only: only)
        async let budgets = BudgetList.read(clients: clients, only: only, database: database, now: now)
        let dayKeys = (0..<30).compactMap { calendar.date(byAdding: .day, value: $0, to: firstDay).map(UTCDay.label) }
        let overview = Page.Overview(
            monthLabel: month.label + " (UTC)", lastMonthLabel: lastMonth.label,
            month: try await thisMonthsUsage, lastMonth: try await lastMonthsUsage, days: try await days, dayKeys: dayKeys,
            clientNames: Dictionary(try await names.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }),
            budgets: Dictionary(try await budgets.budgets.map { ($0.client, $0) }, uniquingKeysWith: { first, _ in first }),
            camerasDown: Page.Overview.down(try await cameras))
        return ConsoleResponse.html(Page.overview(principal: principal, overview))
    }
}
