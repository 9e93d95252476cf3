import Foundation
import Logging
import Testing
import VigilBilling
import VigilCore
import VigilTestSupport

@testable import VigilStore

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"))
struct LedgerTests {
    static func sampleRecord(index: Int, requestID: String? = nil, model: String = "gemini-2.5-flash", description: String = "quiet")
        -> UsageRecord
    {
        UsageRecord(
            requestID: requestID ?? "req-\(index)-\(UUID().uuidString.prefix(8))",
            timestamp: Date(timeIntervalSince1970: 1_790_000_000 + Double(index) * 0.5),
            clientID: "acme", sourceID: "cam-\(index % 5)", sourceKind: "camera",
            endpoint: "/v1beta/models/\(model):generateContent", statusCode: 200, model: model,
            usage: TokenUsage(
                promptTokens: 1300, candidatesTokens: 60, thoughtsTokens: 0, totalTokens: 1360,
                promptDetails: [.init(modality: "IMAGE", tokens: 258), .init(modality: "TEXT", tokens: 1042)],
                modelVersion: model, responseID: "resp-\(index)"),
            success: true, durationMilliseconds: 800, sessionIDs: [UUID()], cameraCount: 1, imageWidth: 768, imageHeight: 432,
            verdicts: [
                CameraVerdict(
                    cameraID: "cam-\(index % 5)", incidentDetected: false, incidentType: "none", confidence: "0.9",
                    description: description, frameSize: "1920x1080")
            ])
    }

    static func migratedDatabase(on base: String? = TestEnvironment.databaseURL) async throws -> TestDatabase {
        let database = try await TestDatabase.create(on: base)
        try await Migrator(client: DatabaseClient(connectionString: database.url)).migrate()
        return database
    }

    static func spoolDirectory() -> String { NSTemporaryDirectory() + "vigil-spool-" + UUID().uuidString }

    @Test func recordsAreWrittenWithTheirVerdictsAndCostedFromThePriceBook() async throws {
        let database = try await Self.migratedDatabase()
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: Self.spoolDirectory(), logger: Logger(label: "test"))
        try await ledger.record((0..<10).map { Self.sampleRecord(index: $0) })
        #expect(await ledger.close())
        #expect(try await database.psql("SELECT count(*) FROM api_usage") == "10")
        #expect(try await database.psql("SELECT count(*) FROM analyses") == "10")
        // 1300 × 0.30 + 60 × 2.50 per million = 0.00054 exactly, under the seeded gemini-2.5-flash price.
        #expect(
            try await database.psql("SELECT DISTINCT cost::text || '|' || unpriced || '|' || (price_id IS NOT NULL) FROM api_usage")
                == "0.00054000|false|true")
        #expect(try await database.psql("SELECT DISTINCT c.code FROM api_usage u JOIN clients c ON c.id = u.client_id") == "acme")
        #expect(ledger.statistics.rowsWritten == 10)
    }

    @Test func theSameRequestIDTwiceIsOneRow() async throws {
        let database = try await Self.migratedDatabase()
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: Self.spoolDirectory(), logger: Logger(label: "test"))
        let record = Self.sampleRecord(index: 1, requestID: "fixed-request-id")
        try await ledger.record(record)
        #expect(await ledger.flush())
        try await ledger.record([record, record])
        #expect(await ledger.close())
        #expect(try await database.psql("SELECT count(*) FROM api_usage WHERE request_id = 'fixed-request-id'") == "1")
        #expect(try await database.psql("SELECT count(*) FROM analyses WHERE request_id = 'fixed-request-id'") == "1")
    }

    @Test func anUnpricedModelIsFlaggedNotZero() async throws {
        let database = try await Self.migratedDatabase()
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: Self.spoolDirectory(), logger: Logger(label: "test"))
        try await ledger.record(Self.sampleRecord(index: 1, model: "gemini-9-ultra"))
        #expect(await ledger.close())
        #expect(try await database.psql("SELECT coalesce(cost::text, 'NULL') || '|' || unpriced FROM api_usage") == "NULL|true")
    }

    @Test func hostileTextArrivesIntact() async throws {
        let database = try await Self.migratedDatabase()
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: Self.spoolDirectory(), logger: Logger(label: "test"))
        let hostile = #"It's "fine"; '); DROP TABLE api_usage; -- \ \n \N {"json": [1,2]} ünïcödé 🚨"# + "\ttab\nnewline\r\n\\.\n"
        var record = Self.sampleRecord(index: 7, description: hostile)
        record.error = hostile
        try await ledger.record(record)
        #expect(await ledger.close())
        // Compared as hex: psql's output would blur the tab, newlines and carriage return.
        let hex = hostile.utf8.map { String(format: "%02x", $0) }.joined()
        #expect(try await database.psql("SELECT encode(convert_to(error, 'UTF8'), 'hex') FROM api_usage") == hex)
        #expect(try await database.psql("SELECT encode(convert_to(description, 'UTF8'), 'hex') FROM analyses") == hex)
    }

    @Test func recordsSurviveAPostgreSQLRestartExactlyOnce() async throws {
        let cluster = try await PrivateCluster.start()
        let database = try await Self.migratedDatabase(on: cluster.url)
        let spool = Self.spoolDirectory()
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: spool, batchSize: 200, logger: Logger(label: "test"))
        // Writes in chunks of 25, as a daemon's calls arrive a few at a time; the server goes away
        // after 3,000 rows and comes back after 7,000.
        var stopped = false
        for chunk in stride(from: 0, to: 10_000, by: 25) {
            if chunk == 3_000 {
                try await cluster.stop()
                stopped = true
            }
            if chunk == 7_000 {
                #expect(ledger.statistics.databaseReachable == false)
                try await cluster.start()
                stopped = false
            }
            try await ledger.record((chunk..<chunk + 25).map { Self.sampleRecord(index: $0) })
        }
        #expect(!stopped)
        #expect(await ledger.close())
        #expect(try await database.psql("SELECT count(*), count(DISTINCT request_id) FROM api_usage") == "10000|10000")
        #expect(try await database.psql("SELECT count(*) FROM analyses") == "10000")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: spool)
        #expect(leftovers.isEmpty)
    }

    @Test func spooledRecordsAreReplayedByTheNextStart() async throws {
        let cluster = try await PrivateCluster.start()
        let database = try await Self.migratedDatabase(on: cluster.url)
        let spool = Self.spoolDirectory()
        try await cluster.stop()
        let first = try UsageLedger(connectionString: database.url, spoolDirectory: spool, logger: Logger(label: "test"))
        try await first.record((0..<50).map { Self.sampleRecord(index: $0) })
        #expect(await first.close() == false)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool).count >= 1)

        try await cluster.start()
        let second = try UsageLedger(connectionString: database.url, spoolDirectory: spool, logger: Logger(label: "test"))
        #expect(await second.close())
        #expect(try await database.psql("SELECT count(*) FROM api_usage") == "50")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool).isEmpty)
    }

    @Test func segmentsSpooledByAnEarlierVersionAreReplayed() async throws {
        // Versions before the COPY format spooled one JSON record a line (`.jsonl`).
        let database = try await Self.migratedDatabase()
        let spool = Self.spoolDirectory()
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
        }
        let records = (0..<3).map { Self.sampleRecord(index: $0) }
        var lines = try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        lines.insert("{not a record", at: 1)
        try (lines.joined(separator: "\n") + "\n").write(toFile: spool + "/00000000000000000007.jsonl", atomically: true, encoding: .utf8)

        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: spool, logger: Logger(label: "test"))
        try await ledger.record(Self.sampleRecord(index: 9))
        #expect(await ledger.close())
        #expect(try await database.psql("SELECT count(*) FROM api_usage") == "4")
        #expect(
            try await database.psql("SELECT request_id FROM api_usage WHERE request_id = '\(records[2].requestID)'") == records[2].requestID
        )
        // The line that does not read is kept for an operator, never deleted.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: spool).sorted()
                == ["00000000000000000007.jsonl.rejected", "00000000000000000007.jsonl.rejected.reason"])
        let kept = try String(contentsOfFile: spool + "/00000000000000000007.jsonl.rejected", encoding: .utf8)
        #expect(kept == "{not a record\n")
        let reason = try String(contentsOfFile: spool + "/00000000000000000007.jsonl.rejected.reason", encoding: .utf8)
        #expect(reason.hasPrefix("line 2: "))
    }

    /// A segment spooled before migration 0009 (format 2, 30 fields) is copied into its own columns.
    @Test func aFormatTwoSegmentIsReplayedIntoItsColumns() async throws {
        let database = try await Self.migratedDatabase()
        let spool = Self.spoolDirectory()
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        try SpooledBatchTests.formatTwoSegment.write(toFile: spool + "/00000000000000000005.spool", atomically: true, encoding: .utf8)
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: spool, logger: Logger(label: "test"))
        try await ledger.record(Self.sampleRecord(index: 1))
        #expect(await ledger.close())
        #expect(
            try await database.psql(
                "SELECT image_width, image_height, cost, prompt_tokens, usage_invalid IS NULL, raw_usage IS NULL FROM api_usage WHERE request_id = '0190d3b2-7c00-7000-8000-000000000001'"
            ) == "1536|864|0.00060443|345|t|t")
        #expect(try await database.psql("SELECT count(*) FROM api_usage") == "2")
        #expect(try await database.psql("SELECT description FROM analyses WHERE camera_id = 'c1'") == "bag\tat till")
    }

    /// Usage that cannot be true is a row all the same, with its reason and raw text, no tokens and
    /// no cost: not priced, not unpriced, counted as invalid in the hourly rollup.
    @Test func invalidUsageIsARowWithoutCostCountedAsInvalid() async throws {
        let database = try await Self.migratedDatabase()
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: Self.spoolDirectory(), logger: Logger(label: "test"))
        var record = Self.sampleRecord(index: 0)
        record.usage = TokenUsage()
        record.usage.invalidReason = "promptTokenCount is -500"
        record.usage.rawUsageMetadata = #"{"promptTokenCount": -500}"#
        record.cost = nil
        record.priceID = nil
        try await ledger.record([record, Self.sampleRecord(index: 1)])
        #expect(await ledger.close())
        #expect(
            try await database.psql(
                "SELECT usage_invalid, raw_usage, cost IS NULL, unpriced, prompt_tokens FROM api_usage WHERE request_id = '\(record.requestID)'"
            )
                == #"promptTokenCount is -500|{"promptTokenCount": -500}|t|f|0"#)
        #expect(try await database.psql("SELECT sum(calls), sum(invalid), sum(unpriced) FROM usage_hourly") == "2|1|0")
    }

    /// An operator's correction gives an invalid row the counts it really had: it is costed like a
    /// valid row of the same counts, its hour takes the tokens and cost and counts no invalid call,
    /// and a second correction or an unknown id changes nothing.
    @Test func aCorrectedInvalidRowIsCostedAndItsHourAgreesWithItsRows() async throws {
        let database = try await Self.migratedDatabase()
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: Self.spoolDirectory(), logger: Logger(label: "test"))
        let valid = Self.sampleRecord(index: 0)
        var invalid = Self.sampleRecord(index: 1)
        invalid.timestamp = valid.timestamp
        invalid.sourceID = valid.sourceID
        invalid.usage = TokenUsage()
        invalid.usage.invalidReason = "promptTokenCount is -500"
        invalid.usage.rawUsageMetadata = #"{"promptTokenCount": -500}"#
        invalid.cost = nil
        invalid.priceID = nil
        try await ledger.record([valid, invalid])
        #expect(await ledger.close())
        let repository = InvalidUsageRepository(client: DatabaseClient(connectionString: database.url))
        #expect(try await repository.list().map(\.requestID) == [invalid.requestID])

        let outcome = try await repository.correct(requestID: invalid.requestID, usage: valid.usage)
        let validCost = try await database.psql("SELECT cost FROM api_usage WHERE request_id = '\(valid.requestID)'")
        #expect(outcome == .corrected(cost: Money(validCost)))
        #expect(
            try await database.psql(
                "SELECT usage_invalid IS NULL, usage_corrected LIKE 'was invalid: promptTokenCount is -500; corrected %', unpriced, total_tokens FROM api_usage WHERE request_id = '\(invalid.requestID)'"
            ) == "t|t|f|1360")
        #expect(
            try await database.psql(
                "SELECT sum(calls), sum(invalid), sum(prompt), sum(completion), sum(total), sum(cost) FROM usage_hourly")
                == (try await database.psql(
                    "SELECT count(*), count(*) FILTER (WHERE usage_invalid IS NOT NULL), sum(prompt_tokens), sum(completion_tokens), sum(total_tokens), sum(cost) FROM api_usage"
                )))
        #expect(try await database.psql("SELECT sum(invalid) FROM usage_hourly") == "0")
        #expect(try await repository.list().isEmpty)
        #expect(try await repository.correct(requestID: invalid.requestID, usage: valid.usage) == .notInvalid)
        #expect(try await repository.correct(requestID: "no-such-call", usage: valid.usage) == .noSuchCall)
    }

    /// A call whose intent was made durable but whose answer never was (Vigil killed meanwhile) is a
    /// row at the next start, outcome unknown, usage estimated, no cost; one whose record was spooled
    /// is that record alone.
    @Test func anIntentWithoutItsRecordBecomesAnUnknownRowAtTheNextStart() async throws {
        let database = try await Self.migratedDatabase()
        let spool = Self.spoolDirectory()
        let first = try UsageLedger(connectionString: database.url, spoolDirectory: spool, logger: Logger(label: "test"))
        func intent(_ index: Int) -> UsageRecord {
            var record = Self.sampleRecord(index: index)
            record.outcome = UsageRecord.unknownOutcome
            record.success = false
            record.cost = nil
            record.priceID = nil
            record.usage.estimated = true
            record.verdicts = []
            return record
        }
        let lost = intent(0)
        let answered = intent(1)
        try await first.recordIntent(lost)
        try await first.recordIntent(answered)
        // The second call's answer is spooled, but its intent is still there (killed before removing it).
        try await first.record(Self.sampleRecord(index: 1, requestID: answered.requestID))
        #expect(FileManager.default.fileExists(atPath: spool + "/\(lost.requestID).intent"))
        _ = await first.close()
        // The first ledger's rows were written; a new start finds both intents.
        let next = try UsageLedger(connectionString: database.url, spoolDirectory: spool, logger: Logger(label: "test"))
        #expect(await next.close())
        #expect(
            try await database.psql(
                "SELECT outcome, success, cost IS NULL, estimated, unpriced FROM api_usage WHERE request_id = '\(lost.requestID)'")
                == "unknown|f|t|t|f")
        #expect(
            try await database.psql("SELECT outcome IS NULL, success FROM api_usage WHERE request_id = '\(answered.requestID)'") == "t|t")
        #expect(try await database.psql("SELECT count(*) FROM api_usage") == "2")
        #expect(try await database.psql("SELECT sum(unknown) FROM usage_hourly") == "1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool).isEmpty)
    }

    /// Token counts of 2^31 and more were refused by integer columns (the row was kept aside,
    /// unbilled); since migration 0008 the columns are bigint and the row goes in as it is.
    @Test func aTokenCountBeyond32BitsIsStored() async throws {
        let database = try await Self.migratedDatabase()
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: Self.spoolDirectory(), logger: Logger(label: "test"))
        var record = Self.sampleRecord(index: 0)
        record.usage.promptTokens = 3_000_000_000
        record.usage.totalTokens = 3_000_000_100
        try await ledger.record(record)
        #expect(await ledger.close())
        #expect(try await database.psql("SELECT prompt_tokens, total_tokens FROM api_usage") == "3000000000|3000000100")
        #expect(ledger.statistics.rowsRejected == 0)
    }

    @Test func rowsPostgreSQLRefusesAreKeptAsideAndTheRestWritten() async throws {
        let database = try await Self.migratedDatabase()
        let spool = Self.spoolDirectory()
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: spool, logger: Logger(label: "test"))
        var records = (0..<20).map { Self.sampleRecord(index: $0) }
        records[13].imageWidth = 3_000_000_000  // beyond the integer column: SQLSTATE 22003
        try await ledger.record(records)
        try await ledger.record((20..<25).map { Self.sampleRecord(index: $0) })
        #expect(await ledger.close())
        #expect(try await database.psql("SELECT count(*) FROM api_usage") == "24")
        #expect(try await database.psql("SELECT count(*) FROM analyses") == "24")
        #expect(try await database.psql("SELECT count(*) FROM api_usage WHERE request_id = '\(records[13].requestID)'") == "0")
        #expect(ledger.statistics.rowsRejected == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: spool).sorted()
        #expect(files.count == 2)
        let kept = try #require(files.first { $0.hasSuffix(".rejected") })
        let contents = try String(contentsOfFile: spool + "/" + kept, encoding: .utf8)
        #expect(contents.hasPrefix("vigil-usage-spool \(SpooledBatch.currentFormat) rows=1 verdicts=1\n\(records[13].requestID)\t"))
        let reason = try String(contentsOfFile: spool + "/" + kept + ".reason", encoding: .utf8)
        #expect(reason.contains("22003"))

        // As the README says: fixed and renamed back to `.spool`, the rows go in at the next start.
        try contents.replacingOccurrences(of: "\t3000000000\t", with: "\t1300\t")
            .write(toFile: spool + "/" + kept.replacingOccurrences(of: ".rejected", with: ""), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: spool + "/" + kept)
        let next = try UsageLedger(connectionString: database.url, spoolDirectory: spool, logger: Logger(label: "test"))
        #expect(await next.close())
        #expect(try await database.psql("SELECT image_width FROM api_usage WHERE request_id = '\(records[13].requestID)'") == "1300")
        #expect(try await database.psql("SELECT count(*) FROM analyses") == "25")
    }

    /// A segment that is not a whole batch cannot be mended by retrying: it is moved aside at once
    /// and no longer waits, even while PostgreSQL is unreachable and nothing else can be written.
    @Test func aSegmentThatCannotBeReadIsMovedAsideAndNoLongerWaits() async throws {
        let spool = Self.spoolDirectory()
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        try "vigil-usage-spool 2 rows=3 verdicts=0\ncut short".write(
            toFile: spool + "/00000000000000000004.spool", atomically: true, encoding: .utf8)
        // Nothing listens on port 1.
        let ledger = try UsageLedger(
            connectionString: "postgresql://vigil@127.0.0.1:1/none?connect_timeout=2", spoolDirectory: spool,
            logger: Logger(label: "test"))
        #expect(await ledger.close(), "the unreadable segment is still waiting")
        #expect(ledger.statistics.segmentsWaiting == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool) == ["00000000000000000004.spool.rejected"])
    }
}
