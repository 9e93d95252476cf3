import Foundation
import Testing
import VigilTestSupport

/// `systemd/vigil.service` as systemd itself reads it.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "needs systemd-analyze"))
struct SystemdUnitTests {
    @Test func theUnitVerifies() async throws {
        let unit = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/systemd/vigil.service", encoding: .utf8)
        // verify insists that ExecStart's binary exists: point it at the one just built.
        let adapted = unit.replacingOccurrences(of: "/usr/local/bin/vigil", with: TestEnvironment.vigilExecutable)
        let directory = NSTemporaryDirectory() + "vigil-unit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/vigil.service"
        try adapted.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run("/usr/bin/systemd-analyze", ["verify", path])
        let complaints = (result.standardOutput + result.standardError).split(separator: "\n")
            .filter { $0.contains("vigil.service") && !$0.contains("Failed to resolve user") && !$0.contains("Failed to resolve group") }
        #expect(result.status == 0 || complaints.isEmpty, "\(result.standardError)")
        #expect(complaints.isEmpty, "\(complaints)")
        for setting in [
            "Type=notify", "WatchdogSec=", "Restart=on-failure", "User=vigil", "LoadCredential=gemini_api_key",
            "StateDirectory=vigil", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
        ] {
            #expect(unit.contains(setting), "missing \(setting)")
        }
    }
}
