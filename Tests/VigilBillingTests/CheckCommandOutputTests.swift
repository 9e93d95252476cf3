import Foundation
import Testing
import VigilTestSupport

/// `vigil check` with a configuration path and a camera name an attacker chose: every message it
/// prints stays on its line, control characters shown escaped. Needs no service: the database and
/// the camera are unreachable ports, which `check` reports.
@Suite(.timeLimit(.minutes(2)))
struct CheckCommandOutputTests {
    /// The control characters (other than the line feeds between lines) left raw in the output.
    static func rawControlCharacters(_ text: String) -> [String] {
        text.unicodeScalars.filter { scalar in
            scalar != "\n"
                && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029)
        }.map { String(format: "U+%04X", $0.value) }
    }

    @Test func checkPrintsAPathAndACameraNameWithControlCharactersEscaped() async throws {
        let folder = NSTemporaryDirectory() + "vigil-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/config\n\u{1b}[2J.json"
        try #"""
        {
          "database": {"url": "postgresql://vigil@127.0.0.1:\#(TestEnvironment.freePort())/vigil"},
          "capture": {"open_timeout_seconds": 2, "keyframe_interval_seconds": 1},
          "clients": [{"id": "shop", "name": "Shop"}],
          "cameras": [
            {"id": "gate", "name": "Gate\n2026 camera till (Till): live\u001b[2J\u2028", "url": "rtsp://127.0.0.1:\#(TestEnvironment.freePort())/gate", "client": "shop"}
          ]
        }
        """#.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["check", "--config", path], environment: ["GEMINI_API_KEY": "k"])
        let output = result.standardOutput
        #expect(result.status == 69, "\(output)\(result.standardError)")
        #expect(Self.rawControlCharacters(output) == [], "\(output)")
        let lines = output.split(separator: "\n")
        #expect(lines.first == "configuration \(folder)/config\\n\\x1b[2J.json: valid", "\(output)")
        #expect(lines.contains { $0.hasPrefix(#"camera gate (Gate\n2026 camera till (Till): live\x1b[2J\u{2028}): DOWN — "#) }, "\(output)")
        #expect(lines.count == 8, "\(output)")  // configuration, summary, scene gate, no seller, database, gemini, the camera, the count
    }
}
