import ArgumentParser
import Foundation
import VigilBilling
import VigilCore
import VigilStore

/// `vigil usage`: the operator's usage report.
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Report calls, tokens, cost and latency over a period.",
        discussion: """
            Summarises api_usage over the last N days (default 7) or a date range: calls, success rate, \
            tokens by kind, cost, average and p95 latency; estimated and unpriced rows are counted apart; \
            samples the scene gate skipped, with the cost they avoided (an estimate). --by groups the rows: \
            --by camera lists each camera (a group's four one by one) with the calls it appeared in and its \
            share of their cost, --by source each camera or group called, --by tier each service tier that \
            served calls (standard, flex, priority; unknown for a tier Vigil does not know), with its calls, \
            tokens, cost and unpriced calls (a tier with no price in the price book leaves its calls unpriced); \
            --by node each cluster node (cluster.enabled) that made calls, calls made outside cluster mode \
            as "(single daemon)"; \
            --session shows one camera connection's life.

            Examples:
              vigil usage --days 1 --by camera
              vigil usage --days 1 --by source
              vigil usage --days 30 --by tier
              vigil usage --days 1 --by node
              vigil usage --from 2026-10-01 --to 2026-10-31 --client northside-garage --by model --format csv
              vigil usage --session 3f2a9c1e-...
            """
    )

    enum Grouping: String, ExpressibleByArgument, CaseIterable {
        case day, model, camera, source, client, operation, session, tier, node
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The last N days, up to now.", valueName: "N"))
    var days: Int?

    @Option(help: ArgumentHelp("First day included (UTC).", valueName: "YYYY-MM-DD"))
    var from: String?

    @Option(help: ArgumentHelp("Last day included (UTC).", valueName: "YYYY-MM-DD"))
    var to: String?

    @Option(help: ArgumentHelp("Only this client.", valueName: "ID"))
    var client: String?

    @Option(
        help:
            "Group by day, model, camera (each camera's share), source (camera or group), client, operation, session, tier (the service tier that served the calls) or node (the cluster node that made them)."
    )
    var by: Grouping?

    @Option(help: ArgumentHelp("Show one stream session.", valueName: "ID"))
    var session: String?

    @Option(help: "Output format: text, json or csv.")
    var format: ReportFormat = .text

    func validate() throws {
        if days != nil && (from != nil || to != nil) {
            throw ValidationError("give either --days or --from/--to, not both")
        }
        if (from == nil) != (to == nil) {
            throw ValidationError("--from and --to go together")
        }
        if let days, !(1...3660).contains(days) {
            throw ValidationError("--days must be 1 to 3660")
        }
        if format == .html {
            throw ValidationError("usage reports are text, json or csv")
        }
    }

    func run() async throws {
        let session = try DatabaseSession.open(global: global, database: self.database, needsConfiguration: false)
        let (start, end) = try period()
        var sessionID: UUID?
        if let text = self.session {
            guard let id = UUID(uuidString: text) else {
                throw ValidationError("--session must be a session id (a UUID), got \(text.escapingControlCharacters())")
            }
            sessionID = id
        }
        let report = try await session.run("usage") {
            try await UsageRepository(client: session.client).report(
                from: start, to: end, client: client, grouping: by?.rawValue, session: sessionID)
        }
        if sessionID != nil && report.session == nil {
            printError("vigil usage: no stream session \((self.session ?? "").escapingControlCharacters())")
            throw ExitCode(ExitStatus.invalidInput)
        }
        // By client, each budgeted client's month so far (limit, spent, percent) from the configuration.
        var budgets: [BudgetSummary] = []
        if by == .client, let configuration = session.configuration {
            budgets = try await session.run("usage") {
                try await BudgetSummary.read(configuration, only: client, client: session.client)
            }
        }
        switch format {
        case .json:
            var json = UsageReportDocument.json(report)
            if by == .client, let end = json.lastIndex(of: "}") {
                json.insert(contentsOf: ",\"budgets\":" + JSONNode.array(budgets.map(\.json)).serializedString, at: end)
            }
            try emit(json, to: nil)
        case .csv: try emit(UsageReportDocument.csv(report), to: nil)
        default:
            var text = UsageReportDocument.text(report)
            if !budgets.isEmpty { text += "\n" + budgets.map(\.text).joined(separator: "\n") + "\n" }
            try emit(text, to: nil)
        }
    }

    /// The period: `--from`/`--to` as whole UTC days (to included), else the last `--days` (7) up to now.
    func period() throws -> (Date, Date) {
        if let from, let to {
            guard let start = UTCDay.parse(from), let last = UTCDay.parse(to) else {
                throw ValidationError("--from and --to must be YYYY-MM-DD")
            }
            guard last >= start else { throw ValidationError("--to is before --from") }
            return (start, last.addingTimeInterval(86_400))
        }
        let now = Date()
        if session != nil && days == nil { return (Date(timeIntervalSince1970: 0), now.addingTimeInterval(60)) }
        return (now.addingTimeInterval(-Double(days ?? 7) * 86_400), now.addingTimeInterval(60))
    }
}
