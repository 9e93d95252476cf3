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
        guard let principal = context.principal else { throw ConsoleError.unauthenticated }
        let calendar = ConsolePages.utcCalendar()
        guard let monthStart = calendar.date(from: calendar.dateComponents([.year, .month], from: now)),
            let lastMonthStart = calendar.date(byAdding: .month, value: -1, to: monthStart),
            let firstDay = calendar.date(byAdding: .day, value: -29, to: calendar.startOfDay(for: now))
        else { throw ConsoleError(.internalServerError, "no calendar month for \(now)") }
        let only = principal.client
        let usage = UsageRepository(client: database)
        let catalog = ConsoleCatalog(client: database)
        async let month = usage.report(from: monthStart, to: now, client: only, grouping: "client")
        async let lastMonth = usage.report(from: lastMonthStart, to: monthStart, client: only, grouping: nil)
        async let days = usage.report(from: firstDay, to: now, client: only, grouping: "day")
        async let names = catalog.clients(only: only)
        async let cameras = catalog.cameras(only: only)
        async let budgets = BudgetList.read(clients: clients, only: only, database: database, now: now)
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        let dayKeys = (0..<30).compactMap { calendar.date(byAdding: .day, value: $0, to: firstDay).map(formatter.string(from:)) }
        formatter.dateFormat = "yyyy-MM"
        let overview = Page.Overview(
            monthLabel: formatter.string(from: monthStart) + " (UTC)", lastMonthLabel: formatter.string(from: lastMonthStart),
            month: try await month, lastMonth: try await lastMonth, days: try await days, dayKeys: dayKeys,
            clientNames: Dictionary(try await names.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }),
            budgets: Dictionary(try await budgets.budgets.map { ($0.client, $0) }, uniquingKeysWith: { first, _ in first }),
            camerasDown: Page.Overview.down(try await cameras))
        return ConsoleResponse.html(Page.overview(principal: principal, overview))
    }
}
