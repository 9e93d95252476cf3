import Foundation
import Testing
import VigilTestSupport

/// `vigil run` with names and a camera URL an attacker chose: its log keeps one event a line, with
/// every control character shown escaped, so no fake line and no terminal escape reaches the journal.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase && TestEnvironment.hasRTSP, "needs PostgreSQL and RTSP: run ./scripts/test"),
    .timeLimit(.minutes(4)))
struct LogForgingTests {
    /// The daemon tests' configuration, with the till camera, group, client and an unreachable
    /// camera's URL carrying newlines, carriage returns, ESC and U+2028 (as JSON escapes, so the file
    /// itself stays one valid JSON text).
    static func forge(_ setup: DaemonTests.Setup, deadPort: Int) throws {
        let rtsp = TestEnvironment.rtspURL!
        var text = try String(contentsOfFile: setup.configPath, encoding: .utf8)
        for (plain, forged) in [
            (#""name": "Test Shop""#, #""name": "Test\rShop\u001b[2K""#),
            (#""name": "floor""#, #""name": "floor\u2028x""#),
            (
                #"{"id": "till", "name": "Till", "url": "\#(rtsp)/h264-640x480", "client": "shop"}"#,
                #"{"id": "till", "name": "Till\ninfo [request_id=FORGED] fake\u001b[2J", "url": "\#(rtsp)/h264-640x480", "client": "shop"}, "#
                    + #"{"id": "ghost", "name": "Ghost", "url": "rtsp://127.0.0.1:\#(deadPort)/ghost\r\ninfo [request_id=FORGED] url\u001b[2J", "client": "shop"}"#
            ),
        ] {
            try #require(text.contains(plain), "the daemon tests' configuration has no \(plain)")
            text = text.replacingOccurrences(of: plain, with: forged)
        }
        try text.write(toFile: setup.configPath, atomically: true, encoding: .utf8)
    }

    @Test func namesAndURLsWithControlCharactersCannotForgeLogLines() async throws {
        let setup = try await DaemonTests.setUp()
        try Self.forge(setup, deadPort: TestEnvironment.freePort())
        let daemon = try DaemonTests.start(setup)

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
        #expect(!log.contains(DaemonTests.apiKey))
    }
}
