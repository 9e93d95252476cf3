import Foundation
import VigilCore

/// Usage records waiting on disk to be written to PostgreSQL: append-only segment files, fsync'd.
///
/// Each batch becomes one segment file `NNNNNNNNNNNNNNNNNNNN.spool` (a ``SpooledBatch``: COPY
/// text rows under a header), written under a temporary name, fsync'd, renamed, and the directory
/// fsync'd, so a segment is either complete on disk or absent. Segments are replayed oldest first
/// and deleted once written. Segments of earlier versions (`.jsonl`, one JSON record a line) are
/// still read. A segment that cannot be read, or rows PostgreSQL refuses, are moved aside as
/// `.rejected` files for an operator, never deleted.
///
/// ``append(_:)`` is called from one thread (the ledger's spooler); the other methods touch only
/// the file they are given and may be called from another (the ledger's writer).
final class UsageSpool: @unchecked Sendable {
    /// A segment on disk.
    struct Segment {
        var sequence: UInt64
        var path: String
        /// Whether it is in the format of earlier versions (JSON lines).
        var isLegacy: Bool { path.hasSuffix(".jsonl") }
    }

    let directory: String
    private var nextSequence: UInt64
    private let decoder = JSONDecoder()

    /// Opens (creating, mode 0700) the spool directory and finds the segments already waiting.
    init(directory: String) throws(SpoolError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SpoolError(
                directory: directory, reason: "cannot be created (\(error.localizedDescription)); create it writable by the vigil user")
        }
        guard access(directory, W_OK) == 0 else {
            throw SpoolError(directory: directory, reason: "is not writable; make it writable by the vigil user")
        }
        decoder.dateDecodingStrategy = .custom { decoder in
            let micros = try decoder.singleValueContainer().decode(Int64.self)
            return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        }
        nextSequence = 1
        // Leftover temporary files are batches whose callers never heard "durable": remove them.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".tmp") {
            unlink(directory + "/" + name)
        }
        nextSequence = (segments().last?.sequence ?? 0) + 1
    }

    // MARK: Intents

    /// Where the intents of calls in flight wait, beside the segments: `<request id>.intent`, each a
    /// one-row batch, the row the call becomes if its answer is never recorded.
    var intentsDirectory: String { directory }

    /// Makes `intent` (a one-row batch) durable before its call goes on the wire: written under a
    /// temporary name, fsync'd, renamed, the folder fsync'd. May be called from any thread.
    func writeIntent(_ intent: SpooledBatch, requestID: String) throws(SpoolError) {
        let path = intentPath(requestID)
        if let failure = Self.writeDurably(intent.fileContents, to: path + ".tmp") {
            unlink(path + ".tmp")
            throw SpoolError(directory: directory, reason: "cannot write a call's intent: \(failure)")
        }
        guard rename(path + ".tmp", path) == 0 else {
            let failure = String(cString: strerror(errno))
            unlink(path + ".tmp")
            throw SpoolError(directory: directory, reason: "cannot write a call's intent: \(failure)")
        }
        Self.syncDirectory(intentsDirectory)
    }

    /// Removes the intent of a call whose record is spooled (or that never went on the wire). Not
    /// synced: an intent that reappears after a crash finds its record and is dropped.
    func removeIntent(requestID: String) {
        unlink(intentPath(requestID))
    }

    /// Intents left by a run that ended with calls in flight: each becomes a segment of its own
    /// (queued after every segment already waiting, so a completion spooled before it is written
    /// first and the intent's row, on the same request id, is then the duplicate dropped), unless a
    /// waiting segment already holds its completion. Returns how many became segments. Call before
    /// the ledger's threads start.
    func recoverIntents(invalid: (String, String) -> Void) -> Int {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: intentsDirectory)) ?? []).filter { $0.hasSuffix(".intent") }
            .sorted()
        guard !names.isEmpty else { return 0 }
        // Request ids of the records already waiting, read from the segments' usage lines.
        var spooled = Set<String>()
        for segment in segments() {
            guard let batch = try? read(segment, invalid: { _, _ in }) else { continue }
            for line in batch.usage.split(separator: 0x0A) {
                spooled.insert(String(decoding: SpooledBatch.firstField(line), as: UTF8.self))
            }
        }
        var recovered = 0
        for name in names {
            let path = intentsDirectory + "/" + name
            let requestID = String(name.dropLast(".intent".count))
            do {
                guard let data = FileManager.default.contents(atPath: path) else { throw SpooledBatchError(reason: "cannot be read") }
                let intent = try SpooledBatch(fileContents: [UInt8](data))
                if !spooled.contains(requestID) {
                    _ = try append(intent)
                    recovered += 1
                }
                unlink(path)
            } catch {
                invalid(path, "\(error)")
                rename(path, path + ".rejected")
            }
        }
        Self.syncDirectory(intentsDirectory)
        return recovered
    }

    /// `<request id>.intent`; a request id is a UUID, anything else in it is replaced.
    private func intentPath(_ requestID: String) -> String {
        let safe = String(
            requestID.unicodeScalars.map {
                ("0"..."9").contains($0) || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "-" ? Character($0) : "_"
            })
        return intentsDirectory + "/" + safe + ".intent"
    }

    /// The waiting segments, oldest first.
    func segments() -> [Segment] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> Segment? in
            guard name.hasSuffix(".spool") || name.hasSuffix(".jsonl"), let sequence = UInt64(name.dropLast(6)) else { return nil }
            return Segment(sequence: sequence, path: directory + "/" + name)
        }.sorted { $0.sequence < $1.sequence }
    }

    /// Writes `batch` as a new segment and makes it durable before returning.
    func append(_ batch: SpooledBatch) throws(SpoolError) -> Segment {
        let sequence = nextSequence
        nextSequence += 1
        let path = directory + "/" + String(repeating: "0", count: max(0, 20 - String(sequence).count)) + String(sequence) + ".spool"
        let temporary = path + ".tmp"
        if let failure = Self.writeDurably(batch.fileContents, to: temporary) {
            unlink(temporary)
            throw SpoolError(directory: directory, reason: "cannot write a segment: \(failure)")
        }
        if rename(temporary, path) != 0 {
            let failure = String(cString: strerror(errno))
            unlink(temporary)
            throw SpoolError(directory: directory, reason: "cannot write a segment: \(failure)")
        }
        syncDirectory()
        return Segment(sequence: sequence, path: path)
    }

    /// Reads a segment. Legacy JSON lines that do not decode are reported through `invalid` and
    /// kept, as they were, in `<segment>.rejected` (the reasons in `.rejected.reason`) before the
    /// readable ones are returned: unreadable data is never deleted.
    ///
    /// - Throws: ``SpooledBatchError`` when the file is missing or not a complete segment, or when
    ///   unreadable lines cannot be kept aside (the segment then stays as it is).
    func read(_ segment: Segment, invalid: (Int, String) -> Void) throws(SpooledBatchError) -> SpooledBatch {
        guard let data = FileManager.default.contents(atPath: segment.path) else {
            throw SpooledBatchError(reason: "cannot be read: \(String(cString: strerror(errno)))")
        }
        guard segment.isLegacy else { return try SpooledBatch(fileContents: [UInt8](data)) }
        var records: [UsageRecord] = []
        var unreadable: [UInt8] = []
        var reasons = ""
        for (index, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            do {
                records.append(try decoder.decode(UsageRecord.self, from: Data(line)))
            } catch {
                invalid(index + 1, "\(error)")
                unreadable += line
                unreadable.append(0x0A)
                reasons += "line \(index + 1): \(error)\n"
            }
        }
        if !unreadable.isEmpty {
            let kept = segment.path + ".rejected"
            if let failure = Self.writeDurably(unreadable, to: kept) ?? Self.writeDurably(Array(reasons.utf8), to: kept + ".reason") {
                throw SpooledBatchError(reason: "its unreadable lines cannot be kept aside: \(failure)")
            }
            syncDirectory()
        }
        return LedgerBatch.encode(records)
    }

    /// Deletes a segment whose records are all in the database.
    func remove(_ segment: Segment) {
        unlink(segment.path)
    }

    /// Moves a segment that cannot be read aside (`.rejected`), keeping it for an operator.
    func reject(_ segment: Segment) {
        rename(segment.path, segment.path + ".rejected")
        syncDirectory()
    }

    /// Keeps rows PostgreSQL refused in `<segment>.rejected` (a segment file of their own, with the
    /// reason in a `.reason` file beside it), durably, so the segment itself can be deleted.
    func reject(_ rows: SpooledBatch, of segment: Segment, reason: String) throws(SpoolError) {
        let path = segment.path.replacingOccurrences(of: ".jsonl", with: ".spool") + ".rejected"
        if let failure = Self.writeDurably(rows.fileContents, to: path)
            ?? Self.writeDurably(Array((reason + "\n").utf8), to: path + ".reason")
        {
            throw SpoolError(directory: directory, reason: "cannot keep rejected rows: \(failure)")
        }
        syncDirectory()
    }

    /// Why the spool cannot take records now, or nil when it can: its directory must be writable, a
    /// file must be writable and syncable in it (`probe`, only when a write failed before), and its
    /// file system must keep `reserveBytes` free. Blocks on the disk: call it off the cooperative pool.
    func problem(reserveBytes: UInt64, probe: Bool) -> String? {
        guard access(directory, W_OK) == 0 else { return "the spool directory is not writable (\(String(cString: strerror(errno))))" }
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return "the spool's file system cannot be read (\(String(cString: strerror(errno))))" }
        let (free, overflow) = UInt64(stats.f_bavail).multipliedReportingOverflow(by: UInt64(stats.f_frsize))
        if !overflow && free < reserveBytes {
            return "the spool's file system has \(free / 1_048_576) MiB free, below the reserve of \(reserveBytes / 1_048_576) MiB"
        }
        if probe {
            let path = directory + "/probe.tmp"
            defer { unlink(path) }
            if let failure = Self.writeDurably(Array(repeating: 0, count: 4096), to: path) {
                return "a file cannot be written in the spool (\(failure))"
            }
        }
        return nil
    }

    private static func writeDurably(_ bytes: [UInt8], to path: String) -> String? {
        DurableFile.write(bytes, to: path)
    }

    private func syncDirectory() {
        DurableFile.syncDirectory(directory)
    }

    private static func syncDirectory(_ path: String) {
        DurableFile.syncDirectory(path)
    }
}

/// The spool directory could not be used.
package struct SpoolError: Error, Sendable, CustomStringConvertible {
    package var directory: String
    package var reason: String
    package var description: String { "usage spool \(directory) \(reason)" }
}
