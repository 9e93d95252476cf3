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
        // configuration, summary, scene gate, no seller, the camera's tier, database, gemini, the camera, the count
        #expect(lines.count == 9, "\(output)")
        #expect(lines.contains("  camera gate: tier standard"), "\(output)")
    }

    /// Writes a configuration of client `shop` with `cameras` and `groups` (JSON arrays) and `gemini`
    /// keys, and returns its path (in a folder removed by the caller).
    static func write(folder: String, database: String, gemini: String, cameras: String, groups: String = "[]") throws -> String {
        let path = folder + "/config.json"
        try """
        {
          "database": {"url": "\(database)"},
          "gemini": {\(gemini)},
          "capture": {"open_timeout_seconds": 1, "keyframe_interval_seconds": 1},
          "clients": [{"id": "shop", "name": "Shop"}],
          "cameras": \(cameras),
          "groups": \(groups)
        }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func cameras(_ entries: [(id: String, extra: String)]) -> String {
        "["
            + entries.map { entry in
                #"{"id": "\#(entry.id)", "url": "rtsp://127.0.0.1:\#(TestEnvironment.freePort())/\#(entry.id)", "client": "shop"\#(entry.extra)}"#
            }.joined(separator: ", ") + "]"
    }

    /// Offline, each source's tier and (Gemini 3) media resolution are listed, and a source asking for
    /// priority gets the warning from the seeded prices: a line, not a problem.
    @Test func checkListsEachSourcesTierAndWarnsOfUnpricedPriority() async throws {
        let folder = NSTemporaryDirectory() + "vigil-check-tiers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cameras = Self.cameras([
            ("f1", #", "service_tier": "flex""#), ("f2", #", "service_tier": "flex""#), ("f3", #", "service_tier": "flex""#),
            ("f4", #", "service_tier": "flex""#), ("rush", #", "service_tier": "priority", "media_resolution": "LOW""#), ("plain", ""),
        ])
        let groups = #"[{"id": "yard", "cameras": ["f1", "f2", "f3", "f4"], "service_tier": "flex", "media_resolution": "MEDIUM"}]"#
        let path = try Self.write(
            folder: folder, database: "postgresql://vigil@127.0.0.1:1/vigil", gemini: #""model": "gemini-3-flash-preview""#,
            cameras: cameras,
            groups: groups)
        let result = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["check", "--offline", "--config", path], environment: ["GEMINI_API_KEY": "k"])
        let output = result.standardOutput
        #expect(result.status == 0, "\(output)\(result.standardError)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.contains("  group yard (f1, f2, f3, f4): tier flex, media resolution MEDIUM"), "\(output)")
        #expect(lines.contains("  camera rush: tier priority, media resolution LOW"), "\(output)")
        #expect(lines.contains("  camera plain: tier standard, media resolution default (HIGH)"), "\(output)")
        #expect(
            lines.contains {
                $0.hasPrefix(
                    "  warning: priority has no seeded price: calls of camera rush will be unpriced until vigil prices set --model gemini-3-flash-preview --tier priority"
                )
            }, "\(output)")
        #expect(lines.filter { $0.contains("warning:") && $0.contains("tier") }.count == 1, "\(output)")

        // Gemini 2.5 ignores the resolution: not shown; and no source at priority, no warning.
        let plain = try Self.write(
            folder: folder, database: "postgresql://vigil@127.0.0.1:1/vigil", gemini: #""model": "gemini-2.5-flash""#,
            cameras: Self.cameras([("solo", #", "service_tier": "flex""#)]))
        let second = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["check", "--offline", "--config", plain], environment: ["GEMINI_API_KEY": "k"])
        #expect(second.standardOutput.split(separator: "\n").contains("  camera solo: tier flex"), "\(second.standardOutput)")
        #expect(!second.standardOutput.contains("warning: priority"), "\(second.standardOutput)")
    }

    /// With the database, the warning comes from its price book: a tier with no price for the model,
    /// whichever it is; none once it has one.
    @Test(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"))
    func checkWarnsOfTiersTheDatabasesPriceBookDoesNotPrice() async throws {
        let database = try await TestDatabase.create()
        let migrate = try await ProcessRunner.run(TestEnvironment.vigilExecutable, ["migrate", "--database-url", database.url])
        #expect(migrate.status == 0, "\(migrate.standardError)")
        let folder = NSTemporaryDirectory() + "vigil-check-prices-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try Self.write(
            folder: folder, database: database.url, gemini: #""model": "gemini-2.5-flash""#,
            cameras: Self.cameras([("cheap", #", "service_tier": "flex""#), ("rush", #", "service_tier": "priority""#)]))
        func check() async throws -> [String] {
            let result = try await ProcessRunner.run(
                TestEnvironment.vigilExecutable, ["check", "--config", path], environment: ["GEMINI_API_KEY": "k"])
            #expect(result.status == 69, "\(result.standardOutput)\(result.standardError)")  // the cameras are down
            return result.standardOutput.split(separator: "\n").map(String.init)
        }
        let before = try await check()
        #expect(before.contains("  camera cheap: tier flex") && before.contains("  camera rush: tier priority"), "\(before)")
        #expect(
            before.contains {
                $0.hasPrefix(
                    "  warning: tier priority has no price for gemini-2.5-flash in the price book: calls of camera rush will be unpriced")
            }, "\(before)")
        #expect(!before.contains { $0.contains("tier flex has no price") }, "\(before)")
        #expect(!before.contains { $0.contains("seeded") }, "\(before)")
        // The warning is not a problem: only the two cameras are.
        #expect(before.last == "2 problems found", "\(before)")
        let set = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable,
            [
                "prices", "set", "--model", "gemini-2.5-flash", "--tier", "priority", "--from", "2026-01-01", "--input", "0.54",
                "--output", "4.50", "--database-url", database.url,
            ])
        #expect(set.status == 0, "\(set.standardError)")
        let after = try await check()
        #expect(!after.contains { $0.contains("warning: tier") }, "\(after)")
    }
}
