import Foundation
import Testing

@testable import VigilStore

/// The ledger's state changes (spooling, writing, stopping) driven by hand: no disk, no database.
@Suite struct LedgerStateTests {
    /// Records are numbers, waiters are names, segments are numbers.
    typealias State = LedgerState<Int, String, String, Int>
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    static func spool(_ state: inout State, at seconds: Double = 0, batchSize: Int = 10, interval: Double = 0.02) -> State.SpoolerAction {
        state.nextSpoolerAction(now: start.addingTimeInterval(seconds), batchSize: batchSize, flushInterval: interval)
    }

    @Test func aRecordWaitsTheFlushIntervalForCompanyUnlessTheSegmentIsFull() {
        var state = State()
        guard case .wait(nil) = Self.spool(&state) else {
            Issue.record("an empty ledger has nothing to spool")
            return
        }
        let accepted = state.record([1, 2], waiter: "a", now: Self.start)
        #expect(accepted)
        guard case .wait(let until) = Self.spool(&state, at: 0.01) else {
            Issue.record("spooled before the interval")
            return
        }
        #expect(until == Self.start.addingTimeInterval(0.02))
        guard case .spool(let records, let waiters) = Self.spool(&state, at: 0.02) else {
            Issue.record("not spooled after the interval")
            return
        }
        #expect(records == [1, 2] && waiters == ["a"])
        #expect(state.spooling && state.inbox.isEmpty)
        // A full segment goes at once.
        let fullAccepted = state.record(Array(0..<10), waiter: "b", now: Self.start.addingTimeInterval(1))
        #expect(fullAccepted)
        guard case .spool(let full, _) = Self.spool(&state, at: 1) else {
            Issue.record("a full segment waited")
            return
        }
        #expect(full.count == 10)
    }

    @Test func aFlushIsAnsweredOnceEverythingHandedInIsSpooledAndWritten() {
        var state = State()
        let accepted = state.record([1], waiter: "a", now: Self.start)
        #expect(accepted)
        let answer = state.flush("f")
        #expect(answer == nil)
        // The flush makes the spooler go at once; the writer waits until the spooler is done.
        guard case .spool = Self.spool(&state, at: 0.001) else {
            Issue.record("a flush did not hurry the spooler")
            return
        }
        guard case .wait = state.nextWriterAction(now: Self.start) else {
            Issue.record("the writer answered before the records were spooled")
            return
        }
        state.spooled([7])
        guard case .write(let flushing) = state.nextWriterAction(now: Self.start) else {
            Issue.record("the writer does not write")
            return
        }
        #expect(flushing == ["f"])
        state.written { $0 == 7 }
        let round = state.roundEnded()
        #expect(round.empty && !round.exit && round.flushing.isEmpty)
        guard case .wait(nil) = state.nextWriterAction(now: Self.start) else {
            Issue.record("the writer has nothing to do")
            return
        }
    }

    @Test func aFailedWriteWaitsItsDelayAndKeepsTheSegments() {
        var state = State(pending: [1, 2])
        guard case .write = state.nextWriterAction(now: Self.start) else {
            Issue.record("segments left by a run are not written")
            return
        }
        state.writeFailed(now: Self.start, delay: 5)
        #expect(state.failures == 1 && state.pending == [1, 2])
        guard case .wait(let until) = state.nextWriterAction(now: Self.start.addingTimeInterval(4)) else {
            Issue.record("retried before the delay")
            return
        }
        #expect(until == Self.start.addingTimeInterval(5))
        guard case .write = state.nextWriterAction(now: Self.start.addingTimeInterval(5)) else {
            Issue.record("not retried")
            return
        }
        state.written { $0 == 1 }
        #expect(state.failures == 0 && state.retryAt == nil && state.pending == [2])
        state.discard { $0 == 2 }
        #expect(state.pending.isEmpty)
    }

    @Test func stoppingRefusesNewRecordsSpoolsWhatCameAndEndsWriterAfterSpooler() {
        var state = State()
        let accepted = state.record([1], waiter: "a", now: Self.start)
        #expect(accepted)
        let answer = state.flush("f1")
        #expect(answer == nil)
        state.stop()
        let afterStop = state.record([2], waiter: "b", now: Self.start)
        #expect(!afterStop)
        // Stopping does not wait out the flush interval.
        guard case .spool(let records, _) = Self.spool(&state) else {
            Issue.record("not spooled at stop")
            return
        }
        #expect(records == [1])
        state.spooled([9])
        guard case .exit = Self.spool(&state) else {
            Issue.record("the spooler goes on after stop")
            return
        }
        #expect(state.phase == .stopping(spoolerExited: true))
        guard case .write(let flushing) = state.nextWriterAction(now: Self.start) else {
            Issue.record("the writer does not write at stop")
            return
        }
        #expect(flushing == ["f1"])
        // PostgreSQL is down: the segment stays for the next start, and the writer ends anyway.
        state.writeFailed(now: Self.start, delay: 1)
        let round = state.roundEnded()
        #expect(!round.empty && round.exit)
        #expect(state.phase == .stopped)
        // Asked after the end, a flush is answered at once.
        let late = state.flush("late")
        #expect(late == false)
    }

    @Test func theWriterWaitsForTheSpoolerToEndBeforeItEnds() {
        var state = State()
        state.stop()
        guard case .wait(nil) = state.nextWriterAction(now: Self.start) else {
            Issue.record("the writer ended before the spooler")
            return
        }
        guard case .exit = Self.spool(&state) else {
            Issue.record("an empty spooler did not end")
            return
        }
        guard case .write(let flushing) = state.nextWriterAction(now: Self.start) else {
            Issue.record("no last round")
            return
        }
        #expect(flushing.isEmpty)
        let last = state.roundEnded()
        #expect(last.exit)
    }
}
