package import Foundation
package import Logging
package import VigilBilling
package import VigilCore
package import VigilGemini
package import VigilStore

/// Clients' monthly budgets as a stage of every analysis: a paused client's samples are held, a
/// degraded client's sources are sampled `degrade_factor` times less often, and every call admitted
/// reserves its expected cost until it ends (``BudgetState``), so a limit is overshot by at most the
/// calls already in flight. ``refresh()`` reads the month's spend from PostgreSQL (so several
/// daemons agree) and records each crossing once in `budget_events`, logged at warning.
///
/// Shared by every analysis in flight; thread-safe. Holds nothing for clients without a budget.
package final class BudgetGate: AnalysisStage, @unchecked Sendable {
    private struct Budgeted: Sendable {
        var budget: BudgetConfiguration
        var timeZone: String
    }

    private let lock = NSLock()
    private var state = BudgetState()
    private var budgets: [String: Budgeted] = [:]
    private var interval: Double
    private var lastAdmitted: [String: Date] = [:]
    private var reservations: [String: (client: String, token: UUID)] = [:]
    /// Crossings already recorded or seen recorded: `client|month|event|limit`.
    private var announced: Set<String> = []
    /// Clients whose samples are held at their limit, with the month.
    private var paused: [String: String] = [:]
    /// Each source's expected cost of a call from its image size, prompt and the price book.
    private var expectedCosts: [String: Money] = [:]
    /// Each source's last call costs (up to 20), whose mean is used when above the expected cost.
    private var recentCosts = RecentCallCosts()
    private let database: DatabaseClient
    private let logger: Logger
    /// Told of each crossing this daemon recorded first (the alert of kind `budget`). Set before
    /// the first ``refresh(at:)``.
    package var onCrossing: (@Sendable (BudgetCrossing) async -> Void)?

    package init(configuration: VigilConfiguration, database: DatabaseClient, logger: Logger) {
        self.database = database
        self.logger = logger
        interval = configuration.analysis.intervalSeconds
        configure(configuration)
    }

    /// Takes a new configuration's budgets (a raised limit applies at once).
    package func configure(_ configuration: VigilConfiguration) {
        lock.withLock {
            interval = configuration.analysis.intervalSeconds
            budgets = Dictionary(
                configuration.clients.compactMap { client in
                    client.budget.map { (client.id, Budgeted(budget: $0, timeZone: client.timeZone)) }
                }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Sets what each source's call is expected to cost (by source id), the least it reserves.
    package func setExpectedCosts(_ costs: [String: Money]) {
        lock.withLock { expectedCosts = costs }
    }

    /// What a call of `source` reserves: the larger of its expected cost and its recent calls' mean.
    /// Call with the lock held.
    private func reservation(_ source: String) -> Money {
        let expected = expectedCosts[source] ?? .zero
        return max(recentCosts.mean(source) ?? .zero, expected)
    }

    /// Where each budgeted client stands now, by client id.
    package func standings(at now: Date = Date()) -> [String: BudgetStanding] {
        lock.withLock {
            var result: [String: BudgetStanding] = [:]
            for (client, budgeted) in budgets {
                guard let month = BillingPeriod.containing(now, timeZone: budgeted.timeZone)?.label else { continue }
                result[client] = BudgetStanding(spent: state.spent(client, month: month), budget: budgeted.budget)
            }
            return result
        }
    }

    package func admit(_ candidate: inout AnalysisCandidate) async -> String? {
        let source = candidate.source
        let client = source.client
        let now = Date()
        enum Verdict {
            case go
            case paused(BudgetStanding, firstTime: Bool)
            case degraded(Int)
        }
        let verdict: Verdict = lock.withLock {
            guard let budgeted = budgets[client], let month = BillingPeriod.containing(now, timeZone: budgeted.timeZone)?.label else {
                return .go
            }
            let standing = BudgetStanding(spent: state.spent(client, month: month), budget: budgeted.budget)
            switch standing.sampling {
            case .paused:
                let first = paused[client] != month
                paused[client] = month
                return .paused(standing, firstTime: first)
            case .degraded(let factor):
                if let last = lastAdmitted[source.id], now.timeIntervalSince(last) < interval * (Double(factor) - 0.5) {
                    return .degraded(factor)
                }
            case .normal:
                break
            }
            let token = UUID()
            state.reserve(client, month: month, token: token, cost: reservation(source.id))
            reservations[source.id] = (client, token)
            lastAdmitted[source.id] = now
            return .go
        }
        switch verdict {
        case .go:
            return nil
        case .paused(let standing, let first):
            if first {
                logger.warning(
                    "client paused: its monthly budget is spent; no calls until the month ends or the limit is raised",
                    metadata: ["client": "\(client)", "spent": "\(standing.spent)", "limit": "\(standing.limit)"])
            }
            return "paused: client \(client) reached its monthly budget (\(standing.spent) of \(standing.limit) USD)"
        case .degraded(let factor):
            return "degraded: client \(client) is near its monthly budget; sampled every \(factor) intervals"
        }
    }

    package func withdrawn(_ candidate: AnalysisCandidate) async {
        release(candidate.source.id)
    }

    package func recorded(_ record: UsageRecord, attempt: AttemptReport, sample: AnalysisSample, spooled: Bool) async {
        lock.withLock {
            recentCosts.add(record.cost, source: record.sourceID)
            guard let budgeted = budgets[record.clientID],
                let month = BillingPeriod.containing(record.timestamp, timeZone: budgeted.timeZone)?.label
            else { return }
            state.recorded(record.clientID, month: month, requestID: record.requestID, cost: record.cost)
        }
    }

    package func finished(_ analysis: CompletedAnalysis) async {
        release(analysis.sample.source.id)
    }

    private func release(_ source: String) {
        lock.withLock {
            guard let reservation = reservations.removeValue(forKey: source) else { return }
            state.release(reservation.client, token: reservation.token)
        }
    }

    /// One crossing due to be recorded, as text: the refresh loop's frame holds no `Money` across
    /// an await (see ``BudgetRepository/Spend``).
    private struct DueCrossing: Sendable {
        var key: String
        var event: String
        var limit: String
        var spent: String
        var message: String
        var metadata: Logger.Metadata
    }

    /// What to ask PostgreSQL for a client now: its month and the request ids not yet confirmed.
    private struct SpendQuery: Sendable {
        var month: String
        var start: Date
        var end: Date
        var requestIDs: [String]
    }

    /// Reads every budgeted client's month from PostgreSQL, then records and logs new crossings and
    /// resumes. A client whose read fails keeps its last figures (plus what this daemon recorded).
    package func refresh(at now: Date = Date()) async {
        let clients = lock.withLock { budgets.keys.sorted() }
        let repository = BudgetRepository(client: database)
        for client in clients {
            guard let query = spendQuery(client, at: now) else { continue }
            do {
                let spend = try await repository.spend(client: client, from: query.start, to: query.end, requestIDs: query.requestIDs)
                confirm(client, month: query.month, spent: spend.spent, written: spend.written)
            } catch {
                logger.debug("cannot read the month's spend; using the last one", metadata: ["client": "\(client)", "error": "\(error)"])
            }
            for crossing in dueCrossings(client, month: query.month) {
                do {
                    let recorded = try await repository.record(
                        client: client, month: query.month, event: crossing.event, limit: crossing.limit, spent: crossing.spent)
                    markAnnounced(crossing.key)
                    if recorded {
                        logger.warning("\(crossing.message)", metadata: crossing.metadata)
                        await onCrossing?(
                            BudgetCrossing(
                                client: client, month: query.month, event: crossing.event, spent: crossing.spent, limit: crossing.limit))
                    }
                } catch {
                    logger.debug("cannot record a budget crossing yet", metadata: ["client": "\(client)", "error": "\(error)"])
                }
            }
        }
    }

    private func spendQuery(_ client: String, at now: Date) -> SpendQuery? {
        lock.withLock {
            guard let budgeted = budgets[client], let period = BillingPeriod.containing(now, timeZone: budgeted.timeZone) else {
                return nil
            }
            return SpendQuery(month: period.label, start: period.start, end: period.end, requestIDs: state.unconfirmedRequestIDs(client))
        }
    }

    private func confirm(_ client: String, month: String, spent: String, written: Set<String>) {
        guard let amount = Money(spent) else { return }
        lock.withLock { state.confirmed(client, month: month, databaseSpent: amount, written: written) }
    }

    /// The crossings of `client`'s budget not yet recorded by this daemon (and a resume when it was
    /// paused and no longer is); publishes the client's metrics.
    private func dueCrossings(_ client: String, month: String) -> [DueCrossing] {
        lock.withLock {
            guard let budget = budgets[client]?.budget else { return [] }
            let standing = BudgetStanding(spent: state.spent(client, month: month), budget: budget)
            DaemonMetrics.budget(client, ratio: standing.percent / 100, paused: standing.sampling == .paused)
            var events = standing.crossings
            if paused[client] == month && standing.sampling != .paused {
                paused[client] = nil
                events.append("resume")
            }
            let metadata: Logger.Metadata = [
                "client": "\(client)", "month": "\(month)", "spent": "\(standing.spent)", "limit": "\(standing.limit)",
                "percent": "\(String(format: "%.1f", standing.percent))",
            ]
            return events.compactMap { event in
                let key = "\(client)|\(month)|\(standing.limit)|\(event)"
                guard event == "resume" || !announced.contains(key) else { return nil }
                let message: String
                switch event {
                case "resume": message = "client resumed: its monthly budget was raised"
                case "limit": message = "client reached its monthly budget (at_limit \(budget.atLimit.rawValue))"
                case "degrade": message = "client near its monthly budget: sampled \(budget.degradeFactor) times less often"
                default: message = "client crossed \(event.dropFirst(5)) % of its monthly budget"
                }
                return DueCrossing(
                    key: key, event: event, limit: standing.limit.description, spent: standing.spent.description, message: message,
                    metadata: metadata)
            }
        }
    }

    private func markAnnounced(_ key: String) {
        lock.withLock { _ = announced.insert(key) }
    }
}
