import Foundation
import Logging
import Testing
import VigilBilling
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// Each camera's share of the calls it appeared in (migration 0012): a group call's cost split
/// exactly over the cameras in its image, the `camera_hourly` rollup, and `vigil usage --by camera`.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct CameraShareTests {
    static let group = ["c1", "c2", "c3", "c4"]

    static func date(_ text: String) -> Date { try! Date(text, strategy: Date.ISO8601FormatStyle()) }

    /// A call for the group `floor` (or a camera, when `cameras` has one id) in which only `present`
    /// had a frame: one verdict per camera, a frame size only for those present, as the daemon writes.
    static func call(
        at time: Date, client: String = "acme", source: String = "floor", cameras: [String] = group, present: [String],
        cost: Money?, model: String = "gemini-2.5-flash", success: Bool = true, durationMilliseconds: Int = 900
    ) -> UsageRecord {
        UsageRecord(
            timestamp: time, clientID: client, sourceID: source, sourceKind: cameras.count == 1 ? "camera" : "group",
            endpoint: "/v1beta/models/\(model):generateContent", statusCode: success ? 200 : 503, model: model,
            usage: TokenUsage(promptTokens: 1300, candidatesTokens: 160, totalTokens: 1460), success: success,
            durationMilliseconds: durationMilliseconds, cost: cost, sessionIDs: present.map { _ in UUID() }, cameraCount: cameras.count,
            cameraIDs: present, imageWidth: 1536, imageHeight: 864,
            verdicts: success
                ? cameras.enumerated().map { index, camera in
                    CameraVerdict(
                        cameraID: camera, quadrant: cameras.count == 1 ? nil : index, incidentDetected: false, incidentType: "none",
                        confidence: "0.9", description: "quiet", frameSize: present.contains(camera) ? "1920x1080" : nil)
                } : [])
    }

    static func write(_ records: [UsageRecord], to url: String) async throws {
        let ledger = try UsageLedger(connectionString: url, spoolDirectory: LedgerTests.spoolDirectory(), logger: Logger(label: "test"))
        try await ledger.record(records)
        #expect(await ledger.close())
    }

    /// Each present camera's share of `cost`, computed here independently of SQL: in units of 10⁻¹²,
    /// the remainder one unit each to the first cameras, the digits beyond the 12th to the first.
    static func shares(of cost: Money, among count: Int) -> [Money] {
        let units = cost.units / 1000, beyond = cost.units % 1000
        let base = units / Int128(count), remainder = units % Int128(count)
        return (0..<count).map { index in
            Money(units: (base + (Int128(index) < remainder ? 1 : 0)) * 1000 + (index == 0 ? beyond : 0))
        }
    }

    /// Every call's shares add up to its cost to the last digit, each share is its camera's equal part
    /// (a dark quadrant's camera gets none), and the camera rollup holds what the rows hold.
    @Test func everyCallsSharesAddUpToItsCostExactly() async throws {
        let database = try await LedgerTests.migratedDatabase()
        let awkward = [
            "0.0004473", "0.0000001", "0.000260233333333", "0.000000000002", "0.0006129", "0.123456789012345", "0.000000000000007",
        ]
        let presence = [["c1", "c2", "c4"], Self.group, ["c2"], ["c1", "c3"], ["c1", "c2", "c3"]]
        var records: [UsageRecord] = []
        for (index, text) in awkward.enumerated() {
            for (offset, present) in presence.enumerated() {
                records.append(
                    Self.call(
                        at: Self.date("2026-10-05T10:00:00Z").addingTimeInterval(Double(index * 600 + offset)), present: present,
                        cost: Money(text)))
            }
        }
        // Costed by the price book in SQL, unpriced, a single camera, a failed group call.
        records.append(Self.call(at: Self.date("2026-10-05T11:00:00Z"), present: ["c1", "c2", "c3"], cost: nil))
        records.append(Self.call(at: Self.date("2026-10-05T11:01:00Z"), present: ["c1", "c2", "c3"], cost: nil, model: "gemini-9-ultra"))
        records.append(
            Self.call(at: Self.date("2026-10-05T11:02:00Z"), source: "solo", cameras: ["solo"], present: ["solo"], cost: Money("0.0002602"))
        )
        records.append(
            Self.call(at: Self.date("2026-10-05T11:03:00Z"), present: ["c1", "c2", "c4"], cost: Money("0.0000002"), success: false))
        try await Self.write(records, to: database.url)

        // The rows know their cameras, and every verdict of a costed call has its share: the shares of
        // each call add up to its cost, exactly.
        #expect(
            try await database.psql("SELECT camera_ids FROM api_usage WHERE cost = 0.0004473 ORDER BY \"timestamp\" LIMIT 1")
                == "{c1,c2,c4}")
        #expect(try await database.psql("SELECT count(*) FROM api_usage WHERE cost IS NOT NULL AND success") == "\(records.count - 2)")
        #expect(
            try await database.psql(
                """
                SELECT count(*) FROM api_usage u
                WHERE u.cost IS NOT NULL AND u.success
                  AND u.cost IS DISTINCT FROM (SELECT sum(a.cost_share) FROM analyses a WHERE a.usage_id = u.id)
                """) == "0")
        #expect(
            try await database.psql(
                """
                SELECT count(*) FROM api_usage u
                WHERE u.cost IS DISTINCT FROM (SELECT sum(s.share) FROM vigil_camera_shares(u.camera_ids, u.source_id, u.cost) s)
                """) == "0")
        // Each share as computed here, camera by camera; 0 for a dark quadrant; none without a cost.
        for record in records where record.success {
            let expected = record.cost.map { Self.shares(of: $0, among: record.cameraIDs.count) }
            let stored = try await database.psql(
                "SELECT string_agg(camera_id || '=' || coalesce(cost_share::text, 'NULL'), ',' ORDER BY camera_id) FROM analyses WHERE request_id = '\(record.requestID)'"
            ).split(separator: ",").map(String.init)
            for line in stored {
                let parts = line.split(separator: "=").map(String.init)
                let position = record.cameraIDs.firstIndex(of: parts[0])
                if let expected {
                    #expect(Money(parts[1]) == (position.map { expected[$0] } ?? .zero), "\(record.cost!) \(record.cameraIDs) \(line)")
                } else if record.model == "gemini-9-ultra" {
                    #expect(parts[1] == "NULL")
                }
            }
        }
        #expect(
            try await database.psql(
                "SELECT string_agg(cost_share::text, ',' ORDER BY camera_id) FROM analyses a JOIN api_usage u ON u.id = a.usage_id WHERE u.cost = 0.0000001 AND u.camera_ids = '{c1,c2,c4}'"
            )
                == "0.000000033334,0.000000033333,0,0.000000033333")
        #expect(
            try await database.psql(
                "SELECT string_agg(cost_share::text, ',' ORDER BY camera_id) FROM analyses a JOIN api_usage u ON u.id = a.usage_id WHERE u.cost = 0.123456789012345 AND u.camera_ids = '{c1,c3}'"
            )
                == "0.061728394506345,0,0.061728394506,0")

        // The rollup: per camera, the calls it was in and the sum of its shares; per hour and source,
        // the shares add up to usage_hourly's cost.
        var expectedCalls: [String: Int] = [:]
        var expectedCost: [String: Money] = [:]
        for record in records {
            // The cost the price book gave in SQL, for the call recorded without one.
            let stored = try await database.psql("SELECT coalesce(cost::text, '') FROM api_usage WHERE request_id = '\(record.requestID)'")
            let cost = record.cost ?? Money(stored)
            let shares = cost.map { Self.shares(of: $0, among: record.cameraIDs.count) }
            for (index, camera) in record.cameraIDs.enumerated() {
                expectedCalls[camera, default: 0] += 1
                expectedCost[camera, default: .zero] += shares?[index] ?? .zero
            }
        }
        let rollup = try await database.psql(
            "SELECT string_agg(camera_id || '|' || analyses || '|' || cost_share, ',' ORDER BY camera_id) FROM (SELECT camera_id, sum(analyses) AS analyses, sum(cost_share) AS cost_share FROM camera_hourly GROUP BY 1) c"
        ).split(separator: ",")
        #expect(rollup.map { $0.split(separator: "|")[0] } == ["c1", "c2", "c3", "c4", "solo"])
        for line in rollup {
            let fields = line.split(separator: "|").map(String.init)
            #expect(Int(fields[1]) == expectedCalls[fields[0]], "\(line)")
            #expect(Money(fields[2]) == expectedCost[fields[0]], "\(line)")
        }
        #expect(
            try await database.psql(
                """
                SELECT count(*) FROM (SELECT client_id, hour, source_id, sum(cost) AS cost FROM usage_hourly GROUP BY 1, 2, 3) u
                FULL JOIN (SELECT client_id, hour, source_id, sum(cost_share) AS cost FROM camera_hourly GROUP BY 1, 2, 3) c USING (client_id, hour, source_id)
                WHERE u.cost IS DISTINCT FROM c.cost
                """) == "0")
        #expect(try await database.psql("SELECT sum(unpriced) FROM camera_hourly WHERE camera_id = 'c1'") == "1")
    }

    /// `vigil usage --by camera` reads whole hours from `camera_hourly` and the edges from the rows:
    /// each camera's calls and cost are those of its verdicts (those with a frame) summed directly,
    /// the cameras' costs add up to the total, and `--by source` still shows a group as one line.
    @Test func usageByCameraEqualsTheVerdictsSumsAndAddsUpToTheTotal() async throws {
        let database = try await LedgerTests.migratedDatabase()
        let presence = [Self.group, ["c1", "c2", "c4"], ["c2", "c3"], ["c4"]]
        var records: [UsageRecord] = []
        for minute in stride(from: 0, to: 60 * 24 * 3, by: 7) {
            let at = Self.date("2026-10-04T00:00:00Z").addingTimeInterval(Double(minute) * 60 + 13)
            let client = minute % 3 == 0 ? "globex" : "acme"
            if minute % 5 == 0 {
                records.append(
                    Self.call(
                        at: at, client: client, source: "solo-\(client)", cameras: ["solo-\(client)"], present: ["solo-\(client)"],
                        cost: Money("0.0002602")))
            } else {
                // Most costed by the price book, some with awkward costs of their own.
                let cost = minute % 4 == 0 ? Money("0.000000000\(1 + minute % 9)")! * (minute % 11 + 1) : nil
                records.append(
                    Self.call(at: at, client: client, source: "floor-\(client)", present: presence[minute % presence.count], cost: cost))
            }
        }
        try await Self.write(records, to: database.url)
        let from = Self.date("2026-10-04T05:17:00Z"), to = Self.date("2026-10-06T13:45:30Z")
        let repository = UsageRepository(client: DatabaseClient(connectionString: database.url))
        for client in [nil, "acme"] {
            let report = try await repository.report(from: from, to: to, client: client, grouping: "camera")
            let direct = try await database.psql(
                """
                SELECT string_agg(camera_id || '|' || calls || '|' || cost, ',' ORDER BY camera_id)
                FROM (SELECT a.camera_id, count(*) AS calls, sum(a.cost_share) AS cost FROM analyses a JOIN clients c ON c.id = a.client_id
                      WHERE a.frame_size IS NOT NULL AND a."timestamp" >= '2026-10-04T05:17:00Z' AND a."timestamp" < '2026-10-06T13:45:30Z'
                        AND (\(client.map { "'\($0)'" } ?? "NULL")::text IS NULL OR c.code = \(client.map { "'\($0)'" } ?? "NULL"))
                      GROUP BY 1) v
                """
            ).split(separator: ",").map { $0.split(separator: "|").map(String.init) }
            #expect(direct.count == (client == nil ? 6 : 5))
            #expect(report.rows.map(\.usage.key) == direct.map { $0[0] })
            for (row, expected) in zip(report.rows, direct) {
                #expect(row.usage.kind == "camera" && row.cameraShare)
                #expect(row.usage.calls == Int(expected[1]), "\(expected)")
                #expect(row.usage.providerCost == Money(expected[2]), "\(expected)")
                #expect(row.usage.promptTokens == 0 && row.averageMilliseconds == nil)
            }
            let shares = report.rows.reduce(Money.zero) { $0 + $1.usage.providerCost }
            #expect(shares == report.total.usage.providerCost)
            #expect(report.rows.reduce(0) { $0 + $1.usage.calls } > report.total.usage.calls)
            // By source, the group is one line of its calls, as --by camera showed before.
            let bySource = try await repository.report(from: from, to: to, client: client, grouping: "source")
            #expect(bySource.rows.map(\.usage.kind).contains("group"))
            #expect(bySource.rows.reduce(0) { $0 + $1.usage.calls } == report.total.usage.calls)
            #expect(bySource.rows.allSatisfy { !$0.cameraShare })
            // One camera per UTC day (the console's camera page): the same verdicts, by day.
            for camera in ["c2", "solo-acme"] {
                let days = try await repository.cameraByDay(camera: camera, client: client, from: from, to: to)
                let byDay = try await database.psql(
                    """
                    SELECT string_agg(day || '|' || calls || '|' || cost, ',' ORDER BY day)
                    FROM (SELECT to_char(a."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS calls, sum(a.cost_share) AS cost
                          FROM analyses a JOIN clients c ON c.id = a.client_id
                          WHERE a.frame_size IS NOT NULL AND a.camera_id = '\(camera)'
                            AND a."timestamp" >= '2026-10-04T05:17:00Z' AND a."timestamp" < '2026-10-06T13:45:30Z'
                            AND (\(client.map { "'\($0)'" } ?? "NULL")::text IS NULL OR c.code = \(client.map { "'\($0)'" } ?? "NULL"))
                          GROUP BY 1) v
                    """
                ).split(separator: ",").map { $0.split(separator: "|").map(String.init) }
                #expect(byDay.count == 3, "\(camera)")
                #expect(days.map(\.usage.key) == byDay.map { $0[0] })
                for (row, expected) in zip(days, byDay) {
                    #expect(row.usage.calls == Int(expected[1]) && row.usage.providerCost == Money(expected[2]), "\(camera) \(expected)")
                }
            }
            #expect(try await repository.cameraByDay(camera: "c2", client: "nobody", from: from, to: to).isEmpty)
        }
    }

    /// Pricing an unpriced call later (`vigil prices reprice --unpriced`), or correcting one whose
    /// usage was invalid, moves its cameras' shares into `camera_hourly` and onto their verdicts.
    @Test func repricingAndCorrectingMoveTheCamerasAlong() async throws {
        let database = try await LedgerTests.migratedDatabase()
        let client = DatabaseClient(connectionString: database.url)
        let unpriced = Self.call(at: Self.date("2026-10-05T10:20:00Z"), present: ["c1", "c2", "c4"], cost: nil, model: "gemini-9-ultra")
        var invalid = Self.call(at: Self.date("2026-10-05T10:40:00Z"), present: ["c2", "c3"], cost: nil)
        invalid.usage = TokenUsage()
        invalid.usage.invalidReason = "promptTokenCount is -500"
        let costed = Self.call(at: Self.date("2026-10-05T10:50:00Z"), present: Self.group, cost: Money("0.0000003"))
        // A call whose outcome is unknown (Vigil stopped while it was in flight): no cost until priced in.
        var unknown = Self.call(
            at: Self.date("2026-10-05T11:10:00Z"), cameras: ["u1", "u2", "u3", "u4"], present: ["u1", "u3"], cost: nil, success: false)
        unknown.outcome = UsageRecord.unknownOutcome
        try await Self.write([unpriced, invalid, costed, unknown], to: database.url)
        func camera(_ id: String) async throws -> String {
            try await database.psql(
                "SELECT sum(analyses) || '|' || sum(cost_share) || '|' || sum(unpriced) || '|' || sum(invalid) FROM camera_hourly WHERE camera_id = '\(id)'"
            )
        }
        /// camera_hourly and session_hourly hold exactly what a fresh roll-up of the rows gives.
        func rollupAgreesWithTheRows() async throws -> Bool {
            let sessions = try await database.psql(
                """
                WITH fresh AS (
                    SELECT u.client_id, date_trunc('hour', u."timestamp", 'UTC') AS hour, s.session_id, count(*) AS calls,
                           count(*) FILTER (WHERE u.success IS FALSE) AS failed, sum(u.prompt_tokens) AS prompt, sum(u.cached_tokens) AS cached,
                           sum(u.completion_tokens) AS completion, sum(u.thoughts_tokens) AS thoughts, sum(u.tool_use_tokens) AS tool_use,
                           sum(u.total_tokens) AS total, coalesce(sum(u.cost) FILTER (WHERE NOT u.unpriced), 0) AS cost,
                           count(*) FILTER (WHERE u.unpriced) AS unpriced, count(*) FILTER (WHERE u.usage_invalid IS NOT NULL) AS invalid,
                           count(*) FILTER (WHERE u.outcome = 'unknown') AS unknown, coalesce(sum(u.duration_ms), 0) AS duration_sum
                    FROM api_usage u CROSS JOIN LATERAL unnest(u.session_ids) AS s(session_id) GROUP BY 1, 2, 3
                )
                SELECT count(*) = 0 FROM fresh f FULL JOIN session_hourly h USING (client_id, hour, session_id)
                WHERE (f.calls, f.failed, f.prompt, f.cached, f.completion, f.thoughts, f.tool_use, f.total, f.cost, f.unpriced, f.invalid,
                       f.unknown, f.duration_sum)
                      IS DISTINCT FROM (h.calls, h.failed, h.prompt, h.cached, h.completion, h.thoughts, h.tool_use, h.total, h.cost,
                                        h.unpriced, h.invalid, h.unknown, h.duration_sum)
                """)
            guard sessions == "t" else { return false }
            return try await database.psql(
                """
                WITH fresh AS (
                    SELECT u.client_id, date_trunc('hour', u."timestamp", 'UTC') AS hour, s.camera_id, u.source_id, count(*) AS analyses,
                           coalesce(sum(s.share) FILTER (WHERE NOT u.unpriced), 0) AS cost_share, count(*) FILTER (WHERE u.unpriced) AS unpriced,
                           count(*) FILTER (WHERE u.usage_invalid IS NOT NULL) AS invalid
                    FROM api_usage u CROSS JOIN LATERAL vigil_camera_shares(u.camera_ids, u.source_id, u.cost) s GROUP BY 1, 2, 3, 4
                )
                SELECT count(*) = 0 FROM fresh f FULL JOIN camera_hourly h USING (client_id, hour, camera_id, source_id)
                WHERE (f.analyses, f.cost_share, f.unpriced, f.invalid) IS DISTINCT FROM (h.analyses, h.cost_share, h.unpriced, h.invalid)
                """) == "t"
        }
        // c1: the unpriced call and a quarter of 0.0000003 (75 × 10⁻¹², no remainder); c2 also the invalid one.
        #expect(try await camera("c1") == "2|0.000000075000|1|0")
        #expect(try await camera("c2") == "3|0.000000075000|1|1")
        #expect(try await database.psql("SELECT count(*) FROM analyses WHERE cost_share IS NULL") == "8")
        #expect(try await rollupAgreesWithTheRows())

        try await PriceRepository(client: client).set(
            ModelPrice(
                id: 0, model: "gemini-9-ultra", effectiveFrom: Self.date("2026-01-01T00:00:00Z"), inputPerMillion: Money("1")!,
                outputPerMillion: Money("4")!))
        #expect(try await PriceRepository(client: client).repriceUnpriced() == 1)
        // 1300 × 1 + 160 × 4 per million = 0.00194, a third each: 0.000646666667 to c1, 0.000646666667 to c2, 0.000646666666 to c4.
        #expect(try await camera("c1") == "2|0.000646741667|0|0")
        #expect(try await camera("c2") == "3|0.000646741667|0|1")
        #expect(try await camera("c4") == "2|0.000646741666|0|0")
        #expect(
            try await database.psql(
                "SELECT string_agg(cost_share::text, ',' ORDER BY camera_id) FROM analyses WHERE request_id = '\(unpriced.requestID)'")
                == "0.000646666667,0.000646666667,0,0.000646666666")
        #expect(try await rollupAgreesWithTheRows())

        let corrected = try await InvalidUsageRepository(client: client).correct(
            requestID: invalid.requestID, usage: TokenUsage(promptTokens: 1000, candidatesTokens: 101))
        // 1000 × 0.30 + 101 × 2.50 per million = 0.0005525, half each.
        #expect(corrected == .corrected(cost: Money("0.0005525")))
        #expect(try await camera("c2") == "3|0.000922991667|0|0")
        #expect(try await camera("c3") == "2|0.000276325000|0|0")
        #expect(
            try await database.psql(
                "SELECT string_agg(coalesce(cost_share::text, 'NULL'), ',' ORDER BY camera_id) FROM analyses WHERE request_id = '\(invalid.requestID)'"
            )
                == "0,0.000276250000,0.000276250000,0")
        #expect(try await rollupAgreesWithTheRows())

        #expect(try await camera("u3") == "1|0|0|0")
        #expect(try await PriceRepository(client: client).priceUnknownOutcomes() == 1)
        // 1300 × 0.30 + 160 × 2.50 per million = 0.00079, half each.
        #expect(try await camera("u3") == "1|0.000395000000|0|0")
        #expect(try await rollupAgreesWithTheRows())
        #expect(try await database.psql("SELECT sum(cost_share) = (SELECT sum(cost) FROM usage_hourly) FROM camera_hourly") == "t")
    }

    /// `vigil usage` through the CLI, as JSON objects (the report, its total and rows by key).
    static func usageJSON(_ url: String, _ arguments: [String]) async throws -> (total: [String: Any], rows: [String: [String: Any]]) {
        let output = try await Self.usage(url, arguments + ["--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let total = try #require(document["total"] as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        return (total, Dictionary(uniqueKeysWithValues: rows.map { ("\($0["key"] ?? "")", $0) }))
    }

    static func usage(_ url: String, _ arguments: [String]) async throws -> String {
        let result = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["usage", "--database-url", url, "--from", "2026-10-01", "--to", "2026-10-31"] + arguments,
            environment: ["VIGIL_CONFIG": "/nonexistent/none.json"])
        #expect(result.status == 0, "\(result.standardError)")
        return result.standardOutput
    }

    /// Samples the scene gate skipped (`scene_gate_hourly`, written by the daemon) show in `vigil
    /// usage`: on the total always, on each row of a grouping they can have (day, client, source, and
    /// camera, a group's shared among its cameras), as null where they cannot (model); the avoided
    /// cost is marked as an estimate. A source with skips and no calls is a row of its own.
    @Test func skippedSamplesAppearInUsageReports() async throws {
        let database = try await LedgerTests.migratedDatabase()
        try await Self.write(
            [
                Self.call(at: Self.date("2026-10-05T10:20:00Z"), present: Self.group, cost: Money("0.0004")),
                Self.call(
                    at: Self.date("2026-10-05T11:05:00Z"), source: "solo", cameras: ["solo"], present: ["solo"], cost: Money("0.0002")),
            ], to: database.url)
        try await database.psql(
            """
            INSERT INTO camera_groups (id, client_id, name, camera_ids) SELECT 'floor', id, 'Floor', '{c1,c2,c3,c4}' FROM clients WHERE code = 'acme';
            INSERT INTO scene_gate_hourly (client_id, hour, source_id, source_kind, skipped, cost_avoided)
            SELECT c.id, v.hour::timestamptz, v.source, v.kind, v.skipped, v.avoided FROM clients c,
                (VALUES ('2026-10-05T10:00:00Z', 'floor', 'group', 8, 0.0012), ('2026-10-05T11:00:00Z', 'solo', 'camera', 3, 0.00045),
                        ('2026-10-06T00:00:00Z', 'quiet', 'camera', 5, 0.001), ('2026-09-30T23:00:00Z', 'solo', 'camera', 100, 1))
                AS v(hour, source, kind, skipped, avoided)
            WHERE c.code = 'acme';
            """)
        func skips(_ object: [String: Any]?) -> String {
            "\(object?["samples_skipped"] ?? "absent")|\(object?["cost_avoided"] ?? "absent")"
        }
        let total = try await Self.usageJSON(database.url, [])
        #expect(skips(total.total) == "16|0.00265")  // not the hour before October

        let bySource = try await Self.usageJSON(database.url, ["--by", "source"])
        #expect(skips(bySource.total) == "16|0.00265")
        #expect(bySource.rows.keys.sorted() == ["floor", "quiet", "solo"])
        #expect(skips(bySource.rows["floor"]) == "8|0.0012" && skips(bySource.rows["solo"]) == "3|0.00045")
        #expect(skips(bySource.rows["quiet"]) == "5|0.001" && "\(bySource.rows["quiet"]?["calls"] ?? "")" == "0")

        // A group's skips: each of its four cameras was in the skipped samples, with a quarter of the avoided cost.
        let byCamera = try await Self.usageJSON(database.url, ["--by", "camera"])
        #expect(byCamera.rows.keys.sorted() == ["c1", "c2", "c3", "c4", "quiet", "solo"])
        #expect(["c1", "c2", "c3", "c4"].allSatisfy { skips(byCamera.rows[$0]) == "8|0.0003" })
        #expect("\(byCamera.rows["c1"]?["cost"] ?? "")" == "0.0001" && byCamera.rows["c1"]?["prompt_tokens"] is NSNull)

        let byDay = try await Self.usageJSON(database.url, ["--by", "day"])
        #expect(skips(byDay.rows["2026-10-05"]) == "11|0.00165" && skips(byDay.rows["2026-10-06"]) == "5|0.001")
        let byClient = try await Self.usageJSON(database.url, ["--by", "client"])
        #expect(skips(byClient.rows["acme"]) == "16|0.00265")

        // A skipped sample made no call: it has no model. Null on the rows (0 would be wrong), all on the total.
        let byModel = try await Self.usageJSON(database.url, ["--by", "model"])
        #expect(skips(byModel.rows["gemini-2.5-flash"]) == "<null>|<null>")
        #expect(skips(byModel.total) == "16|0.00265")

        let text = try await Self.usage(database.url, ["--by", "source"])
        let header = try #require(text.split(separator: "\n").first { $0.hasPrefix("by source") })
        #expect(header.hasSuffix("Skipped  Avoided USD*"))
        let floor = try #require(text.split(separator: "\n").first { $0.hasPrefix("group floor") })
        #expect(floor.hasSuffix("        8      0.001200"))
        let totalLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("TOTAL") })
        #expect(totalLine.hasSuffix("       16      0.002650"))
        #expect(text.contains("* ESTIMATED: 16 samples the scene gate skipped made no call"))
        let modelText = try await Self.usage(database.url, ["--by", "model"])
        #expect(modelText.contains("(a skipped sample has no model: only the total counts them)"))
        #expect(try await Self.usage(database.url, ["--by", "camera", "--format", "csv"]).contains("\nc1,camera,1,0,,,,,,,0.0001,"))
    }

    /// Migration 0012 gives the rows already there their cameras: a camera's own id; a group's
    /// verdicts that had a frame, in quadrant order; none for a group call without verdicts or a
    /// predecessor's row, whose cost then stays with the source as a whole. Rows written after get
    /// theirs from the ledger, through the new trigger.
    @Test func migration0012BackfillsTheRowsAlreadyThere() async throws {
        let database = try await TestDatabase.create()
        let client = DatabaseClient(connectionString: database.url)
        try await Migrator(client: client, migrations: Migration.builtIn.filter { $0.version <= 11 }).migrate()
        // Rows as the ledger of that time wrote them, and a predecessor's.
        try await database.psql(
            """
            INSERT INTO clients (code, name) VALUES ('acme', 'acme');
            INSERT INTO api_usage (request_id, "timestamp", client_id, source_id, source_kind, endpoint, method, model, success,
                                   prompt_tokens, completion_tokens, total_tokens, duration_ms, cost, unpriced)
            SELECT r, t::timestamptz, (SELECT id FROM clients WHERE code = 'acme'), s, k, '/v1beta/models/gemini-2.5-flash:generateContent',
                   'POST', 'gemini-2.5-flash', ok, 1000, 100, 1100, 700, c, c IS NULL
            FROM (VALUES ('cam', '2026-10-05T10:20:00Z', 'solo', 'camera', true, 0.0003),
                         ('grp', '2026-10-05T10:30:00Z', 'floor', 'group', true, 0.0000001),
                         ('failed', '2026-10-05T10:40:00Z', 'floor', 'group', false, 0.0002),
                         ('unpriced', '2026-10-05T10:50:00Z', 'floor', 'group', true, NULL)) AS v(r, t, s, k, ok, c);
            INSERT INTO api_usage (endpoint, method, status_code, cost, "timestamp") VALUES ('/api/analyze', 'POST', 200, 0.1, '2026-10-05T10:55:00Z');
            INSERT INTO analyses (usage_id, request_id, "timestamp", client_id, camera_id, source_id, quadrant, frame_size, incident_detected, incident_type)
            SELECT u.id, u.request_id, u."timestamp", u.client_id, v.camera, u.source_id, v.quadrant, v.size, false, 'none'
            FROM api_usage u, (VALUES ('c1', 0, '1920x1080'), ('c2', 1, '1280x720'), ('c3', 2, NULL), ('c4', 3, '1920x1080')) AS v(camera, quadrant, size)
            WHERE u.request_id IN ('grp', 'unpriced')
            UNION ALL
            SELECT u.id, u.request_id, u."timestamp", u.client_id, 'solo', 'solo', NULL, '1920x1080', false, 'none' FROM api_usage u WHERE u.request_id = 'cam';
            """)
        try await Migrator(client: client).migrate()
        #expect(
            try await database.psql(
                "SELECT string_agg(coalesce(request_id, 'predecessor') || '=' || camera_ids::text, ' ' ORDER BY id) FROM api_usage")
                == "cam={solo} grp={c1,c2,c4} failed={} unpriced={c1,c2,c4} predecessor={}")
        #expect(
            try await database.psql(
                "SELECT string_agg(request_id || ':' || camera_id || '=' || coalesce(cost_share::text, 'NULL'), ' ' ORDER BY request_id, camera_id) FROM analyses"
            )
                == "cam:solo=0.000300000000 grp:c1=0.000000033334 grp:c2=0.000000033333 grp:c3=0 grp:c4=0.000000033333 "
                + "unpriced:c1=NULL unpriced:c2=NULL unpriced:c3=NULL unpriced:c4=NULL")
        #expect(
            try await database.psql(
                "SELECT string_agg(camera_id || '/' || source_id || '/' || analyses || '/' || failed || '/' || cost_share || '/' || unpriced, ' ' ORDER BY camera_id) FROM camera_hourly"
            )
                == "c1/floor/2/0/0.000000033334/1 c2/floor/2/0/0.000000033333/1 c4/floor/2/0/0.000000033333/1 floor/floor/1/1/0.000200000000/0 legacy/legacy/1/0/0.100000000000/0 solo/solo/1/0/0.000300000000/0"
        )
        let report = try await UsageRepository(client: client).report(
            from: Self.date("2026-10-05T00:00:00Z"), to: Self.date("2026-10-06T00:00:00Z"), client: nil, grouping: "camera")
        #expect(
            report.rows.map { "\($0.usage.kind) \($0.usage.key)" } == [
                "camera c1", "camera c2", "camera c4", "group floor", " legacy", "camera solo",
            ])
        #expect(report.rows.reduce(Money.zero) { $0 + $1.usage.providerCost } == report.total.usage.providerCost)

        try await Self.write(
            [Self.call(at: Self.date("2026-10-05T10:58:00Z"), present: ["c2", "c3"], cost: Money("0.0000003"))], to: database.url)
        #expect(
            try await database.psql(
                "SELECT string_agg(camera_id || '/' || analyses || '/' || cost_share, ' ' ORDER BY camera_id) FROM camera_hourly WHERE camera_id IN ('c2', 'c3')"
            )
                == "c2/3/0.000000183333 c3/1/0.000000150000")
    }

    /// Segments spooled before format 4 (no camera_ids) are still replayed, and their rows get their
    /// cameras by the backfill's rules: a camera's own id, a group's verdicts that had a frame. A
    /// format-4 segment brings its own.
    @Test func segmentsOfFormatsTwoAndThreeAreReplayedWithTheirCameras() async throws {
        let database = try await LedgerTests.migratedDatabase()
        let spool = LedgerTests.spoolDirectory()
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let id = "0190d3b2-7c00-7000-8000-000000000001"
        // Format 2: the group floor, whose only verdict (c1) had a frame. Format 3: a camera of its own,
        // its usage valid. Format 4, as this version writes it: three cameras of the group in the image.
        let formatThree = SpooledBatchTests.formatThreeSegment.replacingOccurrences(of: id, with: id.dropLast() + "3")
            .replacingOccurrences(of: "\tfloor\tgroup\t", with: "\tsolo\tcamera\t").replacingOccurrences(
                of: "\tc1\t0\t", with: "\tsolo\t\\N\t"
            )
            .replacingOccurrences(of: "promptTokenCount is -500\t{\"promptTokenCount\": -500}", with: "\\N\t\\N")
        let formatFour = SpooledBatchTests.formatFourSegment.replacingOccurrences(of: id, with: id.dropLast() + "4")
        for (index, segment) in [SpooledBatchTests.formatTwoSegment, formatThree, formatFour].enumerated() {
            try segment.write(toFile: spool + "/0000000000000000000\(index + 1).spool", atomically: true, encoding: .utf8)
        }
        let ledger = try UsageLedger(connectionString: database.url, spoolDirectory: spool, logger: Logger(label: "test"))
        #expect(await ledger.close())
        #expect(
            try await database.psql(
                "SELECT string_agg(right(request_id, 1) || '=' || source_id || camera_ids::text, ' ' ORDER BY request_id) FROM api_usage")
                == "1=floor{c1} 3=solo{solo} 4=floor{c1,c2,c4}")
        #expect(
            try await database.psql(
                "SELECT string_agg(right(request_id, 1) || '=' || camera_id || '=' || cost_share, ' ' ORDER BY request_id) FROM analyses")
                == "1=c1=0.000604430000 3=solo=0.000604430000 4=c1=0.000201476667")
        #expect(
            try await database.psql(
                "SELECT string_agg(camera_id || '=' || analyses || '=' || cost_share, ' ' ORDER BY camera_id) FROM camera_hourly")
                == "c1=2=0.000805906667 c2=1=0.000201476667 c4=1=0.000201476666 solo=1=0.000604430000")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool).isEmpty)
    }

    /// Camera ids reach `text[]` whole, whatever they hold, and each verdict finds its share by its id.
    @Test func anyCameraIDArrivesIntact() async throws {
        let database = try await LedgerTests.migratedDatabase()
        let odd = [#"a,b"#, #"q"u\o{t}e"#, "tab\tnew\nline", "NULL"]
        try await Self.write(
            [Self.call(at: Self.date("2026-10-05T10:20:00Z"), cameras: odd, present: odd, cost: Money("0.0000004"))], to: database.url)
        let hex = odd.map { $0.utf8.map { String(format: "%02x", $0) }.joined() }.joined(separator: ",")
        #expect(
            try await database.psql(
                "SELECT string_agg(encode(convert_to(c, 'UTF8'), 'hex'), ',' ORDER BY n) FROM api_usage, unnest(camera_ids) WITH ORDINALITY AS x(c, n)"
            )
                == hex)
        #expect(try await database.psql("SELECT count(*) FROM analyses WHERE cost_share = 0.0000001") == "4")
    }
}
