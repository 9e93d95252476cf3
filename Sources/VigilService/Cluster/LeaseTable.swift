/// The leases this node holds and until when it may use each, and how many it should hold: a pure
/// value, tested without a database.
///
/// **When a lease may be used.** A renewal is sent at local monotonic time `t`; the database sets
/// the lease to end a lease later by *its* clock, which cannot be before `t + leaseSeconds` in real
/// time. So the node may call Gemini for the source until `t + leaseSeconds − safetyMargin`
/// (monotonic), whatever the clocks of the machines say: a node that cannot renew (PostgreSQL
/// unreachable, the process paused) stops before any other node can take the source. The margin
/// covers the time between the check and the request going out, and a clock running slow.
package struct LeaseTable: Sendable, Equatable {
    package struct Held: Sendable, Equatable {
        package var epoch: Int64
        /// Monotonic seconds from which calls may be made (an interval after the previous owner's last).
        package var usableFrom: Double = 0
        /// Monotonic seconds until which calls may be made under this lease.
        package var usableUntil: Double
    }

    package var leaseSeconds: Double
    package private(set) var held: [String: Held] = [:]

    package init(leaseSeconds: Double) {
        self.leaseSeconds = leaseSeconds
    }

    /// Seconds before a lease's end when this node stops using it: a fifth of a lease, at least 2.
    package var safetyMargin: Double { max(2, leaseSeconds / 5) }

    /// `source`'s lease epoch when it may be used at monotonic time `now`.
    package func usable(_ source: String, at now: Double) -> Int64? {
        guard let lease = held[source], now < lease.usableUntil, now >= lease.usableFrom else { return nil }
        return lease.epoch
    }

    /// The leases a renewal sent at `sentAt` kept: they are usable a lease on; every other lease
    /// held is lost (another node may have it) and returned.
    package mutating func renewed(_ kept: [String: Int64], sentAt: Double) -> [String] {
        let lost = held.keys.filter { kept[$0] == nil }.sorted()
        for source in lost { held[source] = nil }
        let until = sentAt + leaseSeconds - safetyMargin
        for (source, epoch) in kept {
            guard let lease = held[source], lease.epoch == epoch else { continue }
            held[source] = Held(epoch: epoch, usableFrom: lease.usableFrom, usableUntil: until)
        }
        return lost
    }

    /// A lease claimed by a request sent at `sentAt`, usable after `wait` seconds (see
    /// ``LeaseRepository/claim(_:interval:safetyMargin:)``).
    package mutating func claimed(_ source: String, epoch: Int64, sentAt: Double, wait: Double = 0) {
        let wait = wait.isFinite ? min(max(wait, 0), leaseSeconds) : 0
        held[source] = Held(epoch: epoch, usableFrom: sentAt + wait, usableUntil: sentAt + leaseSeconds - safetyMargin)
    }

    /// Drops `source` (released, or lost).
    package mutating func drop(_ source: String) {
        held[source] = nil
    }

    /// Leases whose usable time has run out at `now` without a renewal: dropped and returned.
    package mutating func lapse(at now: Double) -> [String] {
        let lapsed = held.filter { $0.value.usableUntil <= now }.keys.sorted()
        for source in lapsed { held[source] = nil }
        return lapsed
    }

    /// The sources held, sorted.
    package var sources: [String] { held.keys.sorted() }

    /// A node's fair share: `sources` ÷ `liveNodes`, rounded up, never above `maxSources`.
    package static func fairShare(sources: Int, liveNodes: Int, maxSources: Int?) -> Int {
        let nodes = max(liveNodes, 1)
        let share = (sources + nodes - 1) / nodes
        return min(share, maxSources ?? share)
    }

    /// The order in which `node` prefers `sources` (rendezvous hashing: each node ranks every source
    /// by a hash of the pair), so nodes claiming at once mostly want different sources and a source
    /// tends to go back to the same node.
    package static func preference(of node: String, for sources: [String]) -> [String] {
        sources.sorted { rank(node, $0) > rank(node, $1) || (rank(node, $0) == rank(node, $1) && $0 < $1) }
    }

    /// FNV-1a of `node`, a NUL, `source`: stable across runs and machines (unlike `hashValue`).
    static func rank(_ node: String, _ source: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(node.utf8) + [0] + Array(source.utf8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
