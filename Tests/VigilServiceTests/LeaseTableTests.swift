import Testing

@testable import VigilService

/// The cluster's lease arithmetic, without a database: when a lease may be used, what a renewal
/// keeps, fair shares and each node's preference.
struct LeaseTableTests {
    /// Renewed at t, a 15 s lease is usable until t + 15 − 3 (a fifth of a lease): before any
    /// other node could take it, whatever the clocks say; a lease not renewed is lost at once.
    @Test func aLeaseIsUsableUntilItsRenewalPlusALeaseLessTheMargin() {
        var table = LeaseTable(leaseSeconds: 15)
        #expect(table.safetyMargin == 3)
        table.claimed("a", epoch: 4, sentAt: 100)
        table.claimed("b", epoch: 9, sentAt: 100)
        #expect(table.usable("a", at: 100) == 4)
        #expect(table.usable("a", at: 111.9) == 4)
        #expect(table.usable("a", at: 112) == nil)
        // A renewal sent at 105 keeps a, not b (another node has it).
        #expect(table.renewed(["a": 4], sentAt: 105) == ["b"])
        #expect(table.usable("a", at: 116.9) == 4)
        #expect(table.usable("b", at: 106) == nil)
        // A renewal that returns another epoch for a source is not this lease.
        #expect(table.renewed(["a": 5], sentAt: 110) == [])
        #expect(table.usable("a", at: 117) == nil)
        // Lapse drops what ran out.
        #expect(table.lapse(at: 200) == ["a"])
        #expect(table.sources.isEmpty)
        // Short leases keep a margin of at least 2 s.
        #expect(LeaseTable(leaseSeconds: 6).safetyMargin == 2)
    }

    /// A claim waits until an interval after the previous owner's last call.
    @Test func aClaimedLeaseWaitsForThePreviousOwnersInterval() {
        var table = LeaseTable(leaseSeconds: 6)
        table.claimed("a", epoch: 2, sentAt: 50, wait: 1.5)
        #expect(table.usable("a", at: 51) == nil)
        #expect(table.usable("a", at: 51.5) == 2)
        // A renewal keeps the wait.
        #expect(table.renewed(["a": 2], sentAt: 50.5) == [])
        #expect(table.usable("a", at: 51) == nil)
        // A hostile wait (NaN, negative, huge) never traps nor blocks past a lease.
        table.claimed("b", epoch: 1, sentAt: 0, wait: .nan)
        #expect(table.usable("b", at: 0) == 1)
        table.claimed("c", epoch: 1, sentAt: 0, wait: 1e300)
        #expect(table.usable("c", at: 3.9) == nil)
    }

    @Test func fairSharesAreRoundedUpAndCapped() {
        #expect(LeaseTable.fairShare(sources: 8, liveNodes: 3, maxSources: nil) == 3)
        #expect(LeaseTable.fairShare(sources: 8, liveNodes: 4, maxSources: nil) == 2)
        #expect(LeaseTable.fairShare(sources: 8, liveNodes: 0, maxSources: nil) == 8)
        #expect(LeaseTable.fairShare(sources: 8, liveNodes: 1, maxSources: 5) == 5)
        #expect(LeaseTable.fairShare(sources: 0, liveNodes: 2, maxSources: nil) == 0)
    }

    /// Each node ranks the sources its own way (so nodes claiming at once mostly want different
    /// ones), the same way every time.
    @Test func preferencesAreStableAndDifferByNode() {
        let sources = (1...8).map { "s\($0)" }
        let one = LeaseTable.preference(of: "n1", for: sources)
        #expect(Set(one) == Set(sources))
        #expect(LeaseTable.preference(of: "n1", for: sources.reversed()) == one)
        #expect(LeaseTable.preference(of: "n2", for: sources) != one)
    }
}
