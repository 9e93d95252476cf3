import Foundation
import VigilCore

/// Usage records waiting on disk to be written to PostgreSQL: append-only segment files, fsync'd.
///
/// Each batch becomes one segment file `NNNNNNNNNNNNNNNNNNNN.jsonl` (one JSON record a line),
/// written under a temporary name, fsync'd, renamed, and the directory fsync'd, so a segment is
/// either complete on disk or absent. Segments are replayed oldest first and deleted once written.
/// Used by one thread only (the ledger's).
final class UsageSpool {
    /// A segment on disk and how many records it holds.
    struct Segment {
        var sequence: UInt64
        var path: String
        var count: Int
    }

    let directory: String
    private var nextSequence: UInt64
    private let encoder: JSONEncoder
    private let decoder = JSONDecoder()

    /// Opens (creating, mode 0700) the spool directory and finds the segments already waiting.
    init(directory: String) throws(SpoolError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SpoolError(directory: directory, reason: "cannot be created (\(error.localizedDescription)); create it writable by the vigil user")
        }
        guard access(directory, W_OK) == 0 else {
            throw SpoolError(directory: directory, reason: "is not writable; make it writable by the vigil user")
        }
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
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

    /// The waiting segments, oldest first (record counts are not read: `count` is 0).
    func segments() -> [Segment] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> Segment? in
            guard name.hasSuffix(".jsonl"), let sequence = UInt64(name.dropLast(6)) else { return nil }
            return Segment(sequence: sequence, path: directory + "/" + name, count: 0)
        }.sorted { $0.sequence < $1.sequence }
    }

    /// Writes `records` as a new segment and makes it durable before returning.
    func append(_ records: [UsageRecord]) throws(SpoolError) -> Segment {
        var data = Data()
        do {
            for record in records {
                data.append(try encoder.encode(record))
                data.append(0x0A)
            }
        } catch {
            throw SpoolError(directory: directory, reason: "cannot encode a record: \(error)")
        }
        let sequence = nextSequence
        nextSequence += 1
        let name = String(repeating: "0", count: max(0, 20 - String(sequence).count)) + String(sequence) + ".jsonl"
        let path = directory + "/" + name
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SpoolError(directory: directory, reason: "cannot create a segment: \(String(cString: strerror(errno)))") }
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw SpoolError(directory: directory, reason: "cannot write a segment: \(failure)")
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return Segment(sequence: sequence, path: path, count: records.count)
    }

    /// Reads a segment's records. Lines that do not decode are skipped and reported through `invalid`.
    func read(_ segment: Segment, invalid: (Int, String) -> Void) -> [UsageRecord] {
        guard let data = FileManager.default.contents(atPath: segment.path) else { return [] }
        var records: [UsageRecord] = []
        for (index, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            do {
                records.append(try decoder.decode(UsageRecord.self, from: Data(line)))
            } catch {
                invalid(index + 1, "\(error)")
            }
        }
        return records
    }

    /// Deletes a segment whose records are all in the database.
    func remove(_ segment: Segment) {
        unlink(segment.path)
    }

    /// Moves a segment that cannot be written aside (`.rejected`), keeping it for an operator.
    func reject(_ segment: Segment) {
        rename(segment.path, segment.path + ".rejected")
    }
}

/// The spool directory could not be used.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    public var directory: String
    public var reason: String
    public var description: String { "usage spool \(directory) \(reason)" }
}
