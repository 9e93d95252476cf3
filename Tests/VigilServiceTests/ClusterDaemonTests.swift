import Foundation
import Testing
import VigilTestSupport

/// Cluster mode end to end: several `vigil run` processes sharing one configuration's sources
/// through a real PostgreSQL, real RTSP streams and the stand-in over HTTP.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase && TestEnvironment.hasRTSP, "needs PostgreSQL and RTSP: run ./scripts/test"),
    .timeLimit(.minutes(8)))
struct ClusterDaemonTests {
    static let apiKey = "AIzaSyCLUSTER-TEST-KEY-0123456789abcd"
    static let leaseSeconds = 6.0
    static let interval = 2.0
    static let sources = (1...8).map { "s\($0)" }

    struct Setup {
        var database: String
        var psql: @Sendable (String) async throws -> String
        var standIn: GeminiStandIn
        var configPath: String
        var folder: String
    }

    static func setUp(databaseURL: String, psql: @escaping @Sendable (String) async throws -> String, rtsp: RTSPTestServer) async throws
        -> Setup
    {
        let migrated = try await ProcessRunner.run(TestEnvironment.vigilExecutable, ["migrate", "--database-url", databaseURL])
        #expect(migrated.status == 0, "\(migrated.standardError)")
        let standIn = try await GeminiStandIn.start(apiKey: apiKey)
        let folder = NSTemporaryDirectory() + "vigil-cluster-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cameras = sources.map { #"{"id": "\#($0)", "url": "\#(rtsp.url)/cam", "client": "shop"}"# }.joined(separator: ",\n    ")
        let configuration = """
            {
              "database": {"url": "\(databaseURL)", "spool_directory": "SPOOL"},
              "gemini": {"base_url": "\(standIn.baseURL)", "model": "gemini-2.5-flash", "request_timeout_seconds": 10, "max_attempts": 1},
              "analysis": {"interval_seconds": \(interval), "max_frame_age_seconds": 10, "scene_gate": {"enabled": false}},
              "capture": {"keyframe_interval_seconds": 1},
              "http": {"listen": "127.0.0.1:0"},
              "cluster": {"enabled": true, "lease_seconds": \(leaseSeconds)},
              "clients": [{"id": "shop", "name": "Test Shop"}],
              "cameras": [
                \(cameras)
              ]
            }
            """
        let path = folder + "/vigil.json"
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        return Setup(database: databaseURL, psql: psql, standIn: standIn, configPath: path, folder: folder)
    }

    /// Starts node `name` with a spool of its own.
    static func node(_ name: String, _ setup: Setup) throws -> DaemonProcess {
        let configuration = try String(contentsOfFile: setup.configPath, encoding: .utf8)
            .replacingOccurrences(of: "SPOOL", with: setup.folder + "/spool-" + name)
        let path = setup.folder + "/vigil-\(name).json"
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        return try DaemonProcess(
            TestEnvironment.vigilExecutable, ["run", "--config", path, "--node", name], environment: ["GEMINI_API_KEY": apiKey])
    }

    /// Source → owner of the unexpired leases.
    static func owners(_ setup: Setup) async throws -> [String: String] {
        let text = try await setup.psql(
            "SELECT string_agg(source_id || '=' || node, ',' ORDER BY source_id) FROM source_leases WHERE expires_at > now()")
        var result: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=")
            if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    static func waitUntil(timeout: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// (source, interval slot) pairs with rows of two nodes: analyses made twice.
    static func overlaps(_ setup: Setup) async throws -> String {
        try await setup.psql(
            """
            SELECT count(*) FROM (SELECT source_id, floor(extract(epoch FROM "timestamp") / \(interval)) AS slot
                                  FROM api_usage GROUP BY 1, 2 HAVING count(DISTINCT node) > 1) o
            """)
    }

    /// Three nodes share eight sources, each held by exactly one; a second node of a name is
    /// refused; a SIGKILLed node's sources are analysed again within a lease and an interval (and
    /// the time a stream takes to open); a node paused past its lease does not call for the
    /// sources it lost; SIGTERM hands sources over at once. No slot is analysed twice, and every
    /// request the stand-in answered is a row.
    @Test func sourcesAreSharedAndFailOverWithoutDoubleAnalysis() async throws {
        let rtsp = try await RTSPTestServer.start(cameras: ["path=cam,codec=h264,size=320x180,gop=1"])
        let database = try await TestDatabase.create(on: TestEnvironment.databaseURL)
        let setup = try await Self.setUp(databaseURL: database.url, psql: { try await database.psql($0) }, rtsp: rtsp)
        var nodes = try ["n1", "n2", "n3"].map { try Self.node($0, setup) }
        #expect(
            await Self.waitUntil(timeout: 90) {
                let owners = (try? await Self.owners(setup)) ?? [:]
                return owners.count == 8 && Set(owners.values).count == 3
            }, "\(nodes.map(\.log).joined(separator: "\n---\n"))")
        let shares = Dictionary(grouping: try await Self.owners(setup).values, by: { $0 }).mapValues(\.count)
        #expect(shares.values.allSatisfy { (2...3).contains($0) }, "\(shares)")

        // A second live node named n1 is refused at start.
        let twin = try Self.node("n1", setup)
        #expect(await twin.wait(timeout: 60) == 1)
        #expect(twin.log.contains("another live node is named n1"), "\(twin.log)")

        try await Task.sleep(for: .seconds(8))
        // SIGKILL n1: its sources are called by others within the bound.
        let before = try await Self.owners(setup)
        let lost = before.filter { $0.value == "n1" }.map(\.key)
        nodes[0].signal(SIGKILL)
        _ = await nodes[0].wait(timeout: 30)
        let killedAt = try await setup.psql("SELECT extract(epoch FROM now())")
        // Bound: a lease, an interval, and the time a new owner takes to open a stream and decode a keyframe (5 s here).
        let bound = Self.leaseSeconds + Self.interval + 5
        #expect(
            await Self.waitUntil(timeout: 60) {
                let owners = (try? await Self.owners(setup)) ?? [:]
                return lost.allSatisfy { owners[$0] != nil && owners[$0] != "n1" }
            })
        try await Task.sleep(for: .seconds(Self.interval * 3))
        for source in lost {
            let first = try await setup.psql(
                "SELECT extract(epoch FROM min(\"timestamp\")) - \(killedAt) FROM api_usage WHERE source_id = '\(source)' AND node <> 'n1' AND \"timestamp\" > to_timestamp(\(killedAt))"
            )
            #expect((Double(first) ?? 999) <= bound, "source \(source) called again \(first) s after the kill (bound \(bound) s)")
        }

        // SIGSTOP n2 past its lease, then SIGCONT: it makes no call for what it lost meanwhile.
        let pausedAt = try await setup.psql("SELECT now()")
        nodes[1].signal(SIGSTOP)
        try await Task.sleep(for: .seconds(Self.leaseSeconds + 5))
        nodes[1].signal(SIGCONT)
        try await Task.sleep(for: .seconds(8))
        let afterPause = try await setup.psql(
            """
            SELECT count(*) FROM api_usage u
            WHERE u.node = 'n2' AND u."timestamp" > '\(pausedAt)'::timestamptz
              AND EXISTS (SELECT 1 FROM source_lease_epochs e WHERE e.source_id = u.source_id AND e.epoch > u.lease_epoch AND e.started_at <= u."timestamp")
            """)
        #expect(afterPause == "0")

        // SIGTERM n3: its sources go to the others at once (well within a lease).
        let handed = try await Self.owners(setup).filter { $0.value == "n3" }.map(\.key)
        nodes[2].signal(SIGTERM)
        #expect(await nodes[2].wait(timeout: 60) == 0, "\(nodes[2].log)")
        let releasedAt = Date()
        #expect(
            await Self.waitUntil(timeout: 30) {
                let owners = (try? await Self.owners(setup)) ?? [:]
                return handed.allSatisfy { owners[$0] != nil && owners[$0] != "n3" }
            })
        #expect(Date().timeIntervalSince(releasedAt) < Self.leaseSeconds, "taken over only after the lease would have expired")
        try await Task.sleep(for: .seconds(4))

        nodes[1].signal(SIGTERM)
        #expect(await nodes[1].wait(timeout: 60) == 0, "\(nodes[1].log)")
        nodes.removeAll()
        // No slot analysed twice, no row superseded, every request a row.
        #expect(try await Self.overlaps(setup) == "0")
        #expect(try await setup.psql("SELECT count(*) FROM api_usage WHERE lease_superseded") == "0")
        let requests = try await setup.standIn.stats()["requests"] ?? -1
        #expect(try await setup.psql("SELECT count(*) FROM api_usage") == "\(requests)")
        #expect(try await setup.psql("SELECT count(*) FROM api_usage WHERE node IS NULL OR lease_epoch IS NULL") == "0")
        #expect(try await setup.psql("SELECT count(*) FROM cluster_nodes WHERE stopped_at IS NULL AND name IN ('n2', 'n3')") == "0")
    }

    /// PostgreSQL stopped for longer than a lease: the nodes stop calling once their leases lapse,
    /// re-claim and resume when it returns; no slot is analysed twice and every call is a row
    /// (those spooled while it was away included).
    @Test func nodesStopCallingWhilePostgreSQLIsAway() async throws {
        let rtsp = try await RTSPTestServer.start(cameras: ["path=cam,codec=h264,size=320x180,gop=1"])
        let cluster = try await PrivateCluster.start()
        let url = cluster.url
        let setup = try await Self.setUp(
            databaseURL: url, psql: { try await ProcessRunner.psql(url, $0) }, rtsp: rtsp)
        let nodes = try ["p1", "p2"].map { try Self.node($0, setup) }
        #expect(
            await Self.waitUntil(timeout: 90) { ((try? await Self.owners(setup)) ?? [:]).count == 8 },
            "\(nodes.map(\.log).joined(separator: "\n---\n"))")
        try await Task.sleep(for: .seconds(4))
        try await cluster.stop()
        // Within a lease (and the margin) calls stop.
        try await Task.sleep(for: .seconds(Self.leaseSeconds + 2))
        let stopped = try await setup.standIn.stats()["requests"] ?? -1
        try await Task.sleep(for: .seconds(6))
        #expect(try await setup.standIn.stats()["requests"] == stopped, "calls went on without a lease")
        #expect(nodes.allSatisfy { $0.log.contains("leases lapsed without renewal") })
        try await cluster.start()
        #expect(await Self.waitUntil(timeout: 90) { ((try? await Self.owners(setup)) ?? [:]).count == 8 })
        let resumed = await Self.waitUntil(timeout: 60) { ((try? await setup.standIn.stats()["requests"]) ?? 0) > stopped + 4 }
        #expect(resumed)
        for node in nodes { node.signal(SIGTERM) }
        for node in nodes { #expect(await node.wait(timeout: 60) == 0, "\(node.log)") }
        #expect(try await Self.overlaps(setup) == "0")
        let requests = try await setup.standIn.stats()["requests"] ?? -1
        #expect(try await setup.psql("SELECT count(*) FROM api_usage") == "\(requests)")
    }
}
