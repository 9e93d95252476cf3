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
            UsageRecord(requestID: "req-\(index)", timestamp: Date(timeIntervalSince1970: 1_790_000_000), clientID: "acme",
                        sourceID: "group-1", sourceKind: "group", endpoint: "/e", statusCode: 200, model: "gemini-2.5-flash",
                        usage: TokenUsage(promptTokens: 10, candidatesTokens: 2, totalTokens: 12), success: index != 1,
                        durationMilliseconds: 5,
                        verdicts: index == 1 ? [] : (0..<4).map { (quadrant: Int) in
                            CameraVerdict(cameraID: "cam-\(quadrant)", quadrant: quadrant, incidentDetected: false, incidentType: "none",
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
        let batch = LedgerBatch.encode([UsageRecord(timestamp: Date(), clientID: "acme", sourceID: "c", sourceKind: "camera", endpoint: "/e",
                                                    statusCode: nil, model: "m", usage: TokenUsage(), success: false, durationMilliseconds: 1)])
        let contents = batch.fileContents
        #expect(throws: SpooledBatchError.self) { try SpooledBatch(fileContents: Array(contents.dropLast(3))) }
        #expect(throws: SpooledBatchError.self) { try SpooledBatch(fileContents: Array("something else\n".utf8)) }
    }
}
