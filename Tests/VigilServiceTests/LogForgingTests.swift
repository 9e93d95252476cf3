import Foundation
import Testing
import VigilTestSupport

/// `vigil run` with names and a camera URL an attacker chose: its log keeps one event a line, with
/// every control character shown escaped, so no fake line and no terminal escape reaches the journal.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase && TestEnvironment.hasRTSP, "needs PostgreSQL and RTSP: run ./scripts/test"),
    .timeLimit(.minutes(4)))
struct LogForgingTests {
    static let apiKey = "AIzaSyLOGFORGING-TEST-KEY-0123456789"

    /// A configuration whose till camera, group, client and an unreachable camera's URL carry
    /// newlines, carriage returns, ESC and U+2028 (JSON escapes, so the file itself is one valid JSON text).
    static func configuration(database: String, gemini: String, spool: String, rtsp: String, deadPort: Int) -> String {
        #"""
        {
          "database": {"url": "\#(database)", "spool_directory": "\#(spool)"},
          "http": {"listen": "127.0.0.1:0"},
          "gemini": {"base_url": "\#(gemini)", "model": "gemini-2.5-flash", "request_timeout_seconds": 5, "max_attempts": 3},
          "analysis": {"interval_seconds": 2, "max_frame_age_seconds": 10},
          "capture": {"keyframe_interval_seconds": 2, "reconnect_initial_seconds": 0.5, "reconnect_max_seconds": 2},
          "clients": [{"id": "shop", "name": "Test\rShop\u001b[2K", "plan": {"markup_percent": "20", "vat_percent": "10"}}],
          "cameras": [
            {"id": "c1", "name": "Entrance", "url": "\#(rtsp)/h264-1080p", "client": "shop"},
            {"id": "c2", "name": "Aisle", "url": "\#(rtsp)/h264-720p", "client": "shop"},
            {"id": "c3", "name": "Stock", "url": "\#(rtsp)/h265-720p", "client": "shop"},
            {"id": "c4", "name": "Bay", "url": "\#(rtsp)/mjpeg-480p", "client": "shop"},
            {"id": "till", "name": "Till\ninfo [request_id=FORGED] fake\u001b[2J", "url": "\#(rtsp)/h264-640x480", "client": "shop"},
            {"id": "ghost", "name": "Ghost", "url": "rtsp://127.0.0.1:\#(deadPort)/ghost\r\ninfo [request_id=FORGED] url\u001b[2J", "client": "shop"}
          ],
          "groups": [{"id": "floor", "name": "floor\u2028x", "cameras": ["c1", "c2", "c3", "c4"]}]
        }
        """#
    }

    @Test func namesAndURLsWithControlCharactersCannotForgeLogLines() async throws {
        let database = try await TestDatabase.create(on: TestEnvironment.databaseURL)
        let migrated = try await ProcessRunner.run(TestEnvironment.vigilExecutable, ["migrate", "--database-url", database.url])
        #expect(migrated.status == 0, "\(migrated.standardError)")
        let standIn = try await GeminiStandIn.start(apiKey: Self.apiKey)
        let spool = NSTemporaryDirectory() + "vigil-forging-spool-" + UUID().uuidString
        let path = NSTemporaryDirectory() + "vigil-forging-\(UUID().uuidString).json"
        try Self.configuration(
            database: database.url, gemini: standIn.baseURL, spool: spool, rtsp: TestEnvironment.rtspURL!,
            deadPort: TestEnvironment.freePort()
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            TestEnvironment.vigilExecutable, ["run", "--config", path], environment: ["GEMINI_API_KEY": Self.apiKey])

        // The till's calls and the group's, each on a line of its own, the names escaped.
        let till = #"[Till\ninfo [request_id=FORGED] fake\x1b[2J] tokens prompt="#
        #expect(await daemon.waitForLog(till, count: 3, timeout: 90), "\(daemon.log)")
        #expect(await daemon.waitForLog(#"[group floor\u{2028}x] tokens prompt="#, count: 1, timeout: 60), "\(daemon.log)")
        // The unreachable camera's error (metadata) names its URL, escaped.
        #expect(await daemon.waitForLog(#"/ghost\r\ninfo [request_id=FORGED] url\x1b[2J"#, timeout: 60), "\(daemon.log)")
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 60) == 0, "\(daemon.log)")

        let log = daemon.log
        let raw = log.unicodeScalars.filter {
            $0 != "\n" && ($0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029)
        }
        #expect(raw.isEmpty, "raw control characters \(raw.map { String($0.value, radix: 16) }) in \(log.debugDescription)")
        let lines = log.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("info [request_id=FORGED]") }, "\(log)")
        // Every line is an event: it starts with its level.
        let levels = ["trace ", "debug ", "info ", "notice ", "warning ", "error ", "critical "]
        for line in lines { #expect(levels.contains { line.hasPrefix($0) }, "not an event: \(line)") }
        #expect(lines.contains { $0.hasPrefix("info [model=gemini-2.5-flash request_id=") && $0.contains(till) }, "\(log)")
        #expect(!log.contains(Self.apiKey))
    }
}
