public import Foundation
public import Logging
public import VigilCore

/// The usage writer: every record is made durable on disk, then written to PostgreSQL in batches.
///
/// ``record(_:)`` returns once the records are fsync'd in the spool, so a crash after it returns
/// loses nothing. A thread of its own then writes spooled batches to PostgreSQL, oldest first, each
/// in one transaction and idempotent on `request_id`, and deletes a batch's segment once it is in.
/// While PostgreSQL is unreachable, segments accumulate and the writer retries with backoff
/// (0.25 s doubling to 5 s); callers are not slowed. On ``close()`` it writes what it can; the
/// rest stays spooled and is replayed by the next start. A record is never lost and never doubled.
public final class UsageLedger: Sendable {
    /// What the writer has done, for metrics and `/readyz`.
    public struct Statistics: Sendable, Equatable {
        /// Rows inserted since start (duplicates of rows already present are not counted).
        public var rowsWritten: Int = 0
        /// Records spooled since start.
        public var recordsSpooled: Int = 0
        /// Segments waiting on disk (including ones spooled by an earlier run).
        public var segmentsWaiting: Int = 0
        /// Whether the last attempt to reach PostgreSQL succeeded.
        public var databaseReachable: Bool = true
        /// Duration of the last successful batch write, in milliseconds.
        public var lastWriteMilliseconds: Double = 0
        /// The last database error, redacted.
        public var lastError: String?
    }

    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var inbox: [UsageRecord] = []
        var inboxWaiters: [CheckedContinuation<Void, any Error>] = []
        var firstArrival: Date?
        var flushWaiters: [CheckedContinuation<Bool, Never>] = []
        var stopping = false
        var stopped = false
        var statistics = Statistics()
    }

    private let state = State()
    private let batchSize: Int
    private let flushInterval: TimeInterval
    private let logger: Logger

    /// Opens the spool (replaying what an earlier run left there) and starts the writer thread.
    ///
    /// - Throws: ``SpoolError`` when the spool directory cannot be created or written.
    public init(connectionString: String, spoolDirectory: String, batchSize: Int = 500, flushInterval: TimeInterval = 0.02,
                redactor: SecretRedactor = SecretRedactor(), logger: Logger) throws {
        let spool = try UsageSpool(directory: spoolDirectory)
        self.batchSize = max(1, batchSize)
        self.flushInterval = flushInterval
        self.logger = logger
        let keeper = ConnectionKeeper(connectionString: connectionString, redactor: redactor, applicationName: "vigil-ledger")
        let waiting = spool.segments().count
        state.statistics.segmentsWaiting = waiting
        if waiting > 0 {
            logger.notice("replaying spooled usage", metadata: ["segments": "\(waiting)", "spool": "\(spoolDirectory)"])
        }
        let writer = Writer(state: state, spool: spool, keeper: keeper, batchSize: self.batchSize,
                            flushInterval: flushInterval, logger: logger)
        let thread = Thread { writer.run() }
        thread.name = "vigil-ledger"
        thread.start()
    }

    /// Spools `records` durably; returns once they are fsync'd. They reach PostgreSQL shortly after.
    ///
    /// - Throws: ``SpoolError`` if the spool cannot be written (disk full, permissions), or
    ///   ``WorkerThreadStopped`` after ``close()``.
    public func record(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        let state = self.state
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            state.condition.lock()
            defer { state.condition.unlock() }
            guard !state.stopping else {
                continuation.resume(throwing: WorkerThreadStopped())
                return
            }
            if state.inbox.isEmpty { state.firstArrival = Date() }
            state.inbox.append(contentsOf: records)
            state.inboxWaiters.append(continuation)
            state.condition.broadcast()
        }
    }

    /// Spools one record durably.
    public func record(_ record: UsageRecord) async throws {
        try await self.record([record])
    }

    /// Writes everything spooled that it can; returns true when nothing is left waiting.
    public func flush() async -> Bool {
        let state = self.state
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            state.condition.lock()
            defer { state.condition.unlock() }
            guard !state.stopped else {
                continuation.resume(returning: state.statistics.segmentsWaiting == 0)
                return
            }
            state.flushWaiters.append(continuation)
            state.condition.broadcast()
        }
    }

    /// Writes what it can, then stops the writer. Records still unwritten stay spooled for the next start.
    ///
    /// - Returns: true when everything reached PostgreSQL.
    @discardableResult
    public func close() async -> Bool {
        beginStopping()
        return await flush()
    }

    private func beginStopping() {
        state.condition.lock()
        state.stopping = true
        state.condition.broadcast()
        state.condition.unlock()
    }

    /// A snapshot of the writer's statistics.
    public var statistics: Statistics {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.statistics
    }

    /// The writer thread's loop. Owns the spool and the connection.
    private final class Writer: @unchecked Sendable {
        let state: State
        let spool: UsageSpool
        let keeper: ConnectionKeeper
        let batchSize: Int
        let flushInterval: TimeInterval
        let logger: Logger
        /// Records of segments written this run, so the normal path never rereads its own files.
        var inMemory: [UInt64: [UsageRecord]] = [:]
        var retryAt = Date.distantPast
        var failures = 0
        let backoff = ExponentialBackoff(initial: 0.25, cap: 5, jitter: 0.2)

        init(state: State, spool: UsageSpool, keeper: ConnectionKeeper, batchSize: Int, flushInterval: TimeInterval, logger: Logger) {
            self.state = state
            self.spool = spool
            self.keeper = keeper
            self.batchSize = batchSize
            self.flushInterval = flushInterval
            self.logger = logger
        }

        func run() {
            while true {
                state.condition.lock()
                // Sleep until there is work: records to spool, a flush, a stop, or a retry that is due.
                while state.inbox.isEmpty && state.flushWaiters.isEmpty && !state.stopping {
                    if state.statistics.segmentsWaiting > 0 {
                        if Date() >= retryAt { break }
                        _ = state.condition.wait(until: retryAt)
                    } else {
                        state.condition.wait()
                    }
                }
                // Let a batch fill for up to the flush interval, unless asked to flush or stop.
                while !state.inbox.isEmpty && state.inbox.count < batchSize && state.flushWaiters.isEmpty && !state.stopping,
                      let first = state.firstArrival, Date() < first.addingTimeInterval(flushInterval) {
                    _ = state.condition.wait(until: first.addingTimeInterval(flushInterval))
                }
                let records = state.inbox
                let waiters = state.inboxWaiters
                state.inbox.removeAll(keepingCapacity: true)
                state.inboxWaiters.removeAll(keepingCapacity: true)
                state.firstArrival = nil
                let flushRequested = !state.flushWaiters.isEmpty || state.stopping
                state.condition.unlock()

                spoolAndRelease(records, waiters)
                if flushRequested || Date() >= retryAt {
                    writeWaitingSegments()
                }

                state.condition.lock()
                let done = state.stopping && state.inbox.isEmpty
                if !state.flushWaiters.isEmpty && (state.inbox.isEmpty || done) {
                    let everythingWritten = state.statistics.segmentsWaiting == 0
                    for waiter in state.flushWaiters { waiter.resume(returning: everythingWritten) }
                    state.flushWaiters.removeAll()
                }
                if done {
                    state.stopped = true
                    state.condition.unlock()
                    keeper.disconnect()
                    return
                }
                state.condition.unlock()
            }
        }

        private func spoolAndRelease(_ records: [UsageRecord], _ waiters: [CheckedContinuation<Void, any Error>]) {
            guard !records.isEmpty else { return }
            do {
                var start = 0
                while start < records.count {
                    let chunk = Array(records[start..<min(records.count, start + batchSize)])
                    let segment = try spool.append(chunk)
                    inMemory[segment.sequence] = chunk
                    start += chunk.count
                    state.condition.lock()
                    state.statistics.segmentsWaiting += 1
                    state.statistics.recordsSpooled += chunk.count
                    state.condition.unlock()
                }
                for waiter in waiters { waiter.resume() }
            } catch {
                logger.error("cannot spool usage records", metadata: ["error": "\(error)", "records": "\(records.count)"])
                for waiter in waiters { waiter.resume(throwing: error) }
            }
        }

        private func writeWaitingSegments() {
            for segment in spool.segments() {
                let records = inMemory[segment.sequence] ?? spool.read(segment) { line, problem in
                    logger.error("skipping an unreadable spooled record", metadata: ["segment": "\(segment.path)", "line": "\(line)", "error": "\(problem)"])
                }
                let started = Date()
                do {
                    let inserted = try keeper.withConnection { connection in
                        try LedgerBatch.write(records, on: connection)
                    }
                    spool.remove(segment)
                    inMemory[segment.sequence] = nil
                    let elapsed = Date().timeIntervalSince(started) * 1000
                    state.condition.lock()
                    let wasReachable = state.statistics.databaseReachable
                    state.statistics.rowsWritten += inserted
                    state.statistics.segmentsWaiting = max(0, state.statistics.segmentsWaiting - 1)
                    state.statistics.databaseReachable = true
                    state.statistics.lastWriteMilliseconds = elapsed
                    state.statistics.lastError = nil
                    state.condition.unlock()
                    if !wasReachable {
                        logger.notice("PostgreSQL is reachable again; writing spooled usage")
                    }
                    failures = 0
                    retryAt = .distantPast
                } catch {
                    // Keep the segment; drop the memory copy so a long outage does not grow the heap.
                    inMemory[segment.sequence] = nil
                    let delay = backoff.delay(attempt: failures)
                    failures += 1
                    retryAt = Date().addingTimeInterval(delay)
                    state.condition.lock()
                    let wasReachable = state.statistics.databaseReachable
                    state.statistics.databaseReachable = false
                    state.statistics.lastError = "\(error)"
                    let waiting = state.statistics.segmentsWaiting
                    state.condition.unlock()
                    if wasReachable {
                        logger.warning("cannot write usage to PostgreSQL; spooling to disk until it is back",
                                       metadata: ["error": "\(error)", "segments_waiting": "\(waiting)"])
                    }
                    return
                }
            }
        }
    }
}
