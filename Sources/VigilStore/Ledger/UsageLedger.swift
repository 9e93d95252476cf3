package import Foundation
package import Logging
package import VigilCore

/// The usage writer: every record is made durable on disk, then written to PostgreSQL in batches.
///
/// ``record(_:)`` returns once the records are fsync'd in the spool, so a crash after it returns
/// loses nothing. Two threads of its own form a pipeline: the spooler encodes what callers hand in
/// (PostgreSQL's COPY text, see ``SpooledBatch``) and makes it durable, while the writer copies
/// spooled segments into PostgreSQL, oldest first, as many as are waiting (up to
/// `transactionRows`) in one transaction, idempotent on `request_id`, and deletes them once in.
/// With more waiting than one transaction takes, `connections` transactions run at once, the
/// oldest segments in the first. While PostgreSQL is unreachable, segments accumulate and the
/// writer retries with backoff (0.25 s doubling to 5 s); callers are not slowed. Rows PostgreSQL refuses as data (SQLSTATE
/// classes 22 and 23) are found one by one and kept in a `.rejected` file; the rest go in. On
/// ``close()`` it writes what it can; the rest stays spooled and is replayed by the next start. A
/// record is never lost and never doubled.
package final class UsageLedger: Sendable {
    /// What the writer has done, for metrics and `/readyz`.
    package struct Statistics: Sendable, Equatable {
        /// Rows inserted since start (duplicates of rows already present are not counted).
        package var rowsWritten: Int = 0
        /// Records spooled since start.
        package var recordsSpooled: Int = 0
        /// Segments waiting on disk (including ones spooled by an earlier run); read from the queue.
        package var segmentsWaiting: Int = 0
        /// Rows PostgreSQL refused, kept in `.rejected` files of the spool.
        package var rowsRejected: Int = 0
        /// Whether the last attempt to reach PostgreSQL succeeded.
        package var databaseReachable: Bool = true
        /// Duration of the last successful transaction, in milliseconds.
        package var lastWriteMilliseconds: Double = 0
        /// The last database error, redacted.
        package var lastError: String?
        /// Why the spool cannot take records (disk full, read-only, permissions), or nil when it can.
        package var spoolProblem: String?
        /// Records handed in that could not be made durable: lost (should stay 0; each is also logged).
        package var recordsLost: Int = 0

        /// Nothing written yet.
        package init() {}
    }

    /// A spooled segment not yet in PostgreSQL, with its bytes while they are kept in memory.
    private struct Pending {
        var segment: UsageSpool.Segment
        var batch: SpooledBatch?
    }

    /// The ledger's state and statistics, shared by callers and the two threads under one lock.
    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var machine: LedgerState<UsageRecord, CheckedContinuation<Void, any Error>, CheckedContinuation<Bool, Never>, Pending>
        var statistics = Statistics()

        init(pending: [Pending]) {
            machine = LedgerState(pending: pending)
        }
    }

    private let state: State
    /// Where the ledger reports spooling and writing problems, and its closing.
    let logger: Logger
    private let spool: UsageSpool
    private let spoolReserveBytes: UInt64
    /// Where ``spoolProblem()`` looks at the disk and intents are written, off the cooperative pool.
    private let disk = WorkerPool(name: "vigil-spool-io")

    /// Opens the spool (replaying what an earlier run left there) and starts the spooler and writer threads.
    ///
    /// - Parameters:
    ///   - batchSize: the most records in one spool segment.
    ///   - flushInterval: how long the first record of a segment may wait for others.
    ///   - transactionRows: the most rows written in one transaction when segments are waiting.
    ///   - connections: how many transactions may run at once when more than one is waiting
    ///     (PostgreSQL spends most of a row's cost in its own process: a second connection uses a
    ///     second core).
    ///   - spoolReserveBytes: free space the spool's file system must keep for ``spoolProblem()``
    ///     to let calls be made. Default 64 MiB.
    /// - Throws: ``SpoolError`` when the spool directory cannot be created or written.
    package init(
        connectionString: String, spoolDirectory: String, batchSize: Int = 500, flushInterval: TimeInterval = 0.02,
        transactionRows: Int = 10_000, connections: Int = 2, spoolReserveBytes: UInt64 = 64 << 20,
        redactor: SecretRedactor = SecretRedactor(), logger: Logger
    ) throws {
        let spool = try UsageSpool(directory: spoolDirectory)
        self.spool = spool
        // Calls that were in flight when the last run ended become rows whose outcome is unknown.
        let unknown = spool.recoverIntents { path, error in
            logger.error("an intent cannot be read; moved aside as .rejected", metadata: ["intent": "\(path)", "error": "\(error)"])
        }
        if unknown > 0 {
            logger.warning(
                "calls were in flight when Vigil last stopped; recorded with outcome unknown (usage estimated, not invoiced)",
                metadata: ["calls": "\(unknown)"])
        }
        self.spoolReserveBytes = spoolReserveBytes
        let keepers = (0..<max(1, connections)).map { _ in
            ConnectionKeeper(connectionString: connectionString, redactor: redactor, applicationName: "vigil-ledger")
        }
        let state = State(pending: spool.segments().map { Pending(segment: $0, batch: nil) })
        self.state = state
        self.logger = logger
        if !state.machine.pending.isEmpty {
            logger.notice(
                "replaying spooled usage", metadata: ["segments": "\(state.machine.pending.count)", "spool": "\(spoolDirectory)"])
        }
        let spooler = Spooler(state: state, spool: spool, batchSize: max(1, batchSize), flushInterval: flushInterval, logger: logger)
        let writer = Writer(state: state, spool: spool, keepers: keepers, transactionRows: max(1, transactionRows), logger: logger)
        // Each loop holds its thread until the ledger stops; then the thread ends.
        let spoolerThread = WorkerPool(name: "vigil-spooler")
        spoolerThread.submit { _ in spooler.run() }
        spoolerThread.shutdown()
        let writerThread = WorkerPool(name: "vigil-ledger")
        writerThread.submit { _ in writer.run() }
        writerThread.shutdown()
    }

    /// Spools `records` durably; returns once they are fsync'd. They reach PostgreSQL shortly after.
    ///
    /// - Throws: ``SpoolError`` if the spool cannot be written (disk full, permissions), or
    ///   ``WorkerPoolStopped`` after ``close()``.
    package func record(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        let state = self.state
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            state.condition.lock()
            defer { state.condition.unlock() }
            guard state.machine.record(records, waiter: continuation, now: Date()) else {
                continuation.resume(throwing: WorkerPoolStopped())
                return
            }
            state.condition.broadcast()
        }
    }

    /// Spools one record durably.
    package func record(_ record: UsageRecord) async throws {
        try await self.record([record])
    }

    /// Writes everything spooled that it can; returns true when nothing is left waiting.
    package func flush() async -> Bool {
        let state = self.state
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            state.condition.lock()
            defer { state.condition.unlock() }
            if let empty = state.machine.flush(continuation) {
                continuation.resume(returning: empty)
                return
            }
            state.condition.broadcast()
        }
    }

    /// Writes what it can, then stops the writer. Records still unwritten stay spooled for the next start.
    ///
    /// - Returns: true when everything reached PostgreSQL.
    @discardableResult
    package func close() async -> Bool {
        beginStopping()
        return await flush()
    }

    private func beginStopping() {
        state.condition.lock()
        state.machine.stop()
        state.condition.broadcast()
        state.condition.unlock()
    }

    /// Makes `intent` durable before its call goes on the wire: the row the call becomes, at the
    /// next start, if its answer is never recorded (``UsageRecord/unknownOutcome``).
    ///
    /// - Throws: ``SpoolError`` when it cannot be made durable: then the call must not be made.
    package func recordIntent(_ intent: UsageRecord) async throws {
        let spool = self.spool
        let batch = LedgerBatch.encode([intent])
        let requestID = intent.requestID
        try await disk.run { _ in try spool.writeIntent(batch, requestID: requestID) }
    }

    /// The call of `requestID` needs its intent no more: its record is spooled, or it never went
    /// on the wire.
    package func completeIntent(_ requestID: String) async {
        let spool = self.spool
        _ = try? await disk.run { _ in spool.removeIntent(requestID: requestID) }
    }

    /// Why the spool cannot take records now (disk full or below the reserve, read-only, no
    /// permission), or nil when it can. After a failed write it also writes and syncs a probe file,
    /// so it answers nil only once writing works again. The answer is kept in ``statistics``.
    package func spoolProblem() async -> String? {
        let state = self.state
        let spool = self.spool
        let reserve = spoolReserveBytes
        do {
            return try await disk.run { _ in
                state.condition.lock()
                let failedBefore = state.statistics.spoolProblem != nil
                state.condition.unlock()
                let problem = spool.problem(reserveBytes: reserve, probe: failedBefore)
                state.condition.lock()
                state.statistics.spoolProblem = problem
                state.condition.unlock()
                return problem
            }
        } catch {
            return "the usage ledger has stopped"
        }
    }

    /// A snapshot of the writer's statistics.
    package var statistics: Statistics {
        state.condition.lock()
        defer { state.condition.unlock() }
        var statistics = state.statistics
        statistics.segmentsWaiting = state.machine.pending.count
        return statistics
    }

    /// The spooler thread: takes what callers handed in, encodes it, makes it durable, releases
    /// the callers and queues the segments for the writer.
    private final class Spooler: @unchecked Sendable {
        let state: State
        let spool: UsageSpool
        let batchSize: Int
        let flushInterval: TimeInterval
        let logger: Logger

        init(state: State, spool: UsageSpool, batchSize: Int, flushInterval: TimeInterval, logger: Logger) {
            self.state = state
            self.spool = spool
            self.batchSize = batchSize
            self.flushInterval = flushInterval
            self.logger = logger
        }

        func run() {
            while true {
                state.condition.lock()
                let action = state.machine.nextSpoolerAction(now: Date(), batchSize: batchSize, flushInterval: flushInterval)
                guard case .spool(let records, let waiters) = action else {
                    if case .wait(let until) = action {
                        if let until { _ = state.condition.wait(until: until) } else { state.condition.wait() }
                        state.condition.unlock()
                        continue
                    }
                    // Exit: the writer may be waiting for the spooler to end.
                    state.condition.broadcast()
                    state.condition.unlock()
                    return
                }
                state.condition.unlock()

                var spooled: [Pending] = []
                var failure: (any Error)?
                var start = 0
                while start < records.count {
                    let chunk = records[start..<min(records.count, start + batchSize)]
                    let batch = LedgerBatch.encode(Array(chunk))
                    do {
                        spooled.append(Pending(segment: try spool.append(batch), batch: batch))
                    } catch {
                        failure = error
                        break
                    }
                    start += chunk.count
                }

                state.condition.lock()
                state.machine.spooled(spooled)
                state.statistics.recordsSpooled += spooled.reduce(0) { $0 + ($1.batch?.rows ?? 0) }
                if let failure {
                    state.statistics.spoolProblem = "\(failure)"
                    state.statistics.recordsLost += records.count - start
                }
                state.condition.broadcast()
                state.condition.unlock()
                if let failure {
                    logger.error("cannot spool usage records", metadata: ["error": "\(failure)", "records": "\(records.count - start)"])
                    for waiter in waiters { waiter.resume(throwing: failure) }
                } else {
                    for waiter in waiters { waiter.resume() }
                }
            }
        }
    }

    /// The writer thread: copies spooled segments into PostgreSQL. Owns the connection.
    private final class Writer: @unchecked Sendable {
        let state: State
        let spool: UsageSpool
        /// One connection per concurrent transaction.
        let keepers: [ConnectionKeeper]
        /// A thread for each connection after the first (the first is used on the writer's own).
        let helpers: [WorkerPool]
        let transactionRows: Int
        let logger: Logger
        let backoff = ExponentialBackoff(initial: 0.25, cap: 5, jitter: 0.2)

        init(state: State, spool: UsageSpool, keepers: [ConnectionKeeper], transactionRows: Int, logger: Logger) {
            self.state = state
            self.spool = spool
            self.keepers = keepers
            helpers = (1..<max(1, keepers.count)).map { WorkerPool(name: "vigil-ledger-\($0 + 1)") }
            self.transactionRows = transactionRows
            self.logger = logger
        }

        func run() {
            while true {
                state.condition.lock()
                let action = state.machine.nextWriterAction(now: Date())
                guard case .write(let flushing) = action else {
                    if case .wait(let until) = action {
                        if let until { _ = state.condition.wait(until: until) } else { state.condition.wait() }
                    }
                    state.condition.unlock()
                    continue
                }
                state.condition.unlock()

                writePending()

                state.condition.lock()
                let (empty, exit, remaining) = state.machine.roundEnded()
                state.condition.unlock()
                for waiter in flushing + remaining { waiter.resume(returning: empty) }
                if exit {
                    keepers.forEach { $0.disconnect() }
                    helpers.forEach { $0.shutdown() }
                    return
                }
            }
        }

        /// Writes waiting segments, oldest first, until none is left or PostgreSQL fails: as many
        /// transactions at once as there are connections, each of up to `transactionRows` rows.
        private func writePending() {
            while true {
                let groups = claimGroups()
                guard !groups.isEmpty else { return }
                // A group whose segments all proved unreadable has nothing to write (they are out of the queue).
                let loaded = groups.map(load).filter { !$0.readable.isEmpty }
                guard !loaded.isEmpty else { continue }
                let outcomes = Outcomes(count: loaded.count)
                let started = Date()
                // The first group on this thread, the others on the helpers' threads: libpq blocks,
                // and dispatch's workers are the threads Swift's cooperative pool runs on.
                let finished = DispatchGroup()
                for index in loaded.indices.dropFirst() {
                    finished.enter()
                    let batches = loaded[index].batches
                    helpers[index - 1].submit { [self] _ in
                        outcomes.set(index, Result { try keepers[index].withConnection { try LedgerBatch.write(batches, on: $0) } })
                        finished.leave()
                    }
                }
                outcomes.set(0, Result { try keepers[0].withConnection { try LedgerBatch.write(loaded[0].batches, on: $0) } })
                finished.wait()
                let milliseconds = Date().timeIntervalSince(started) * 1000
                var failure: (any Error)?
                for (index, group) in loaded.enumerated() {
                    switch outcomes.get(index) {
                    case .success(let inserted):
                        finish(group.readable, inserted: inserted, rejected: 0, milliseconds: milliseconds)
                    case .failure(let error as PostgresError) where error.isDataProblem && failure == nil:
                        // Some row is refused as data: write the segments one by one, and their rows
                        // one by one where needed, keeping the refused rows aside.
                        if !salvage(group.readable, batches: group.batches) { return }
                    case .failure(let error):
                        failure = failure ?? error
                    }
                }
                if let failure {
                    failed(failure)
                    return
                }
            }
        }

        /// The oldest waiting segments in up to one group per connection: what is waiting (up to
        /// `transactionRows` per connection) shared evenly, except that a group is not made smaller
        /// than 1,000 rows (a transaction's fixed costs) nor larger than `transactionRows`.
        private func claimGroups() -> [[Pending]] {
            state.condition.lock()
            defer { state.condition.unlock() }
            let unknownSize = transactionRows / 4  // a segment read back from disk (its size is in its file)
            let most = keepers.count * transactionRows
            var waiting = 0
            for pending in state.machine.pending where waiting < most { waiting += pending.batch?.rows ?? unknownSize }
            let share = (min(waiting, most) + keepers.count - 1) / keepers.count
            let target = min(transactionRows, max(1_000, share))
            var groups: [[Pending]] = []
            var group: [Pending] = []
            var rows = 0
            for pending in state.machine.pending {
                let size = pending.batch?.rows ?? unknownSize
                if !group.isEmpty && rows + size > target {
                    groups.append(group)
                    if groups.count == keepers.count { return groups }
                    group = []
                    rows = 0
                }
                group.append(pending)
                rows += size
            }
            if !group.isEmpty { groups.append(group) }
            return groups
        }

        /// A group's batches, read from disk when they are no longer in memory. A segment that
        /// cannot be read is moved aside (`.rejected`) and out of the queue: retrying cannot mend it.
        private func load(_ group: [Pending]) -> (readable: [Pending], batches: [SpooledBatch]) {
            var readable: [Pending] = []
            var batches: [SpooledBatch] = []
            for pending in group {
                if let batch = pending.batch {
                    readable.append(pending)
                    batches.append(batch)
                    continue
                }
                do {
                    batches.append(
                        try spool.read(pending.segment) { line, problem in
                            logger.error(
                                "skipping an unreadable spooled record",
                                metadata: ["segment": "\(pending.segment.path)", "line": "\(line)", "error": "\(problem)"])
                        })
                    readable.append(pending)
                } catch {
                    logger.error(
                        "a spooled segment cannot be read; moved aside as .rejected",
                        metadata: ["segment": "\(pending.segment.path)", "error": "\(error)"])
                    spool.reject(pending.segment)
                    state.condition.lock()
                    state.machine.discard { $0.segment.sequence == pending.segment.sequence }
                    state.condition.unlock()
                }
            }
            return (readable, batches)
        }

        /// Writes `segments` one at a time; rows of a segment that fails as data are written one by
        /// one and the refused ones kept in a `.rejected` file. False when PostgreSQL failed otherwise.
        private func salvage(_ segments: [Pending], batches: [SpooledBatch]) -> Bool {
            for (pending, batch) in zip(segments, batches) {
                let started = Date()
                do {
                    let inserted = try keepers[0].withConnection { try LedgerBatch.write([batch], on: $0) }
                    finish([pending], inserted: inserted, rejected: 0, milliseconds: Date().timeIntervalSince(started) * 1000)
                    continue
                } catch let error as PostgresError where error.isDataProblem {
                    var inserted = 0
                    var refused: [SpooledBatch] = []
                    var reasons: [String] = []
                    for row in batch.splitByRow() {
                        do {
                            inserted += try keepers[0].withConnection { try LedgerBatch.write([row], on: $0) }
                        } catch let error as PostgresError where error.isDataProblem {
                            refused.append(row)
                            reasons.append("\(error)")
                        } catch {
                            failed(error)
                            return false
                        }
                    }
                    let kept = SpooledBatch(
                        usage: refused.flatMap(\.usage), rows: refused.count,
                        verdicts: refused.flatMap(\.verdicts), verdictCount: refused.reduce(0) { $0 + $1.verdictCount },
                        format: batch.format)
                    do {
                        try spool.reject(kept, of: pending.segment, reason: reasons.joined(separator: "\n"))
                    } catch {
                        logger.error("cannot keep refused usage rows aside; the segment stays spooled", metadata: ["error": "\(error)"])
                        failed(error)
                        return false
                    }
                    logger.error(
                        "PostgreSQL refused usage rows; kept aside for an operator",
                        metadata: [
                            "rows": "\(refused.count)", "file": "\(pending.segment.path).rejected",
                            "error": "\(reasons.first ?? "")",
                        ])
                    finish([pending], inserted: inserted, rejected: refused.count, milliseconds: Date().timeIntervalSince(started) * 1000)
                } catch {
                    failed(error)
                    return false
                }
            }
            return true
        }

        /// `group` is in PostgreSQL: delete its segments and count.
        private func finish(_ group: [Pending], inserted: Int, rejected: Int, milliseconds: Double) {
            for pending in group { spool.remove(pending.segment) }
            state.condition.lock()
            let written = Set(group.map(\.segment.sequence))
            state.machine.written { written.contains($0.segment.sequence) }
            let wasReachable = state.statistics.databaseReachable
            state.statistics.rowsWritten += inserted
            state.statistics.rowsRejected += rejected
            state.statistics.databaseReachable = true
            state.statistics.lastWriteMilliseconds = milliseconds
            state.statistics.lastError = nil
            state.condition.unlock()
            if !wasReachable {
                logger.notice("PostgreSQL is reachable again; writing spooled usage")
            }
        }

        /// PostgreSQL could not take the rows: keep them spooled and retry later.
        private func failed(_ error: any Error) {
            state.condition.lock()
            state.machine.writeFailed(now: Date(), delay: backoff.delay(attempt: state.machine.failures))
            // Drop the memory copies so a long outage does not grow the heap; the files remain.
            state.machine.updatePending { $0.batch = nil }
            let wasReachable = state.statistics.databaseReachable
            state.statistics.databaseReachable = false
            state.statistics.lastError = "\(error)"
            let waiting = state.machine.pending.count
            state.condition.unlock()
            if wasReachable {
                logger.warning(
                    "cannot write usage to PostgreSQL; spooling to disk until it is back",
                    metadata: ["error": "\(error)", "segments_waiting": "\(waiting)"])
            }
        }
    }

    /// The results of transactions run at once, each set by its own thread.
    private final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<Int, any Error>?]

        init(count: Int) { results = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ result: Result<Int, any Error>) {
            lock.withLock { results[index] = result }
        }

        func get(_ index: Int) -> Result<Int, any Error> {
            lock.withLock { results[index] ?? .failure(PostgresError(kind: .query, message: "no result")) }
        }
    }
}
