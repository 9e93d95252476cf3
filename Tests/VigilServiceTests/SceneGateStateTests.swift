import Foundation
import Testing
import VigilCapture
import VigilCore

@testable import VigilService

/// When the scene gate sends and when it skips, as a pure value.
struct SceneGateStateTests {
    static let quiet = SceneThumbnail(width: 64, height: 36, cells: [UInt8](repeating: 100, count: 64 * 36))
    static let busy: SceneThumbnail = {
        var cells = [UInt8](repeating: 100, count: 64 * 36)
        for index in 0..<200 { cells[index] = 10 }
        return SceneThumbnail(width: 64, height: 36, cells: cells)
    }()
    static let session = UUID()
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func camera(
        _ id: String, _ thumbnail: SceneThumbnail?, gate: SceneGateConfiguration = SceneGateConfiguration(), session: UUID = session
    )
        -> SceneGateState.Camera
    {
        SceneGateState.Camera(id: id, gate: gate, thumbnail: thumbnail, sessionID: session)
    }

    @Test func theFirstSampleIsSentAndAnUnchangedOneSkipped() {
        var state = SceneGateState()
        let cameras = [Self.camera("a", Self.quiet)]
        #expect(state.decide(source: "a", cameras: cameras, now: Self.start) == .send(changed: ["a"], reason: "first"))
        state.called(source: "a", cameras: cameras, succeeded: true, at: Self.start)
        #expect(state.decide(source: "a", cameras: cameras, now: Self.start.addingTimeInterval(10)) == .skip)
        #expect(
            state.decide(source: "a", cameras: [Self.camera("a", Self.busy)], now: Self.start.addingTimeInterval(10))
                == .send(changed: ["a"], reason: "changed"))
    }

    /// The reference is the picture last *sent*: many small steps away from it add up to a change.
    @Test func theReferenceIsThePictureLastSent() {
        var state = SceneGateState()
        state.called(source: "a", cameras: [Self.camera("a", Self.quiet)], succeeded: true, at: Self.start)
        // Not called with the busy picture (e.g. held by the budget): the reference stays quiet.
        #expect(state.decide(source: "a", cameras: [Self.camera("a", Self.busy)], now: Self.start) != .skip)
        #expect(state.decide(source: "a", cameras: [Self.camera("a", Self.busy)], now: Self.start) != .skip)
    }

    @Test func aFailedCallIsNeverFollowedByASkip() {
        var state = SceneGateState()
        let cameras = [Self.camera("a", Self.quiet)]
        state.called(source: "a", cameras: cameras, succeeded: true, at: Self.start)
        state.called(source: "a", cameras: cameras, succeeded: false, at: Self.start.addingTimeInterval(10))
        #expect(
            state.decide(source: "a", cameras: cameras, now: Self.start.addingTimeInterval(20)) == .send(changed: ["a"], reason: "first"))
    }

    @Test func aReconnectIsAFirstSample() {
        var state = SceneGateState()
        state.called(source: "a", cameras: [Self.camera("a", Self.quiet)], succeeded: true, at: Self.start)
        let reconnected = [Self.camera("a", Self.quiet, session: UUID())]
        #expect(
            state.decide(source: "a", cameras: reconnected, now: Self.start.addingTimeInterval(5)) == .send(changed: ["a"], reason: "first")
        )
    }

    @Test func theHeartbeatFiresAfterMaxQuietSeconds() {
        var state = SceneGateState()
        let gate = SceneGateConfiguration(maxQuietSeconds: 60)
        let cameras = [Self.camera("a", Self.quiet, gate: gate)]
        state.called(source: "a", cameras: cameras, succeeded: true, at: Self.start)
        #expect(state.decide(source: "a", cameras: cameras, now: Self.start.addingTimeInterval(59)) == .skip)
        #expect(
            state.decide(source: "a", cameras: cameras, now: Self.start.addingTimeInterval(60)) == .send(changed: [], reason: "heartbeat"))
    }

    @Test func aCameraWithTheGateOffIsAlwaysSent() {
        var state = SceneGateState()
        let cameras = [Self.camera("a", Self.quiet, gate: SceneGateConfiguration(enabled: false))]
        state.called(source: "a", cameras: cameras, succeeded: true, at: Self.start)
        #expect(
            state.decide(source: "a", cameras: cameras, now: Self.start.addingTimeInterval(1)) == .send(changed: [], reason: "gate_off"))
    }

    /// A group goes when any camera changed, naming it; a dark quadrant can neither change nor
    /// keep its reference.
    @Test func aGroupIsSentWhenOneCameraChanged() {
        var state = SceneGateState()
        let before = [Self.camera("a", Self.quiet), Self.camera("b", Self.quiet), Self.camera("c", Self.quiet), Self.camera("d", nil)]
        state.called(source: "g", cameras: before, succeeded: true, at: Self.start)
        #expect(state.decide(source: "g", cameras: before, now: Self.start.addingTimeInterval(10)) == .skip)
        var after = before
        after[2] = Self.camera("c", Self.busy)
        #expect(
            state.decide(source: "g", cameras: after, now: Self.start.addingTimeInterval(10)) == .send(changed: ["c"], reason: "changed"))
        // The dark camera gets a picture: it has no reference, so it is a first sample.
        var lit = before
        lit[3] = Self.camera("d", Self.quiet)
        #expect(state.decide(source: "g", cameras: lit, now: Self.start.addingTimeInterval(10)) == .send(changed: ["d"], reason: "first"))
    }

    @Test func skipsAreTalliedPerHourWithTheirAvoidedCost() {
        var tally = SceneGateTally()
        let cost = Money("0.000447")!
        tally.skip(client: "acme", source: "g", kind: "group", at: Self.start.addingTimeInterval(10), cost: cost)
        tally.skip(client: "acme", source: "g", kind: "group", at: Self.start.addingTimeInterval(20), cost: cost)
        tally.skip(client: "acme", source: "g", kind: "group", at: Self.start.addingTimeInterval(3600), cost: cost)
        #expect(tally.counts.count == 2)
        #expect(tally.counts.values.map(\.skipped).sorted() == [1, 2])
        var other = SceneGateTally()
        other.merge(tally)
        other.merge(tally)
        #expect(other.counts.values.reduce(0) { $0 + $1.skipped } == 6)
        #expect(other.counts.values.reduce(Money.zero) { $0 + $1.costAvoided } == cost * 6)
    }
}
