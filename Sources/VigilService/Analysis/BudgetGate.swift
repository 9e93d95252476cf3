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
    private var recentCosts: [String: [Money]] = [:]
    private let database: DatabaseClient
    private let logger: Logger

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
        guard let costs = recentCosts[source], !costs.isEmpty else { return expected }
        let mean = costs.reduce(Money.zero, +).scaled(by: 1, over: Int128(costs.count))
        return max(mean, expected)
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
            if let cost = record.cost, cost >= .zero {
                var costs = recentCosts[record.sourceID] ?? []
                costs.append(cost)
                if costs.count > 20 { costs.removeFirst(costs.count - 20) }
                recentCosts[record.sourceID] = costs
            }
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

    /// Reads every budgeted client's month from PostgreSQL, then records and logs new crossings and
    /// resumes. A client whose read fails keeps its last figures (plus what this daemon recorded).
    package func refresh(at now: Date = Date()) async {
        let targets: [(client: String, budgeted: Budgeted, period: BillingPeriod, ids: [String])] = lock.withLock {
            budgets.compactMap { client, budgeted in
                guard let period = BillingPeriod.containing(now, timeZone: budgeted.timeZone) else { return nil }
                return (client, budgeted, period, state.unconfirmedRequestIDs(client))
            }
        }
        let repository = BudgetRepository(client: database)
        for target in targets.sorted(by: { $0.client < $1.client }) {
            let month = target.period.label
            do {
                let spend = try await repository.spend(
                    client: target.client, from: target.period.start, to: target.period.end, requestIDs: target.ids)
                lock.withLock { state.confirmed(target.client, month: month, databaseSpent: spend.spent, written: spend.written) }
            } catch {
                logger.debug(
                    "cannot read the month's spend; using the last one", metadata: ["client": "\(target.client)", "error": "\(error)"])
            }
            let standing: BudgetStanding = lock.withLock {
                BudgetStanding(spent: state.spent(target.client, month: month), budget: target.budgeted.budget)
            }
            DaemonMetrics.budget(target.client, ratio: standing.percent / 100, paused: standing.sampling == .paused)
            var crossings = standing.crossings
            let resumed: Bool = lock.withLock {
                if paused[target.client] == month && standing.sampling != .paused {
                    paused[target.client] = nil
                    return true
                }
                return false
            }
            if resumed { crossings.append("resume") }
            for event in crossings {
                let key = "\(target.client)|\(month)|\(event)|\(standing.limit)"
                if event != "resume" && lock.withLock({ announced.contains(key) }) { continue }
                do {
                    let recorded = try await repository.record(
                        client: target.client, month: month, event: event, limit: standing.limit, spent: standing.spent)
                    lock.withLock { _ = announced.insert(key) }
                    guard recorded else { continue }
                    let metadata: Logger.Metadata = [
                        "client": "\(target.client)", "month": "\(month)", "spent": "\(standing.spent)", "limit": "\(standing.limit)",
                        "percent": "\(String(format: "%.1f", standing.percent))",
                    ]
                    switch event {
                    case "resume": logger.warning("client resumed: its monthly budget was raised", metadata: metadata)
                    case "limit":
                        logger.warning("client reached its monthly budget (\(target.budgeted.budget.atLimit.rawValue))", metadata: metadata)
                    case "degrade":
                        logger.warning(
                            "client near its monthly budget: sampled \(target.budgeted.budget.degradeFactor) times less often",
                            metadata: metadata)
                    default: logger.warning("client crossed \(event.dropFirst(5)) % of its monthly budget", metadata: metadata)
                    }
                } catch {
                    logger.debug("cannot record a budget crossing yet", metadata: ["client": "\(target.client)", "error": "\(error)"])
                }
            }
        }
    }
}
