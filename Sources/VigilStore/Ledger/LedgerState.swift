import Foundation

/// The usage ledger's state, as a value: what waits to be spooled, what waits to be written, who
/// waits for what, and whether the ledger runs, stops or has stopped. Every change is a method; the
/// two threads that do the blocking work (fsync, libpq) ask it what to do next.
///
/// Generic over what it holds, so that tests drive it with plain values and no disk or database:
/// `Record` (a usage record), `RecordWaiter` (a caller waiting for its records to be durable),
/// `FlushWaiter` (a caller waiting for everything spooled to be written) and `Segment` (a spooled
/// segment not yet in PostgreSQL).
///
/// The rules:
/// - Records are refused once stopping begins; a flush asked after the ledger stopped is answered at once.
/// - The spooler takes what waits as soon as a segment is full, a flush is asked or the ledger
///   stops; otherwise it lets the first record wait up to the flush interval for company.
/// - The writer writes while segments wait and no retry is pending; a failure delays the next try.
/// - Flush waiters are answered once everything handed in is spooled and a writing round has ended;
///   they learn whether nothing is left waiting.
/// - The spooler exits once stopping and nothing waits to be spooled; the writer exits after it,
///   answering every flush waiter, and the ledger is stopped.
struct LedgerState<Record, RecordWaiter, FlushWaiter, Segment> {
    /// Where the ledger is in its life.
    enum Phase: Equatable {
        case running
        /// ``stop()`` was called; `spoolerExited` once the spooler has spooled everything and ended.
        case stopping(spoolerExited: Bool)
        case stopped
    }

    /// What the spooler thread does next.
    enum SpoolerAction {
        /// Wait for a change, or until the date (the first record's flush interval ends).
        case wait(until: Date?)
        /// Encode and spool these records, then report ``spooled(_:)`` and resume the waiters.
        case spool([Record], waiters: [RecordWaiter])
        /// Nothing more will come: the thread ends.
        case exit
    }

    /// What the writer thread does next.
    enum WriterAction {
        /// Wait for a change, or until the date (a retry is due).
        case wait(until: Date?)
        /// Write the waiting segments, then report ``roundEnded()``; `flushing` are answered after it.
        case write(flushing: [FlushWaiter])
    }

    private(set) var phase = Phase.running
    /// Records handed in and not yet taken by the spooler.
    private(set) var inbox: [Record] = []
    private var inboxWaiters: [RecordWaiter] = []
    private var firstArrival: Date?
    /// Whether the spooler holds records taken from the inbox and not yet in ``pending``.
    private(set) var spooling = false
    /// Segments spooled and not yet in PostgreSQL, oldest first.
    private(set) var pending: [Segment]
    private var flushWaiters: [FlushWaiter] = []
    /// When the writer may try again after a failure; nil when it need not wait.
    private(set) var retryAt: Date?
    /// Failed writes in a row (the backoff's attempt number).
    private(set) var failures = 0

    /// A ledger that starts with `pending` segments left by an earlier run.
    init(pending: [Segment] = []) {
        self.pending = pending
    }

    // MARK: Callers

    /// Hands in records; false (and nothing kept) once stopping began.
    mutating func record(_ records: [Record], waiter: RecordWaiter, now: Date) -> Bool {
        guard phase == .running else { return false }
        if inbox.isEmpty { firstArrival = now }
        inbox.append(contentsOf: records)
        inboxWaiters.append(waiter)
        return true
    }

    /// Asks for everything spooled to be written: nil when `waiter` is queued, or whether nothing
    /// is left waiting when the ledger has already stopped.
    mutating func flush(_ waiter: FlushWaiter) -> Bool? {
        guard phase != .stopped else { return pending.isEmpty }
        flushWaiters.append(waiter)
        return nil
    }

    /// Begins stopping: no more records are taken; what was handed in is still spooled and written.
    mutating func stop() {
        if phase == .running { phase = .stopping(spoolerExited: false) }
    }

    // MARK: The spooler

    /// The spooler's next step at `now`, for segments of up to `batchSize` records whose first
    /// record may wait `flushInterval` seconds for others.
    mutating func nextSpoolerAction(now: Date, batchSize: Int, flushInterval: Double) -> SpoolerAction {
        if inbox.isEmpty {
            guard case .stopping = phase else { return .wait(until: nil) }
            phase = .stopping(spoolerExited: true)
            return .exit
        }
        let due = firstArrival.map { $0.addingTimeInterval(flushInterval) } ?? now
        if inbox.count < batchSize && flushWaiters.isEmpty && phase == .running && now < due {
            return .wait(until: due)
        }
        let records = inbox
        let waiters = inboxWaiters
        inbox.removeAll(keepingCapacity: true)
        inboxWaiters.removeAll(keepingCapacity: true)
        firstArrival = nil
        spooling = true
        return .spool(records, waiters: waiters)
    }

    /// The spooler made `segments` durable (all it took, or those before a failure).
    mutating func spooled(_ segments: [Segment]) {
        pending += segments
        spooling = false
    }

    // MARK: The writer

    /// The writer's next step at `now`.
    mutating func nextWriterAction(now: Date) -> WriterAction {
        let everythingSpooled = inbox.isEmpty && !spooling
        if !flushWaiters.isEmpty && everythingSpooled {
            let flushing = flushWaiters
            flushWaiters.removeAll()
            return .write(flushing: flushing)
        }
        if phase == .stopping(spoolerExited: true) { return .write(flushing: []) }
        if pending.isEmpty { return .wait(until: nil) }
        if let retryAt, now < retryAt { return .wait(until: retryAt) }
        return .write(flushing: [])
    }

    /// The writer's round is over: whether nothing waits, and whether the writer ends (the ledger
    /// has stopped; every flush waiter still queued is handed back to be answered).
    mutating func roundEnded() -> (empty: Bool, exit: Bool, flushing: [FlushWaiter]) {
        guard phase == .stopping(spoolerExited: true) else { return (pending.isEmpty, false, []) }
        phase = .stopped
        let flushing = flushWaiters
        flushWaiters.removeAll()
        return (pending.isEmpty, true, flushing)
    }

    /// Segments matching `written` are in PostgreSQL (or set aside for good): they leave the queue,
    /// and the writer need not wait before its next write.
    mutating func written(where isWritten: (Segment) -> Bool) {
        pending.removeAll(where: isWritten)
        failures = 0
        retryAt = nil
    }

    /// Segments matching `isGone` leave the queue without being written (they cannot be read).
    mutating func discard(where isGone: (Segment) -> Bool) {
        pending.removeAll(where: isGone)
    }

    /// A write failed at `now`: the next waits `delay` seconds.
    mutating func writeFailed(now: Date, delay: Double) {
        failures += 1
        retryAt = now.addingTimeInterval(delay)
    }

    /// Changes every waiting segment in place (to drop its copy in memory during a long outage).
    mutating func updatePending(_ change: (inout Segment) -> Void) {
        for index in pending.indices { change(&pending[index]) }
    }
}
