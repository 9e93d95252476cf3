import Foundation
import Testing
import VigilCore
import VigilTestSupport

/// `vigil run` killed (SIGKILL) while its calls wait for Gemini's answers: every request that went
/// on the wire is still a row after the restart, the unanswered ones with outcome unknown.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase && TestEnvironment.hasRTSP, "needs PostgreSQL and RTSP: run ./scripts/test"),
    .timeLimit(.minutes(4)))
struct KilledInFlightTests {
    @Test func callsInFlightAtSIGKILLAreRowsWithOutcomeUnknownAfterTheRestart() async throws {
        let setup = try await DaemonTests.setUp()
        let daemon = try DaemonTests.start(setup)
        #expect(await daemon.waitForLog("[Till] tokens", count: 2, timeout: 60), "\(daemon.log)")
        // Every answer now takes 6 s: kill the daemon while a call waits for one, its intent in the spool.
        try await setup.standIn.setFaults("slow:6=1.0")
        // An intent that is still there half a second later belongs to a slow call (a fast call that
        // started before the fault can leave an intent for a few milliseconds, and be gone at the kill).
        func intents() -> Set<String> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: setup.spool)) ?? []).filter { $0.hasSuffix(".intent") })
        }
        var seen: Set<String> = []
        var lasting: Set<String> = []
        var waited = 0
        while lasting.isEmpty && waited < 120 {
            try await Task.sleep(for: .milliseconds(500))
            let now = intents()
            lasting = seen.intersection(now)
            seen = now
            waited += 1
        }
        #expect(!lasting.isEmpty, "no call waited for its answer within 60 s")
        daemon.signal(SIGKILL)
        _ = await daemon.wait(timeout: 30)
        // The stand-in answers the killed daemon's calls (into closed sockets) within 6 s, counting each.
        try await Task.sleep(for: .seconds(8))
        try await setup.standIn.setFaults("")
        let restarted = try DaemonTests.start(setup)
        #expect(await restarted.waitForLog("recorded with outcome unknown", timeout: 60), "\(restarted.log)")
        #expect(await restarted.waitForLog("[Till] tokens", count: 1, timeout: 60), "\(restarted.log)")
        #expect(await DaemonTests.stop(restarted) == 0, "\(restarted.log)")
        let requests = try await setup.standIn.stats()["requests"] ?? -1
        #expect(try await setup.database.psql("SELECT count(*), count(DISTINCT request_id) FROM api_usage") == "\(requests)|\(requests)")
        let unknown = Int(try await setup.database.psql("SELECT count(*) FROM api_usage WHERE outcome = 'unknown'")) ?? 0
        #expect(unknown >= 1)
        // Outcome unknown: not a success, usage estimated, no cost, no verdict.
        #expect(
            try await setup.database.psql(
                "SELECT count(*) FROM api_usage u WHERE outcome = 'unknown' AND NOT success AND estimated AND cost IS NULL AND NOT unpriced AND NOT EXISTS (SELECT 1 FROM analyses a WHERE a.usage_id = u.id)"
            ) == "\(unknown)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: setup.spool))?.isEmpty ?? true)

        // The usage report counts them; an operator who decides to bill them prices them in.
        let usage = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["usage", "--days", "1", "--format", "json", "--database-url", setup.database.url])
        #expect(usage.status == 0, "\(usage.standardError)")
        #expect((try JSONParser.parse(usage.standardOutput))["total"]?["unknown_outcome_calls"]?.numberText == "\(unknown)")
        let priced = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["prices", "reprice", "--unknown", "--database-url", setup.database.url])
        #expect(priced.status == 0 && priced.standardOutput.contains("\(unknown) call"), "\(priced.standardOutput)\(priced.standardError)")
        #expect(try await setup.database.psql("SELECT count(*) FROM api_usage WHERE outcome = 'unknown' AND cost > 0") == "\(unknown)")
        #expect(
            try await setup.database.psql(
                "SELECT (SELECT sum(cost) FROM usage_hourly) = (SELECT sum(cost) FROM api_usage WHERE cost IS NOT NULL)") == "t")
    }
}
