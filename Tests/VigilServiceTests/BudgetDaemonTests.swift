import Foundation
import Testing
import VigilCore
import VigilTestSupport

/// Client budgets in `vigil run`: a tiny limit with several cameras stops the calls with the
/// overshoot bounded by the calls in flight, each crossing is recorded once, and raising the limit
/// by SIGHUP resumes.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase && TestEnvironment.hasRTSP, "needs PostgreSQL and RTSP: run ./scripts/test"),
    .timeLimit(.minutes(4)))
struct BudgetDaemonTests {
    static let apiKey = "AIzaSyBUDGET-TEST-KEY-0123456789abcd"

    static let hookSecret = "whsec-budget-4c1d"

    static func configuration(database: String, gemini: String, spool: String, rtsp: String, limit: String, hook: String) -> String {
        """
        {
          "database": {"url": "\(database)", "spool_directory": "\(spool)"},
          "alerts": {"evidence_directory": "\(spool)-evidence", "webhooks": [{"name": "ops", "url": "\(hook)", "secret": "\(hookSecret)"}]},
          "http": {"listen": "127.0.0.1:0"},
          "gemini": {"base_url": "\(gemini)", "model": "gemini-2.5-flash", "request_timeout_seconds": 5, "max_attempts": 1},
          "analysis": {"interval_seconds": 1, "max_frame_age_seconds": 5},
          "capture": {"keyframe_interval_seconds": 1},
          "clients": [
            {"id": "shop", "name": "Test Shop", "time_zone": "Asia/Kolkata",
             "budget": {"monthly_limit": "\(limit)", "warn_at_percent": [50, 80], "degrade_at_percent": 90, "degrade_factor": 3, "at_limit": "pause"}},
            {"id": "free", "name": "No Budget"}
          ],
          "cameras": [
            {"id": "a", "url": "\(rtsp)/a", "client": "shop"},
            {"id": "b", "url": "\(rtsp)/b", "client": "shop"},
            {"id": "c", "url": "\(rtsp)/c", "client": "shop"},
            {"id": "other", "url": "\(rtsp)/a", "client": "free"}
          ]
        }
        """
    }

    @Test func callsStopAtTheLimitAndResumeWhenItIsRaised() async throws {
        let server = try await RTSPTestServer.start(cameras: [
            "path=a,codec=h264,size=640x360,gop=1", "path=b,codec=h264,size=640x360,gop=1", "path=c,codec=h264,size=640x360,gop=1",
        ])
        let database = try await TestDatabase.create(on: TestEnvironment.databaseURL)
        let migrated = try await ProcessRunner.run(TestEnvironment.vigilExecutable, ["migrate", "--database-url", database.url])
        #expect(migrated.status == 0, "\(migrated.standardError)")
        let standIn = try await GeminiStandIn.start(apiKey: Self.apiKey)
        let hook = try await WebhookReceiver(secrets: [Self.hookSecret])
        let path = NSTemporaryDirectory() + "vigil-budget-\(UUID().uuidString).json"
        let spool = NSTemporaryDirectory() + "vigil-budget-spool-" + UUID().uuidString
        // About 25 calls of three 640x360 cameras at gemini-2.5-flash's list price.
        let limit = "0.0035"
        try Self.configuration(
            database: database.url, gemini: standIn.baseURL, spool: spool, rtsp: server.url, limit: limit, hook: hook.url
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            TestEnvironment.vigilExecutable, ["run", "--config", path], environment: ["GEMINI_API_KEY": Self.apiKey])
        #expect(await daemon.waitForLog("client paused: its monthly budget is spent", timeout: 120), "\(daemon.log)")
        // Paused: the shop's calls stop (the calls in flight end), the other client's go on.
        try await Task.sleep(for: .seconds(2))
        let stopped = try await database.psql("SELECT count(*) FROM api_usage u JOIN clients c ON c.id = u.client_id WHERE c.code = 'shop'")
        try await Task.sleep(for: .seconds(4))
        #expect(
            try await database.psql("SELECT count(*) FROM api_usage u JOIN clients c ON c.id = u.client_id WHERE c.code = 'shop'")
                == stopped)
        let spent = try #require(
            Money(try await database.psql("SELECT sum(cost) FROM api_usage u JOIN clients c ON c.id = u.client_id WHERE c.code = 'shop'")))
        let largest = try #require(
            Money(try await database.psql("SELECT max(cost) FROM api_usage u JOIN clients c ON c.id = u.client_id WHERE c.code = 'shop'")))
        // The limit is overshot by at most the calls in flight: one per camera.
        #expect(spent >= Money(limit)!)
        #expect(spent <= Money(limit)! + largest * 3, "spent \(spent), largest call \(largest)")
        #expect(
            try await database.psql("SELECT count(*) FROM api_usage u JOIN clients c ON c.id = u.client_id WHERE c.code = 'free'") != "0")
        // Each crossing once, in the client's month (Asia/Kolkata).
        try await Task.sleep(for: .seconds(6))
        #expect(
            try await database.psql("SELECT string_agg(event, ',' ORDER BY event) FROM budget_events")
                == "degrade,limit,warn_50,warn_80")
        #expect(try await database.psql("SELECT count(*) FROM budget_events WHERE monthly_limit = \(limit)") == "4")
        #expect(daemon.log.contains("client near its monthly budget: sampled 3 times less often"))
        // Each crossing is also an alert of kind budget, signed, with its level and amounts.
        let budgetAlerts = try await hook.waitForReceived(count: 4, where: { $0.string("kind") == "budget" }, timeout: 60)
        #expect(Set(budgetAlerts.compactMap { $0.string("level") }) == ["degrade", "limit", "warn_50", "warn_80"])
        #expect(budgetAlerts.allSatisfy { $0.signatureValid && $0.string("client") == "shop" && $0.string("limit") == limit })

        // Raising the limit by SIGHUP resumes the shop's calls.
        try Self.configuration(
            database: database.url, gemini: standIn.baseURL, spool: spool, rtsp: server.url, limit: "5.00", hook: hook.url
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog("client resumed", timeout: 30), "\(daemon.log)")
        try await Task.sleep(for: .seconds(4))
        let resumed = try await database.psql(
            "SELECT count(*) FROM api_usage u JOIN clients c ON c.id = u.client_id WHERE c.code = 'shop'")
        #expect((Int(resumed) ?? 0) > (Int(stopped) ?? 0))
        #expect(try await database.psql("SELECT count(*) FROM budget_events WHERE event = 'resume'") == "1")
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 60) == 0, "\(daemon.log)")
        // vigil usage --by client shows the budget: limit, spent, percent, state.
        let usage = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["usage", "--config", path, "--days", "1", "--by", "client", "--format", "json"])
        #expect(usage.status == 0, "\(usage.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(usage.standardOutput.utf8)) as? [String: Any]
        let budgets = report?["budgets"] as? [[String: Any]]
        #expect(budgets?.count == 1 && budgets?.first?["client"] as? String == "shop" && budgets?.first?["limit"] as? String == "5")
        #expect(budgets?.first?["state"] as? String == "normal", "\(usage.standardOutput)")
        // Requests equal rows: pausing never dropped a call that was made.
        let requests = try await standIn.stats()["requests"] ?? -1
        #expect(try await database.psql("SELECT count(*) FROM api_usage") == "\(requests)")
    }
}
