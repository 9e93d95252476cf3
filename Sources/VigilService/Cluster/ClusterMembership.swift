import Foundation
package import Logging
import ServiceLifecycle
package import VigilCore
package import VigilStore

/// This daemon as a node of a cluster: it heartbeats, holds leases on its fair share of the
/// analysis sources, and tells the supervisor which sources it holds (only their streams are
/// opened, only they are analysed). A Service, after the ledger and before monitoring in the group,
/// so at shutdown monitoring has stopped calling before the leases are released for others.
///
/// Every second it drops leases whose usable time ran out (``LeaseTable``: no renewal, so no more
/// calls, before any other node could take them) and heartbeats (a node without a heartbeat for
/// max(3 s, a third of a lease) is no longer counted live); every third of a lease it renews; then
/// it sheds sources above its fair share (stops calling first, then releases them) or claims
/// free or expired ones up to it, in its rendezvous-hash order. PostgreSQL unreachable: nothing is
/// renewed or claimed, and the leases lapse; when it returns the node claims again.
package final class ClusterMembership: Service, @unchecked Sendable {
    private let repository: LeaseRepository
    private let configuration: ClusterConfiguration
    private let logger: Logger
    private let lock = NSLock()
    private var table: LeaseTable
    private var sources: [String]
    private var liveNodes = 1
    private var nextRenewal: Double = 0
    private var nameTaken = false
    private var lastProblem: String?
    private let started = ContinuousClock.now
    /// Told the sources held after every change (the supervisor opens and closes streams).
    private var handler: (@Sendable (Set<String>) async -> Void)?

    /// Seconds between samples of a source (`analysis.interval_seconds`): a new owner's first call
    /// comes at least this long after the previous owner's last.
    private let interval: Double

    package init(
        repository: LeaseRepository, configuration: ClusterConfiguration, sources: [String], interval: Double, logger: Logger
    ) {
        self.repository = repository
        self.interval = interval
        self.configuration = configuration
        self.sources = sources
        self.logger = logger
        table = LeaseTable(leaseSeconds: configuration.leaseSeconds)
    }

    /// Who is told the sources held after every change (the supervisor).
    package func onHeldChanged(_ handler: @escaping @Sendable (Set<String>) async -> Void) {
        lock.withLock { self.handler = handler }
    }

    private func onChange(_ held: Set<String>) async {
        let handler = lock.withLock { self.handler }
        await handler?(held)
    }

    /// This node's name.
    package var node: String { repository.node }

    /// The epoch of `source`'s lease when calls may be made under it now; nil otherwise.
    package func usableLease(_ source: String) -> Int64? {
        let now = monotonic()
        return lock.withLock { table.usable(source, at: now) }
    }

    /// The sources held now.
    package var held: Set<String> { lock.withLock { Set(table.sources) } }

    /// The configured sources (after a reload).
    package func setSources(_ ids: [String]) {
        lock.withLock { sources = ids }
    }

    /// Registers the node (throws when another live node has its name) and claims its first leases.
    package func join(version: String) async throws {
        try await repository.register(version: version, host: ProcessInfo.processInfo.hostName, pid: Int(getpid()))
        logger.notice("joined the cluster", metadata: ["node": "\(node)", "lease_s": "\(configuration.leaseSeconds)"])
        await step()
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            await step()
        }
        await leave()
    }

    /// Releases every lease (another node takes them without waiting for expiry) and marks the node stopped.
    package func leave() async {
        let released = lock.withLock { () -> [String] in
            let sources = table.sources
            for source in sources { table.drop(source) }
            return sources
        }
        await onChange([])
        do {
            try await repository.leave()
            logger.notice("left the cluster; leases released", metadata: ["node": "\(node)", "sources": "\(released.count)"])
        } catch {
            logger.warning("cannot release the leases; they expire on their own", metadata: ["error": "\(error)"])
        }
        DaemonMetrics.clusterSourcesHeld(0)
    }

    /// One pass: lapse, renew (when due), shed or claim.
    package func step() async {
        var changed = false
        let now = monotonic()
        let lapsed = lock.withLock { table.lapse(at: now) }
        if !lapsed.isEmpty {
            changed = true
            DaemonMetrics.leaseRenewals(outcome: "lapsed", count: lapsed.count)
            logger.warning(
                "leases lapsed without renewal: no more calls for their sources",
                metadata: ["sources": "\(lapsed.joined(separator: ","))"])
        }
        do {
            // The heartbeat every pass (so the others learn of a node's death within seconds, not a
            // lease), the leases every third of one.
            changed = try await renew(leases: now >= lock.withLock({ nextRenewal })) || changed
            guard !lock.withLock({ nameTaken }) else { return }
            changed = try await balance() || changed
            if lock.withLock({ lastProblem }) != nil {
                lock.withLock { lastProblem = nil }
                logger.notice("cluster coordination works again", metadata: ["node": "\(node)"])
            }
        } catch {
            let text = "\(error)"
            let first = lock.withLock { () -> Bool in
                defer { lastProblem = text }
                return lastProblem == nil
            }
            if first {
                logger.warning("cannot reach the cluster's tables; leases lapse unless renewed", metadata: ["error": "\(text)"])
            }
        }
        let held = self.held
        DaemonMetrics.clusterSourcesHeld(held.count)
        if changed { await onChange(held) }
    }

    /// Heartbeat, and renewal when `leases`; true when leases were lost.
    private func renew(leases: Bool) async throws -> Bool {
        let sentAt = monotonic()
        let heldNow = lock.withLock { table.sources }
        guard let live = try await repository.heartbeat(held: heldNow.count, liveWithin: liveWindow) else {
            let dropped = lock.withLock { () -> [String] in
                nameTaken = true
                let sources = table.sources
                for source in sources { table.drop(source) }
                return sources
            }
            logger.critical("another run has taken this node's name: it stops analysing", metadata: ["node": "\(node)"])
            return !dropped.isEmpty
        }
        guard leases else {
            lock.withLock { liveNodes = live }
            return false
        }
        let kept = try await repository.renew(heldNow)
        let lost = lock.withLock { () -> [String] in
            liveNodes = live
            nextRenewal = sentAt + configuration.renewInterval
            return table.renewed(Dictionary(kept.map { ($0.source, $0.epoch) }, uniquingKeysWith: { a, _ in a }), sentAt: sentAt)
        }
        if !kept.isEmpty {
            DaemonMetrics.leaseRenewals(outcome: "renewed", count: kept.count)
        }
        if !lost.isEmpty {
            DaemonMetrics.leaseRenewals(outcome: "lost", count: lost.count)
            logger.warning("leases lost to other nodes", metadata: ["sources": "\(lost.joined(separator: ","))"])
        }
        return !lost.isEmpty
    }

    /// Seconds without a heartbeat after which a node no longer counts for the fair shares: three
    /// passes, or a third of a lease if longer. Shorter than a lease, so the others' shares grow as
    /// soon as a dead node's leases can expire; a node counted out too early only makes the others
    /// claim what is free (a lease still protects what it holds) and shed it again when it is back.
    private var liveWindow: Double { max(3, configuration.renewInterval) }

    /// Sheds above the fair share or claims up to it; true when the sources held changed.
    private func balance() async throws -> Bool {
        let (sources, held, live) = lock.withLock { (self.sources, table.sources, liveNodes) }
        let share = LeaseTable.fairShare(sources: sources.count, liveNodes: live, maxSources: configuration.maxSources)
        let configured = Set(sources)
        // Sources no longer configured, and any above the share (least preferred first), go.
        var shed = held.filter { !configured.contains($0) }
        let keep = LeaseTable.preference(of: node, for: held.filter { configured.contains($0) })
        if keep.count > share { shed += keep.suffix(keep.count - share) }
        if !shed.isEmpty {
            lock.withLock { for source in shed { table.drop(source) } }
            // Calls stop first (the supervisor hears of it before the release): never two owners calling.
            await onChange(self.held)
            try await repository.release(shed)
            logger.notice("sources handed over to rebalance", metadata: ["sources": "\(shed.joined(separator: ","))", "share": "\(share)"])
            return true
        }
        guard held.count < share else { return false }
        let elsewhere = try await repository.ownedElsewhere()
        let candidates = LeaseTable.preference(of: node, for: sources.filter { !elsewhere.contains($0) && !held.contains($0) })
        var claimed: [String] = []
        for source in candidates.prefix(share - held.count) {
            let sentAt = monotonic()
            let margin = lock.withLock { table.safetyMargin }
            guard let lease = try await repository.claim(source, interval: interval, safetyMargin: margin) else { continue }
            lock.withLock { table.claimed(lease.source, epoch: lease.epoch, sentAt: sentAt, wait: lease.wait) }
            claimed.append("\(lease.source)#\(lease.epoch)")
        }
        if !claimed.isEmpty {
            logger.notice("sources claimed", metadata: ["sources": "\(claimed.joined(separator: ","))", "share": "\(share)"])
        }
        return !claimed.isEmpty
    }

    private func monotonic() -> Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
