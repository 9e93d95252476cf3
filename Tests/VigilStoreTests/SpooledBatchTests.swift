import Foundation
import Testing
import VigilCore

@testable import VigilStore

struct SpooledBatchTests {
    @Test func copyTextEscapesEverythingThatWouldBreakARow() {
        var writer = CopyTextWriter()
        writer.field("a\tb\nc\rd\\e\u{0}f")
        writer.field(nil as String?)
        writer.field(-42)
        writer.field(Int64.min + 1)
        writer.field(true)
        writer.arrayField(["x", "y"])
        writer.endRow()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "a\\tb\\nc\\rd\\\\e\u{FFFD}f\t\\N\t-42\t-9223372036854775807\tt\t{x,y}\n")
    }

    @Test func aBatchSurvivesItsFileAndSplitsByRow() throws {
        let records = (0..<3).map { index in
            UsageRecord(
                requestID: "req-\(index)", timestamp: Date(timeIntervalSince1970: 1_790_000_000), clientID: "acme",
                sourceID: "group-1", sourceKind: "group", endpoint: "/e", statusCode: 200, model: "gemini-2.5-flash",
                usage: TokenUsage(promptTokens: 10, candidatesTokens: 2, totalTokens: 12), success: index != 1,
                durationMilliseconds: 5,
                verdicts: index == 1
                    ? []
                    : (0..<4).map { (quadrant: Int) in
                        CameraVerdict(
                            cameraID: "cam-\(quadrant)", quadrant: quadrant, incidentDetected: false, incidentType: "none",
                            description: "line one\nline two")
                    })
        }
        let batch = LedgerBatch.encode(records)
        #expect(batch.rows == 3 && batch.verdictCount == 8)
        let read = try SpooledBatch(fileContents: batch.fileContents)
        #expect(read.usage == batch.usage && read.verdicts == batch.verdicts && read.rows == 3 && read.verdictCount == 8)
        let rows = read.splitByRow()
        #expect(rows.map(\.verdictCount) == [4, 0, 4])
        #expect(rows.map(\.rows) == [1, 1, 1])
        #expect(rows.reduce(0) { $0 + $1.usage.count } == batch.usage.count)
    }

    @Test func aTruncatedFileIsNotABatch() {
        let batch = LedgerBatch.encode([
            UsageRecord(
                timestamp: Date(), clientID: "acme", sourceID: "c", sourceKind: "camera", endpoint: "/e",
                statusCode: nil, model: "m", usage: TokenUsage(), success: false, durationMilliseconds: 1)
        ])
        let contents = batch.fileContents
        #expect(throws: SpooledBatchError.self) { try SpooledBatch(fileContents: Array(contents.dropLast(3))) }
        #expect(throws: SpooledBatchError.self) { try SpooledBatch(fileContents: Array("something else\n".utf8)) }
    }

    /// A format-2 segment exactly as versions before migration 0009 wrote it (30 usage fields).
    static let formatTwoSegment =
        "vigil-usage-spool 2 rows=1 verdicts=1\n"
        + "0190d3b2-7c00-7000-8000-000000000001\t1790000000250000\tacme\tfloor\tgroup\t/v1beta/models/gemini-2.5-flash:generateContent\t"
        + "POST\t200\tgemini-2.5-flash\tgemini-2.5-flash\tresp-1\t345\t191\t80\t141\t0\t566\t258\tf\tt\t\\N\tSTOP\t2\t812\t"
        + "0.00060443\t7\t{11111111-2222-3333-4444-555555555555}\t4\t1536\t864\n"
        + "0190d3b2-7c00-7000-8000-000000000001\tc1\t0\tt\ttheft\t0.91\tbag\\tat till\t1920x1080\t1\t\\N\n"

    /// The record of ``formatTwoSegment``.
    static func formatTwoRecord() -> UsageRecord {
        var usage = TokenUsage(
            promptTokens: 345, cachedTokens: 191, candidatesTokens: 80, thoughtsTokens: 141, toolUsePromptTokens: 0,
            totalTokens: 566, promptDetails: [.init(modality: "IMAGE", tokens: 258)])
        usage.modelVersion = "gemini-2.5-flash"
        usage.responseID = "resp-1"
        return UsageRecord(
            requestID: "0190d3b2-7c00-7000-8000-000000000001", timestamp: Date(timeIntervalSince1970: 1_790_000_000.25),
            clientID: "acme", sourceID: "floor", sourceKind: "group", endpoint: "/v1beta/models/gemini-2.5-flash:generateContent",
            statusCode: 200, model: "gemini-2.5-flash", usage: usage, success: true, error: nil, finishReason: "STOP",
            attempt: 2, durationMilliseconds: 812, cost: Money("0.00060443"), priceID: 7,
            sessionIDs: [UUID(uuidString: "11111111-2222-3333-4444-555555555555")!], cameraCount: 4,
            imageWidth: 1536, imageHeight: 864,
            verdicts: [
                CameraVerdict(
                    cameraID: "c1", quadrant: 0, incidentDetected: true, incidentType: "theft",
                    confidence: "0.91", description: "bag\tat till", frameSize: "1920x1080", frameCount: 1,
                    analysisText: nil)
            ])
    }

    /// A format-3 segment exactly as versions before migration 0012 wrote it (33 usage fields): the
    /// format-2 fields, then the invalid-usage reason, the raw usage and the outcome.
    static let formatThreeSegment =
        "vigil-usage-spool 3 rows=1 verdicts=1\n"
        + "0190d3b2-7c00-7000-8000-000000000001\t1790000000250000\tacme\tfloor\tgroup\t/v1beta/models/gemini-2.5-flash:generateContent\t"
        + "POST\t200\tgemini-2.5-flash\tgemini-2.5-flash\tresp-1\t345\t191\t80\t141\t0\t566\t258\tf\tt\t\\N\tSTOP\t2\t812\t"
        + "0.00060443\t7\t{11111111-2222-3333-4444-555555555555}\t4\t1536\t864\tpromptTokenCount is -500\t{\"promptTokenCount\": -500}\t\\N\n"
        + "0190d3b2-7c00-7000-8000-000000000001\tc1\t0\tt\ttheft\t0.91\tbag\\tat till\t1920x1080\t1\t\\N\n"

    /// A format-4 segment (34 usage fields): the format-3 fields, then the cameras in the image, each
    /// quoted in the array literal (the group's third camera had no frame).
    static let formatFourSegment =
        "vigil-usage-spool 4 rows=1 verdicts=1\n"
        + "0190d3b2-7c00-7000-8000-000000000001\t1790000000250000\tacme\tfloor\tgroup\t/v1beta/models/gemini-2.5-flash:generateContent\t"
        + "POST\t200\tgemini-2.5-flash\tgemini-2.5-flash\tresp-1\t345\t191\t80\t141\t0\t566\t258\tf\tt\t\\N\tSTOP\t2\t812\t"
        + "0.00060443\t7\t{11111111-2222-3333-4444-555555555555}\t4\t1536\t864\tpromptTokenCount is -500\t{\"promptTokenCount\": -500}\t\\N\t"
        + "{\"c1\",\"c2\",\"c4\"}\n"
        + "0190d3b2-7c00-7000-8000-000000000001\tc1\t0\tt\ttheft\t0.91\tbag\\tat till\t1920x1080\t1\t\\N\n"

    /// A format-5 segment: format 4's usage fields, and the verdict's evidence picture after its
    /// analysis text.
    static let formatFiveSegment =
        "vigil-usage-spool 5 rows=1 verdicts=1\n"
        + "0190d3b2-7c00-7000-8000-000000000001\t1790000000250000\tacme\tfloor\tgroup\t/v1beta/models/gemini-2.5-flash:generateContent\t"
        + "POST\t200\tgemini-2.5-flash\tgemini-2.5-flash\tresp-1\t345\t191\t80\t141\t0\t566\t258\tf\tt\t\\N\tSTOP\t2\t812\t"
        + "0.00060443\t7\t{11111111-2222-3333-4444-555555555555}\t4\t1536\t864\tpromptTokenCount is -500\t{\"promptTokenCount\": -500}\t\\N\t"
        + "{\"c1\",\"c2\",\"c4\"}\n"
        + "0190d3b2-7c00-7000-8000-000000000001\tc1\t0\tt\ttheft\t0.91\tbag\\tat till\t1920x1080\t1\t\\N\t/var/lib/vigil/evidence/2026-09-21/0190d3b2.jpg\n"

    /// A format-6 segment: format 5's, and after the cameras the tier that served the call, the one
    /// it asked for, the cluster node and its lease's epoch.
    static let formatSixSegment = formatFiveSegment.replacingOccurrences(of: "spool 5 rows", with: "spool 6 rows")
        .replacingOccurrences(of: "{\"c1\",\"c2\",\"c4\"}\n", with: "{\"c1\",\"c2\",\"c4\"}\tflex\tflex\tnode-a\t7\n")

    /// The record of ``formatSixSegment``: asked for flex and served at flex.
    static func formatSixRecord() -> UsageRecord {
        var record = formatFiveRecord()
        record.usage.serviceTier = "flex"
        record.requestedTier = .flex
        record.node = "node-a"
        record.leaseEpoch = 7
        return record
    }

    /// The record of ``formatFiveSegment``.
    static func formatFiveRecord() -> UsageRecord {
        var record = formatFourRecord()
        record.verdicts[0].evidencePath = "/var/lib/vigil/evidence/2026-09-21/0190d3b2.jpg"
        return record
    }

    /// The record of ``formatFourSegment``.
    static func formatFourRecord() -> UsageRecord {
        var record = formatTwoRecord()
        record.usage.invalidReason = "promptTokenCount is -500"
        record.usage.rawUsageMetadata = #"{"promptTokenCount": -500}"#
        record.cameraIDs = ["c1", "c2", "c4"]
        return record
    }

    /// The field order is the spool format: format 3 is format 2's 30 fields, then the invalid-usage
    /// reason, the raw usage and the outcome; format 4 adds the cameras in the image, format 5 a
    /// verdict's evidence. This version writes format 5, byte for byte, and a segment of any format
    /// reads back as written.
    @Test func segmentsOfEachFormatKeepTheirColumnOrder() throws {
        let segments = [
            (2, Self.formatTwoSegment), (3, Self.formatThreeSegment), (4, Self.formatFourSegment), (5, Self.formatFiveSegment),
            (6, Self.formatSixSegment),
        ]
        for (format, segment) in segments {
            let batch = try SpooledBatch(fileContents: Array(segment.utf8))
            #expect(batch.format == format && batch.rows == 1 && batch.verdictCount == 1)
            #expect(String(decoding: batch.fileContents, as: UTF8.self) == segment)
            let fields = batch.usage.split(separator: 0x0A)[0].split(separator: 0x09, omittingEmptySubsequences: false)
            #expect(fields.count == LedgerBatch.usageColumnCount[format])
            let verdictFields = batch.verdicts.split(separator: 0x0A)[0].split(separator: 0x09, omittingEmptySubsequences: false)
            #expect(verdictFields.count == LedgerBatch.verdictColumnCount[format])
        }
        #expect(LedgerBatch.usageColumns.count == LedgerBatch.usageColumnCount[SpooledBatch.currentFormat])
        #expect(LedgerBatch.verdictColumns.count == LedgerBatch.verdictColumnCount[SpooledBatch.currentFormat])

        let written = String(decoding: LedgerBatch.encode([Self.formatSixRecord()]).fileContents, as: UTF8.self)
        #expect(written == Self.formatSixSegment)
        #expect(throws: SpooledBatchError.self) {
            try SpooledBatch(fileContents: Array(Self.formatTwoSegment.replacingOccurrences(of: "spool 2 rows", with: "spool 9 rows").utf8))
        }
    }

    /// Camera ids are quoted in the array literal: any text is one element, whole.
    @Test func cameraIDsAreQuotedInTheirArray() {
        var writer = CopyTextWriter()
        writer.quotedArrayField([#"a,b"#, #"q"u\o{t}e"#, "tab\there", ""])
        writer.quotedArrayField([])
        writer.endRow()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a,b","q\\"u\\\\o{t}e","tab\there",""}"# + "\t{}\n")
    }

    /// A record spooled as JSON before ``UsageRecord/cameraIDs`` existed decodes with none (unknown).
    @Test func aRecordWithoutCameraIDsDecodesWithNone() throws {
        var record = Self.formatTwoRecord()
        record.cameraIDs = ["c1"]
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        #expect(try decoder.decode(UsageRecord.self, from: encoder.encode(record)) == record)
        var object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(record)) as? [String: Any])
        #expect(object.removeValue(forKey: "cameraIDs") != nil)
        let old = try decoder.decode(UsageRecord.self, from: JSONSerialization.data(withJSONObject: object))
        record.cameraIDs = []
        #expect(old == record)
    }
}
