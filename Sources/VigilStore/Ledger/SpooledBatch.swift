import Foundation

/// Usage records in the form both the spool and PostgreSQL take: COPY text rows for the usage
/// table and for the verdicts, one row a line (see ``CopyTextWriter``).
///
/// On disk a batch is a header line, `vigil-usage-spool 6 rows=N verdicts=M`, followed by the N
/// usage lines and the M verdict lines; the writer sends those bytes to `COPY` as they are, so a
/// spooled record is encoded once. A verdict line's first field is its call's `request_id`. The
/// number after the magic word is the format: which of ``LedgerBatch/usageColumns`` a usage line
/// holds (format 2: the first 30; format 3 added the invalid-usage columns, format 4 the cameras in
/// the image; format 5 the evidence path of a verdict, the last field of a verdict line; format 6
/// the tier that served the call and the one it asked for). Every
/// format ever written is read.
struct SpooledBatch {
    /// Usage rows (one per line).
    var usage: [UInt8]
    /// Verdict rows (one per line), of the same calls.
    var verdicts: [UInt8]
    /// Number of usage rows.
    var rows: Int
    /// Number of verdict rows.
    var verdictCount: Int
    /// The format of the usage lines (see ``LedgerBatch/usageColumnCount``).
    var format: Int

    /// The format this version writes.
    static let currentFormat = 6
    static let magic = "vigil-usage-spool"

    /// The file's contents: header, usage rows, verdict rows.
    var fileContents: [UInt8] {
        var contents = Array("\(Self.magic) \(format) rows=\(rows) verdicts=\(verdictCount)\n".utf8)
        contents.reserveCapacity(contents.count + usage.count + verdicts.count)
        contents += usage
        contents += verdicts
        return contents
    }

    init(usage: [UInt8], rows: Int, verdicts: [UInt8], verdictCount: Int, format: Int = currentFormat) {
        self.usage = usage
        self.rows = rows
        self.verdicts = verdicts
        self.verdictCount = verdictCount
        self.format = format
    }

    /// Parses a file written by ``fileContents``.
    ///
    /// - Throws: ``SpooledBatchError`` when the header is not a spool header or the line counts
    ///   disagree with it (a file that is not a complete segment).
    init(fileContents contents: [UInt8]) throws(SpooledBatchError) {
        guard let headerEnd = contents.firstIndex(of: 0x0A) else { throw SpooledBatchError(reason: "no header line") }
        let header = String(decoding: contents[..<headerEnd], as: UTF8.self)
        let parts = header.split(separator: " ")
        guard header.hasPrefix(Self.magic + " "), parts.count == 4,
            let format = Int(parts[1]), LedgerBatch.usageColumnCount[format] != nil,
            parts[2].hasPrefix("rows="), let rows = Int(parts[2].dropFirst(5)), rows >= 0,
            parts[3].hasPrefix("verdicts="), let verdictCount = Int(parts[3].dropFirst(9)), verdictCount >= 0
        else {
            throw SpooledBatchError(reason: "unrecognised header \"\(header.prefix(80))\"")
        }
        let body = contents[(headerEnd + 1)...]
        var lines = 0
        var split = body.startIndex
        for index in body.indices where body[index] == 0x0A {
            lines += 1
            if lines == rows { split = index + 1 }
        }
        guard lines == rows + verdictCount, body.isEmpty || body.last == 0x0A else {
            throw SpooledBatchError(reason: "header announces \(rows) + \(verdictCount) lines but the file has \(lines)")
        }
        self.rows = rows
        self.verdictCount = verdictCount
        self.format = format
        self.usage = Array(body[body.startIndex..<(rows == 0 ? body.startIndex : split)])
        self.verdicts = Array(body[(rows == 0 ? body.startIndex : split)...])
    }

    /// One batch per usage row, each with that call's verdicts: to find the rows that fail.
    func splitByRow() -> [SpooledBatch] {
        var verdictsByRequest: [ArraySlice<UInt8>: [ArraySlice<UInt8>]] = [:]
        for line in verdicts.split(separator: 0x0A) {
            verdictsByRequest[Self.firstField(line), default: []].append(line)
        }
        return usage.split(separator: 0x0A).map { line in
            let own = verdictsByRequest[Self.firstField(line)] ?? []
            return SpooledBatch(
                usage: Array(line) + [0x0A], rows: 1,
                verdicts: own.flatMap { Array($0) + [0x0A] }, verdictCount: own.count, format: format)
        }
    }

    /// The first field of a COPY text line (the `request_id`).
    static func firstField(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line[line.startIndex..<(line.firstIndex(of: 0x09) ?? line.endIndex)]
    }
}

/// A spool file that is not a complete batch.
struct SpooledBatchError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
