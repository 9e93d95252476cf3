import Foundation
import Testing
import VigilCore
import VigilTestSupport

/// `vigil run` end to end: real RTSP cameras, the Gemini stand-in over HTTP, a real PostgreSQL.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase && TestEnvironment.hasRTSP, "needs PostgreSQL and RTSP: run ./scripts/test"),
    .timeLimit(.minutes(4)))
struct DaemonTests {
    static let apiKey = "AIzaSyDAEMON-TEST-KEY-0123456789"

    /// A configuration for five cameras of the shared RTSP server: a group of four and one alone.
    static func configuration(
        database: String, gemini: String, spool: String, rtsp: String = TestEnvironment.rtspURL!,
        interval: Double = 2, extraCameras: String = "", singleURL: String? = nil, httpPort: Int = 0
    ) -> String {
        """
        {
          "database": {"url": "\(database)", "spool_directory": "\(spool)"},
          "http": {"listen": "127.0.0.1:\(httpPort)"},
          "gemini": {"base_url": "\(gemini)", "model": "gemini-2.5-flash", "request_timeout_seconds": 5, "max_attempts": 3},
          "analysis": {"interval_seconds": \(interval), "max_frame_age_seconds": 10},
          "capture": {"keyframe_interval_seconds": 2, "reconnect_initial_seconds": 0.5, "reconnect_max_seconds": 2},
          "clients": [{"id": "shop", "name": "Test Shop", "plan": {"markup_percent": "20", "vat_percent": "10"}}],
          "cameras": [
            {"id": "c1", "name": "Entrance", "url": "\(rtsp)/h264-1080p", "client": "shop"},
            {"id": "c2", "name": "Aisle", "url": "\(rtsp)/h264-720p", "client": "shop"},
            {"id": "c3", "name": "Stock", "url": "\(rtsp)/h265-720p", "client": "shop"},
            {"id": "c4", "name": "Bay", "url": "\(rtsp)/mjpeg-480p", "client": "shop"},
            {"id": "till", "name": "Till", "url": "\(singleURL ?? rtsp + "/h264-640x480")", "client": "shop"}\(extraCameras)
          ],
          "groups": [{"id": "floor", "name": "floor", "cameras": ["c1", "c2", "c3", "c4"]}]
        }
        """
    }

    struct Setup {
        let database: TestDatabase
        let standIn: GeminiStandIn
        let configPath: String
        let spool: String
    }

    static func setUp(
        faults: String = "", databaseBase: String? = TestEnvironment.databaseURL, rtsp: String = TestEnvironment.rtspURL!,
        singleURL: String? = nil, httpPort: Int = 0
    ) async throws -> Setup {
        let database = try await TestDatabase.create(on: databaseBase)
        let migrated = try await ProcessRunner.run(TestEnvironment.vigilExecutable, ["migrate", "--database-url", database.url])
        #expect(migrated.status == 0, "\(migrated.standardError)")
        let standIn = try await GeminiStandIn.start(apiKey: apiKey, faults: faults)
        let spool = NSTemporaryDirectory() + "vigil-daemon-spool-" + UUID().uuidString
        let path = NSTemporaryDirectory() + "vigil-daemon-\(UUID().uuidString).json"
        try configuration(
            database: database.url, gemini: standIn.baseURL, spool: spool, rtsp: rtsp, singleURL: singleURL, httpPort: httpPort
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        return Setup(database: database, standIn: standIn, configPath: path, spool: spool)
    }

    static func start(_ setup: Setup) throws -> DaemonProcess {
        try DaemonProcess(
            TestEnvironment.vigilExecutable, ["run", "--config", setup.configPath],
            environment: ["GEMINI_API_KEY": apiKey])
    }

    static func stop(_ daemon: DaemonProcess) async -> Int32? {
        daemon.signal(SIGTERM)
        return await daemon.wait(timeout: 60)
    }

    @Test func everyAnsweredCallIsOneRowWithItsVerdicts() async throws {
        let setup = try await Self.setUp()
        let daemon = try Self.start(setup)
        // Both sources: on a loaded machine the group (four streams to decode) can lag the till.
        #expect(await daemon.waitForLog("[Till] tokens", count: 4, timeout: 60), "\(daemon.log)")
        #expect(await daemon.waitForLog("[group floor] tokens", count: 4, timeout: 60), "\(daemon.log)")
        let status = await Self.stop(daemon)
        #expect(status == 0, "\(daemon.log)")
        // The service group stops monitoring first and closes the ledger last, with every row written.
        let log = daemon.log
        let monitoringStopped = try #require(log.range(of: "monitoring stopped"), "\(log)")
        let ledgerClosed = try #require(log.range(of: "usage ledger closed; every usage record is in the database"), "\(log)")
        #expect(monitoringStopped.upperBound < ledgerClosed.lowerBound)
        let answered = try await setup.standIn.stats()["requests"] ?? -1
        #expect(answered >= 8)
        #expect(try await setup.database.psql("SELECT count(*), count(DISTINCT request_id) FROM api_usage") == "\(answered)|\(answered)")
        #expect(try await setup.database.psql("SELECT count(*) FROM api_usage WHERE NOT success OR unpriced OR estimated") == "0")
        // A group row carries four verdicts, one per quadrant; a single camera's row one.
        #expect(
            try await setup.database.psql(
                """
                SELECT string_agg(DISTINCT u.source_kind || ':' || (SELECT count(*) FROM analyses a WHERE a.usage_id = u.id), ',')
                FROM api_usage u
                """) == "camera:1,group:4")
        #expect(
            try await setup.database.psql(
                "SELECT string_agg(DISTINCT camera_id, ',' ORDER BY camera_id) FROM analyses a JOIN api_usage u ON u.id = a.usage_id WHERE u.source_kind = 'group'"
            ) == "c1,c2,c3,c4")
        // Tokens in the rows equal the stand-in's sums; every call carries its stream sessions.
        let stats = try await setup.standIn.stats()
        #expect(
            try await setup.database.psql("SELECT sum(prompt_tokens) || '|' || sum(total_tokens) FROM api_usage")
                == "\(stats["prompt_tokens"]!)|\(stats["total_tokens"]!)")
        // Each call names the stream sessions of the cameras whose frames it showed.
        #expect(
            try await setup.database.psql("SELECT count(*) FROM api_usage WHERE cardinality(session_ids) BETWEEN 1 AND camera_count")
                == "\(answered)")
        #expect(
            try await setup.database.psql(
                "SELECT count(*) FROM api_usage u WHERE NOT (u.session_ids <@ (SELECT array_agg(id) FROM stream_sessions))") == "0")
        #expect(try await setup.database.psql("SELECT count(*) FROM stream_sessions WHERE ended_at IS NULL") == "0")
        // Each call names the cameras in its image (those whose verdict has a frame), in quadrant order,
        // and their verdicts' shares of its cost add up to it.
        #expect(
            try await setup.database.psql(
                """
                SELECT count(*) FROM api_usage u
                WHERE u.camera_ids = (SELECT array_agg(a.camera_id ORDER BY a.quadrant) FROM analyses a WHERE a.usage_id = u.id AND a.frame_size IS NOT NULL)
                  AND u.cost = (SELECT sum(a.cost_share) FROM analyses a WHERE a.usage_id = u.id)
                """) == "\(answered)")
        // The log: one line per call, and never the key.
        #expect(daemon.log.contains("[group floor] tokens prompt="))
        #expect(!daemon.log.contains(Self.apiKey))
        // Tokens per camera-sample in a group compared with a single camera's call, from the rows.
        let ratio = try await setup.database.psql(
            """
            SELECT round((avg(total_tokens) FILTER (WHERE source_kind = 'group') / 4) / avg(total_tokens) FILTER (WHERE source_kind = 'camera'), 3)
            FROM api_usage
            """)
        print("tokens per camera-sample, group vs single: \(ratio)")
    }

    @Test func faultsAreRowsAndNeverInventedVerdicts() async throws {
        let setup = try await Self.setUp(faults: "429:0.2s=0.07,503=0.07,malformed=0.06")
        let daemon = try Self.start(setup)
        #expect(await daemon.waitForLog("[Till] ", count: 8, timeout: 90), "\(daemon.log)")
        #expect(await Self.stop(daemon) == 0, "\(daemon.log)")
        let stats = try await setup.standIn.stats()
        let answered = stats["requests"] ?? -1
        #expect(try await setup.database.psql("SELECT count(*) FROM api_usage") == "\(answered)")
        let failedByStandIn = (stats["by_status.429"] ?? 0) + (stats["by_status.503"] ?? 0) + (stats["by_fault.malformed"] ?? 0)
        #expect(try await setup.database.psql("SELECT count(*) FROM api_usage WHERE NOT success") == "\(failedByStandIn)")
        #expect(
            try await setup.database.psql("SELECT count(*) FROM api_usage WHERE status_code = 429 AND NOT success")
                == "\(stats["by_status.429"] ?? 0)")
        // Verdicts only for successful calls: 4 per group call, 1 per single call.
        #expect(
            try await setup.database.psql(
                """
                SELECT count(*) FROM api_usage u
                WHERE (SELECT count(*) FROM analyses a WHERE a.usage_id = u.id) <> CASE WHEN NOT u.success THEN 0 WHEN u.source_kind = 'group' THEN 4 ELSE 1 END
                """) == "0")
        #expect(
            try await setup.database.psql("SELECT count(*) FROM api_usage WHERE NOT success AND error LIKE '%raw: %'")
                == "\(stats["by_fault.malformed"] ?? 0)")
    }

    @Test func rowsSurviveAPostgreSQLOutage() async throws {
        let cluster = try await PrivateCluster.start()
        let setup = try await Self.setUp(databaseBase: cluster.url)
        let daemon = try Self.start(setup)
        #expect(await daemon.waitForLog("[Till] tokens", count: 2, timeout: 60), "\(daemon.log)")
        try await cluster.stop()
        #expect(await daemon.waitForLog("spooling to disk", timeout: 60), "\(daemon.log)")
        let during = daemon.log.components(separatedBy: "[Till] tokens").count
        #expect(await daemon.waitForLog("[Till] tokens", count: during + 3, timeout: 60))
        try await cluster.start()
        #expect(await daemon.waitForLog("reachable again", timeout: 60), "\(daemon.log)")
        #expect(await Self.stop(daemon) == 0)
        let answered = try await setup.standIn.stats()["requests"] ?? -1
        #expect(try await setup.database.psql("SELECT count(*), count(DISTINCT request_id) FROM api_usage") == "\(answered)|\(answered)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: setup.spool))?.isEmpty ?? true)
    }

    @Test func aCameraDownDoesNotStopTheOthersAndComesBack() async throws {
        let own = try await RTSPTestServer.start(cameras: ["path=till,codec=h264,size=640x480,gop=1,color=0x9030A0"])
        let setup = try await Self.setUp(singleURL: "\(own.url)/till")
        let daemon = try Self.start(setup)
        #expect(await daemon.waitForLog("[Till] tokens", count: 1, timeout: 60), "\(daemon.log)")
        await own.stop()
        #expect(await daemon.waitForLog("camera=till", count: 2, timeout: 60), "\(daemon.log)")
        let groupCalls = daemon.log.components(separatedBy: "[group floor] tokens").count
        // The group keeps calling (every 2 s nominally; the bound allows for a loaded machine) while the till is down.
        #expect(await daemon.waitForLog("[group floor] tokens", count: groupCalls + 1, timeout: 60))
        try await own.start()
        #expect(await daemon.waitForLog("[camera=till] camera live", count: 2, timeout: 60), "\(daemon.log)")
        let tillCalls = daemon.log.components(separatedBy: "[Till] tokens").count
        #expect(await daemon.waitForLog("[Till] tokens", count: tillCalls, timeout: 60), "\(daemon.log)")
        #expect(await Self.stop(daemon) == 0)
        let log = daemon.log
        #expect(log.contains("[camera=till error="))
        #expect(log.components(separatedBy: "[camera=till] camera live").count - 1 >= 2)
    }

    @Test func hangupReloadsAddsAndRemovesAndRejectsAnInvalidFile() async throws {
        let setup = try await Self.setUp()
        let daemon = try Self.start(setup)
        #expect(await daemon.waitForLog("[Till] tokens", count: 1, timeout: 60), "\(daemon.log)")
        // Remove the till, add a door camera.
        let rtsp = TestEnvironment.rtspURL!
        var text = try String(contentsOfFile: setup.configPath, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "{\"id\": \"till\", \"name\": \"Till\", \"url\": \"\(rtsp)/h264-640x480\", \"client\": \"shop\"}",
            with: "{\"id\": \"door\", \"name\": \"Door\", \"url\": \"\(rtsp)/h264-640x480\", \"client\": \"shop\"}")
        try text.write(toFile: setup.configPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog("cameras_added=1", timeout: 60), "\(daemon.log)")
        #expect(daemon.log.contains("cameras_removed=1"))
        #expect(await daemon.waitForLog("[Door] tokens", count: 1, timeout: 60), "\(daemon.log)")
        // An invalid file is rejected, and monitoring goes on.
        try "{\"clients\": [], \"cameras\": [{\"id\": \"x\"}], \"oops\": 1}".write(
            toFile: setup.configPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog("the new configuration is invalid; keeping the running one", timeout: 60), "\(daemon.log)")
        let doorCalls = daemon.log.components(separatedBy: "[Door] tokens").count
        #expect(await daemon.waitForLog("[Door] tokens", count: doorCalls, timeout: 60))
        #expect(await Self.stop(daemon) == 0)
        #expect(daemon.log.contains("oops"))
    }

    @Test func secretsNeverReachTheLogs() async throws {
        let secured = try await RTSPTestServer.start(
            cameras: ["path=till,codec=h264,size=640x480,gop=1,color=0x9030A0"], auth: "admin:Cam3raPassw0rd")
        let setup = try await Self.setUp(singleURL: "rtsp://admin:Cam3raPassw0rd@127.0.0.1:\(secured.port)/till")
        let daemon = try Self.start(setup)
        #expect(await daemon.waitForLog("[Till] tokens", count: 1, timeout: 60), "\(daemon.log)")
        await secured.stop()
        // Reconnecting fails, and the failure names the URL: with its password masked.
        #expect(await daemon.waitForLog("nothing accepts connections at rtsp://admin:***@", timeout: 60), "\(daemon.log)")
        #expect(await Self.stop(daemon) == 0)
        let log = daemon.log
        #expect(!log.contains("Cam3raPassw0rd"))
        #expect(!log.contains(Self.apiKey))
        #expect(log.contains("admin:***@"))
        #expect(try await setup.database.psql("SELECT count(*) FROM cameras WHERE stream LIKE '%Cam3raPassw0rd%'") == "0")
    }

    @Test func metricsAndHealthAreServedInPrometheusFormat() async throws {
        let port = TestEnvironment.freePort()
        let secured = try await RTSPTestServer.start(
            cameras: ["path=till,codec=h264,size=640x480,gop=1,color=0x9030A0"], auth: "admin:Cam3raPassw0rd")
        let setup = try await Self.setUp(singleURL: "rtsp://admin:Cam3raPassw0rd@127.0.0.1:\(secured.port)/till", httpPort: port)
        let daemon = try Self.start(setup)
        #expect(await daemon.waitForLog("[Till] tokens", count: 2, timeout: 60), "\(daemon.log)")
        try await Task.sleep(for: .seconds(5))
        let base = "http://127.0.0.1:\(port)"
        let health = try await ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/healthz"])
        let ready = try await ProcessRunner.run("/usr/bin/curl", ["-s", base + "/readyz"])
        let metrics = try await ProcessRunner.run("/usr/bin/curl", ["-s", "-f", base + "/metrics"])
        #expect(await Self.stop(daemon) == 0)
        #expect(health.standardOutput == "200")
        #expect(ready.standardOutput == "ready\n")
        let text = metrics.standardOutput
        #expect(PrometheusText.problems(text).isEmpty, "\(PrometheusText.problems(text))")
        for name in [
            "vigil_gemini_calls_total", "vigil_tokens_total", "vigil_cost_nanodollars_total", "vigil_camera_up",
            "vigil_frames_decoded_total", "vigil_frames_sampled_total", "vigil_camera_decode_mode", "vigil_spool_segments",
            "vigil_database_up", "vigil_gemini_call_duration_seconds_bucket", "vigil_usage_rows_written_total",
        ] {
            #expect(text.contains(name + "{") || text.contains(name + " "), "missing \(name)")
        }
        #expect(text.contains("vigil_camera_up{camera=\"till\"} 1"))
        // The spend per client: the configuration's one client, "shop", has been charged.
        #expect(
            PrometheusText.samples(text, of: "vigil_cost_nanodollars_total").contains { $0.labels["client"] == "shop" && $0.value > 0 },
            "no cost for client shop")
        if let promtool = try await PrometheusText.promtool(text) {
            #expect(promtool.status == 0, "promtool check metrics: \(promtool.standardOutput)\(promtool.standardError)")
            #expect(
                promtool.standardOutput.isEmpty && promtool.standardError.isEmpty, "\(promtool.standardOutput)\(promtool.standardError)")
        }
        #expect(!text.contains("Cam3raPassw0rd"))
        #expect(!text.contains(Self.apiKey))
    }

    @Test func pendingMigrationsStopTheStartWithTheCommandToRun() async throws {
        let database = try await TestDatabase.create()
        let path = NSTemporaryDirectory() + "vigil-unmigrated-\(UUID().uuidString).json"
        try Self.configuration(
            database: database.url, gemini: "http://127.0.0.1:9", spool: NSTemporaryDirectory() + "s-" + UUID().uuidString
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["run", "--config", path], environment: ["GEMINI_API_KEY": "k"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("Run: vigil migrate --config \(path)"))
    }
}

/// A strict check of the Prometheus text exposition format (what promtool's parser requires, and
/// its lint's demand that every family has `# HELP` text), and promtool itself where installed.
enum PrometheusText {
    /// One sample line: its metric name (a histogram's with `_bucket`, `_sum` or `_count`), labels and value.
    struct Sample {
        var metric: String
        var labels: [String: String]
        var value: Double
    }

    /// A sample line's metric name, labels (`{...}`, escapes kept) and value; nil when it is not one.
    static func parse(sample line: Substring) -> (metric: String, labels: String, value: String)? {
        let sample =
            #/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*,?)?\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)( -?[0-9]+)?$/#
        guard let match = try? sample.wholeMatch(in: String(line)) else { return nil }
        return (String(match.1), String(match.2 ?? ""), String(match.5))
    }

    /// What is wrong with `text`, one line per problem; empty when nothing is.
    static func problems(_ text: String) -> [String] {
        var problems: [String] = []
        var types: [String: String] = [:]
        var helped: Set<String> = []
        let name = #/^[a-zA-Z_:][a-zA-Z0-9_:]*$/#
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, (try? name.wholeMatch(in: String(parts[2]))) != nil,
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(String(parts[3]))
                else {
                    problems.append("bad TYPE line: \(line)")
                    continue
                }
                if types[String(parts[2])] != nil { problems.append("duplicate TYPE for \(parts[2])") }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("# HELP ") {
                let parts = line.split(separator: " ", maxSplits: 3)
                guard parts.count == 4, (try? name.wholeMatch(in: String(parts[2]))) != nil,
                    !parts[3].trimmingCharacters(in: .whitespaces).isEmpty
                else {
                    problems.append("bad HELP line: \(line)")
                    continue
                }
                if !helped.insert(String(parts[2])).inserted { problems.append("duplicate HELP for \(parts[2])") }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let metric = parse(sample: line)?.metric else {
                problems.append("bad sample line: \(line)")
                continue
            }
            let family = [
                metric, metric.replacingOccurrences(of: "_bucket", with: ""), metric.replacingOccurrences(of: "_sum", with: ""),
                metric.replacingOccurrences(of: "_count", with: ""),
            ].first { types[$0] != nil }
            if family == nil { problems.append("sample without TYPE: \(metric)") }
            if types[metric] == "counter" && !metric.hasSuffix("_total") { problems.append("counter not ending in _total: \(metric)") }
        }
        for name in types.keys.sorted() where !helped.contains(name) { problems.append("no HELP for \(name)") }
        return problems
    }

    /// The families of `text` (the names of its `# TYPE` lines).
    static func families(_ text: String) -> Set<String> {
        Set(
            text.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: " ")
                return line.hasPrefix("# TYPE ") && parts.count == 4 ? String(parts[2]) : nil
            })
    }

    /// The samples of `text` whose metric name is `metric`.
    static func samples(_ text: String, of metric: String) -> [Sample] {
        let label = #/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/#
        return text.split(separator: "\n").compactMap { line -> Sample? in
            guard let sample = parse(sample: line), sample.metric == metric, let value = Double(sample.value) else { return nil }
            var labels: [String: String] = [:]
            for match in sample.labels.matches(of: label) { labels[String(match.1)] = String(match.2) }
            return Sample(metric: metric, labels: labels, value: value)
        }
    }

    /// `promtool check metrics` run on `text`, or nil when promtool is not installed (Debian's
    /// `prometheus` package; `scripts/test` installs it). Exit status 0 and no output mean no problem.
    static func promtool(_ text: String) async throws -> ProcessOutput? {
        let path = "/usr/bin/promtool"
        guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return try await ProcessRunner.run(path, ["check", "metrics"], input: text)
    }
}
