import Foundation
import Testing
import VigilBilling
import VigilConsole
import VigilCore
import VigilStore
import VigilTestSupport

/// The built `vigil serve` on a real socket, in a headless chromium driven by selenium
/// (Tests/ConsoleBrowser/console_browser_check.py), and under schemathesis.
///
/// The browser test needs `VIGIL_TEST_SELENIUM_PYTHON` (a python with selenium) and Debian's
/// chromium and chromium-driver; the API test needs `VIGIL_TEST_SCHEMATHESIS` (its executable).
/// `scripts/test` installs them when it can. Screenshots and logs go to
/// `$VIGIL_TEST_OUTPUT_DIR/console-browser-*` (default: the temporary folder), kept after the test.
struct ConsoleServeProcess {
    let process: Process
    let port: Int
    let log: URL

    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts `vigil serve` on a free port against `database`, with `configuration` (a JSON object
    /// written to the output folder) or without a configuration file.
    static func start(database: String, output: URL, configuration: [String: Any]? = nil) throws -> ConsoleServeProcess {
        let port = TestEnvironment.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.vigilExecutable)
        process.arguments = ["serve", "--database-url", database, "--listen", "127.0.0.1:\(port)"]
        if let configuration {
            let file = output.appendingPathComponent("config.json")
            try JSONSerialization.data(withJSONObject: configuration).write(to: file)
            process.arguments? += ["--config", file.path]
        }
        let log = output.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return ConsoleServeProcess(process: process, port: port, log: log)
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// A folder for a test's screenshots and logs, kept after the test.
    static func outputFolder(_ name: String) throws -> URL {
        let root =
            ProcessInfo.processInfo.environment["VIGIL_TEST_OUTPUT_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
        let folder = root.appendingPathComponent("\(name)-\(Int(Date().timeIntervalSince1970))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

@Suite(
    .enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"),
    .enabled(
        if: ProcessInfo.processInfo.environment["VIGIL_TEST_SELENIUM_PYTHON"] != nil
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
        "needs VIGIL_TEST_SELENIUM_PYTHON and Debian's chromium and chromium-driver: run ./scripts/test"),
    .timeLimit(.minutes(5))
)
struct ConsoleBrowserTests {
    @Test func aBrowserLogsInAndReadsThePagesAndDownloadsAnInvoice() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let period = try #require(BillingPeriod.containing(Date(), timeZone: "UTC"))
        let invoice = try await InvoiceRepository(client: fixture.client).issue(
            for: ClientConfiguration(id: "acme", name: ConsoleTestFixture.hostileName), period: period, cameras: 1)
        let number = try #require(invoice.number)
        // What the pages must show, straight from SQL.
        let monthStart = "date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
        let monthCost = try await fixture.database.psql(
            "SELECT coalesce(sum(cost) FILTER (WHERE NOT unpriced), 0) FROM api_usage WHERE \"timestamp\" >= \(monthStart)")
        let monthCalls = try await fixture.database.psql("SELECT count(*) FROM api_usage WHERE \"timestamp\" >= \(monthStart)")
        let clientCalls = try await fixture.database.psql(
            "SELECT count(*) FROM api_usage u JOIN clients c ON c.id = u.client_id WHERE c.code = 'acme' AND u.\"timestamp\" >= \(monthStart)"
        )
        let from = try await fixture.database.psql("SELECT to_char((now() AT TIME ZONE 'UTC')::date - 1, 'YYYY-MM-DD')")
        let to = try await fixture.database.psql("SELECT to_char((now() AT TIME ZONE 'UTC')::date + 1, 'YYYY-MM-DD')")
        let range = "\"timestamp\" >= '\(from)'::date AT TIME ZONE 'UTC' AND \"timestamp\" < '\(to)'::date AT TIME ZONE 'UTC'"
        let usageCalls = try await fixture.database.psql("SELECT count(*) FROM api_usage WHERE \(range)")
        let usageCost = try await fixture.database.psql(
            "SELECT coalesce(sum(cost) FILTER (WHERE NOT unpriced), 0) FROM api_usage WHERE \(range)")

        let output = try ConsoleServeProcess.outputFolder("console-browser")
        // The clients with budgets, as an operator's configuration names them (the overview's bars).
        let configuration: [String: Any] = [
            "clients": [
                ["id": "acme", "name": ConsoleTestFixture.hostileName, "budget": ["monthly_limit": "10.00"]],
                ["id": "other", "name": "Other Ltd", "budget": ["monthly_limit": "1.00"]],
            ],
            "cameras": [], "console": ["database_connections": 3],
        ]
        let server = try ConsoleServeProcess.start(database: fixture.database.url, output: output, configuration: configuration)
        defer { server.stop() }
        let python = try #require(ProcessInfo.processInfo.environment["VIGIL_TEST_SELENIUM_PYTHON"])
        let result = try await ProcessRunner.run(
            python,
            [
                TestEnvironment.repositoryRoot + "/Tests/ConsoleBrowser/console_browser_check.py", "--base", server.base, "--token",
                fixture.viewer, "--month-cost", monthCost, "--month-calls", monthCalls, "--client", "acme", "--client-calls", clientCalls,
                "--camera", "till", "--from",
                from, "--to", to, "--usage-calls", usageCalls, "--usage-cost", usageCost, "--invoice", number, "--output", output.path,
            ])
        let log = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
        #expect(
            result.status == 0,
            "browser check failed (screenshots in \(output.path)):\n\(result.standardOutput)\n\(result.standardError)\nserve log:\n\(log)")
        #expect(!log.contains(fixture.viewer), "the token reached the log")
        // --config is read beside --database-url: its console section too.
        #expect(log.contains("database_connections=3"), "\(log)")
        let screenshots = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasSuffix(".png") }
        #expect(screenshots.count >= 7, "\(screenshots)")
    }
}

@Suite(
    .enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"),
    .enabled(
        if: ProcessInfo.processInfo.environment["VIGIL_TEST_SCHEMATHESIS"] != nil, "needs VIGIL_TEST_SCHEMATHESIS: run ./scripts/test"),
    .timeLimit(.minutes(10))
)
struct ConsoleSchemathesisTests {
    @Test func schemathesisFindsNoServerErrorAndNoResponseAgainstTheSchema() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let period = try #require(BillingPeriod.containing(Date(), timeZone: "UTC"))
        _ = try await InvoiceRepository(client: fixture.client).issue(
            for: ClientConfiguration(id: "acme", name: ConsoleTestFixture.hostileName), period: period, cameras: 1)
        let output = try ConsoleServeProcess.outputFolder("console-schemathesis")
        let server = try ConsoleServeProcess.start(database: fixture.database.url, output: output)
        defer { server.stop() }
        let schemathesis = try #require(ProcessInfo.processInfo.environment["VIGIL_TEST_SCHEMATHESIS"])
        // Wait for the server: the schema is fetched first.
        var ready = false
        for _ in 0..<150 where !ready {
            let probe = try await ProcessRunner.run("/usr/bin/python3", ["-c", Self.probe, server.base + "/login"])
            ready = probe.status == 0
            if !ready { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(ready, "vigil serve did not answer")
        let result = try await ProcessRunner.run(
            schemathesis, Self.arguments(base: server.base, token: fixture.admin), environment: ["NO_COLOR": "1"])
        let log = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
        #expect(result.status == 0, "schemathesis found problems:\n\(result.standardOutput)\n\(result.standardError)\nserve log:\n\(log)")
    }

    static let probe = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)"

    /// `schemathesis run` with every check, a few examples per operation, against the served document
    /// (Tests/ConsoleBrowser/schemathesis.toml: the one rule between parameters the schema cannot state).
    static func arguments(base: String, token: String) -> [String] {
        [
            "--config-file", TestEnvironment.repositoryRoot + "/Tests/ConsoleBrowser/schemathesis.toml", "run",
            base + "/api/v1/openapi.json", "--header", "Authorization: Bearer \(token)", "--checks", "all",
            "--max-examples", "20", "--url", base + "/api/v1", "--request-timeout", "10",
        ]
    }
}
