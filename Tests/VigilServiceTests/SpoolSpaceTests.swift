import Foundation
import Testing
import VigilTestSupport

/// The daemon with its usage spool on a small file system of its own (a tmpfs, which needs root):
/// when the spool cannot take records, no Gemini call is made until it can.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase && TestEnvironment.hasRTSP, "needs PostgreSQL and RTSP: run ./scripts/test"),
    .enabled(if: getuid() == 0, "mounts a tmpfs: needs root (CI and scripts/test as root)"),
    .timeLimit(.minutes(4)))
struct SpoolSpaceTests {
    /// A spool on a 16 MiB tmpfs of its own, unmounted when the test ends.
    static func smallSpool() async throws -> String {
        let spool = NSTemporaryDirectory() + "vigil-small-spool-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let mounted = try await ProcessRunner.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", spool])
        try #require(mounted.status == 0, "\(mounted.standardError)")
        return spool
    }

    /// The daemon's configuration, with the spool on `spool` and a reserve of 4 MiB.
    static func useSpool(_ spool: String, in setup: DaemonTests.Setup) throws {
        var text = try String(contentsOfFile: setup.configPath, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "\"spool_directory\": \"\(setup.spool)\"", with: "\"spool_directory\": \"\(spool)\", \"spool_reserve_mb\": 4")
        try text.write(toFile: setup.configPath, atomically: true, encoding: .utf8)
    }

    /// Fills `spool`'s file system to within 3 MiB, below the reserve; returns the filler's path.
    static func fillBelowReserve(_ spool: String) async throws -> String {
        let fillPath = spool + "/filler.bin"
        let filled = try await ProcessRunner.run("/usr/bin/fallocate", ["-l", "\(13 << 20)", fillPath])
        try #require(filled.status == 0, "\(filled.standardError)")
        return fillPath
    }

    /// Once the daemon says calls are held: lets calls in flight finish, runs `meanwhile`, and
    /// expects no request to reach the stand-in over three more intervals of 2 s.
    static func expectNoCallsWhileHeld(
        _ daemon: DaemonProcess, _ setup: DaemonTests.Setup, meanwhile: () async throws -> Void = {}
    ) async throws {
        #expect(await daemon.waitForLog("the usage spool cannot take records", timeout: 60), "\(daemon.log)")
        try await Task.sleep(for: .seconds(3))
        let heldAt = try await setup.standIn.stats()["requests"] ?? -1
        try await meanwhile()
        try await Task.sleep(for: .seconds(6))
        #expect(try await setup.standIn.stats()["requests"] == heldAt, "calls were made while the spool could not take their rows")
    }

    @Test func callsStopWhileTheSpoolIsBelowItsReserveAndResumeWhenSpaceReturns() async throws {
        let spool = try await Self.smallSpool()
        defer { _ = try? ProcessRunner.runBlocking("/usr/bin/umount", ["-l", spool]) }
        let port = TestEnvironment.freePort()
        let setup = try await DaemonTests.setUp(httpPort: port)
        try Self.useSpool(spool, in: setup)
        let daemon = try DaemonTests.start(setup)
        #expect(await daemon.waitForLog("[Till] tokens", count: 2, timeout: 60), "\(daemon.log)")
        let fillPath = try await Self.fillBelowReserve(spool)
        var ready: ProcessOutput?
        var metrics: ProcessOutput?
        try await Self.expectNoCallsWhileHeld(daemon, setup) {
            ready = try await ProcessRunner.run("/usr/bin/curl", ["-s", "-w", " %{http_code}", "http://127.0.0.1:\(port)/readyz"])
            metrics = try await ProcessRunner.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(port)/metrics"])
        }
        let readyText = ready?.standardOutput ?? ""
        #expect(readyText.hasSuffix(" 503") && readyText.contains("usage spool"), "\(readyText)")
        #expect(metrics?.standardOutput.contains("vigil_spool_writable 0") == true)

        // Space returns: calls resume by themselves.
        try FileManager.default.removeItem(atPath: fillPath)
        #expect(await daemon.waitForLog("Gemini calls resume", timeout: 60), "\(daemon.log)")
        let tillCalls = daemon.log.components(separatedBy: "[Till] tokens").count
        #expect(await daemon.waitForLog("[Till] tokens", count: tillCalls, timeout: 60), "\(daemon.log)")
        #expect(await DaemonTests.stop(daemon) == 0, "\(daemon.log)")
        let answered = try await setup.standIn.stats()["requests"] ?? -1
        #expect(try await setup.database.psql("SELECT count(*) FROM api_usage") == "\(answered)")
        #expect(!daemon.log.contains("it is lost"))
    }

    /// The same with PostgreSQL down: rows pile up in the spool until it is below its reserve, then
    /// calls stop; when space and PostgreSQL return, every call made is a row.
    @Test func withPostgreSQLDownCallsStopWhenTheSpoolFillsAndEveryCallIsARowAfter() async throws {
        let spool = try await Self.smallSpool()
        defer { _ = try? ProcessRunner.runBlocking("/usr/bin/umount", ["-l", spool]) }
        let cluster = try await PrivateCluster.start()
        let setup = try await DaemonTests.setUp(databaseBase: cluster.url)
        try Self.useSpool(spool, in: setup)
        let daemon = try DaemonTests.start(setup)
        #expect(await daemon.waitForLog("[Till] tokens", count: 2, timeout: 60), "\(daemon.log)")
        try await cluster.stop()
        #expect(await daemon.waitForLog("spooling to disk", timeout: 60), "\(daemon.log)")
        let fillPath = try await Self.fillBelowReserve(spool)
        try await Self.expectNoCallsWhileHeld(daemon, setup)
        try FileManager.default.removeItem(atPath: fillPath)
        try await cluster.start()
        #expect(await daemon.waitForLog("Gemini calls resume", timeout: 60), "\(daemon.log)")
        #expect(await daemon.waitForLog("reachable again", timeout: 60), "\(daemon.log)")
        #expect(await DaemonTests.stop(daemon) == 0, "\(daemon.log)")
        let answered = try await setup.standIn.stats()["requests"] ?? -1
        #expect(try await setup.database.psql("SELECT count(*), count(DISTINCT request_id) FROM api_usage") == "\(answered)|\(answered)")
        #expect(!daemon.log.contains("it is lost"))
    }
}
