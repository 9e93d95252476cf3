import Foundation
import Logging
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// `vigil cluster status` over a real PostgreSQL: nodes registered, leases claimed, renewed,
/// released and taken over through ``LeaseRepository``, read back by ``ClusterStatusQuery`` and by
/// the built `vigil cluster status` (text and JSON); and `vigil usage --by node`, whose rows equal
/// the rows' sums.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct ClusterStatusTests {
    static func migrated() async throws -> (TestDatabase, DatabaseClient) {
        let database = try await TestDatabase.create()
        let client = DatabaseClient(connectionString: database.url)
        try await Migrator(client: client).migrate()
        return (database, client)
    }

    static func write(_ records: [UsageRecord], to url: String) async throws {
        let ledger = try UsageLedger(
            connectionString: url, spoolDirectory: NSTemporaryDirectory() + "vigil-spool-" + UUID().uuidString,
            logger: Logger(label: "test"))
        try await ledger.record(records)
        #expect(await ledger.close())
    }

    static func record(
        at time: Date, source: String, node: String?, epoch: Int64?, prompt: Int = 1000, output: Int = 100, client: String = "acme"
    ) -> UsageRecord {
        var record = UsageRecord(
            timestamp: time, clientID: client, sourceID: source, sourceKind: "camera",
            endpoint: "/v1beta/models/gemini-2.5-flash:generateContent", statusCode: 200, model: "gemini-2.5-flash",
            usage: TokenUsage(promptTokens: prompt, candidatesTokens: output, totalTokens: prompt + output), success: true,
            durationMilliseconds: 700)
        record.node = node
        record.leaseEpoch = epoch
        return record
    }

    static let configured: [ClusterStatusQuery.ConfiguredSource] = [
        .init(id: "grp-1", kind: "group"), .init(id: "cam-1", kind: "camera"), .init(id: "cam-2", kind: "camera"),
        .init(id: "cam-3", kind: "camera"), .init(id: "cam-4", kind: "camera"),
    ]

    /// Builds the scene every test reads: n1 live with cam-1, cam-3 (taken over from n2: epoch 2)
    /// and old-cam (no longer configured); cam-2 released by n1; n2 stopped; n3 silent for a minute;
    /// grp-1 and cam-4 never leased; one call made under n2's superseded epoch of cam-3.
    static func scene(_ database: TestDatabase, _ client: DatabaseClient) async throws {
        let n1 = LeaseRepository(client: client, node: "n1", leaseSeconds: 15)
        let n2 = LeaseRepository(client: client, node: "n2", leaseSeconds: 15)
        try await n1.register(version: "0.1.0", host: "host-a", pid: 101)
        try await n2.register(version: "0.1.0", host: "host-b", pid: 202)
        // A second live run of a name is refused.
        await #expect(throws: LeaseRepository.NameInUse.self) {
            try await LeaseRepository(client: client, node: "n1", leaseSeconds: 15).register(version: "0.1.0", host: "host-c", pid: 303)
        }
        #expect(try await n1.heartbeat(held: 0, liveWithin: 15) == 2)

        #expect(try await n1.claim("cam-1", interval: 2, safetyMargin: 3)?.epoch == 1)
        #expect(try await n1.claim("cam-2", interval: 2, safetyMargin: 3)?.epoch == 1)
        #expect(try await n2.claim("cam-3", interval: 2, safetyMargin: 3)?.epoch == 1)
        #expect(try await n1.claim("old-cam", interval: 2, safetyMargin: 3)?.epoch == 1)
        // Held elsewhere: not taken.
        #expect(try await n2.claim("cam-1", interval: 2, safetyMargin: 3) == nil)
        #expect(try await n1.ownedElsewhere() == ["cam-3"])
        #expect(Set(try await n1.renew(["cam-1", "cam-2", "cam-3"]).map(\.source)) == ["cam-1", "cam-2"])
        try await n1.release(["cam-2"])

        // n2's lease on cam-3 runs out (its clock stopped): n1 takes it with the next epoch.
        try await database.psql("UPDATE source_leases SET expires_at = now() - interval '1 second' WHERE source_id = 'cam-3'")
        #expect(try await n1.claim("cam-3", interval: 2, safetyMargin: 3)?.epoch == 2)
        #expect(
            try await database.psql(
                "SELECT string_agg(epoch || ':' || node, ',' ORDER BY epoch) FROM source_lease_epochs WHERE source_id = 'cam-3'")
                == "1:n2,2:n1")
        #expect(try await n2.renew(["cam-3"]).isEmpty)
        try await n2.leave()
        #expect(try await n1.heartbeat(held: 3, liveWithin: 15) == 1)

        // A node that stopped heartbeating a minute ago (killed).
        try await database.psql(
            """
            INSERT INTO cluster_nodes (name, instance_id, started_at, heartbeat_at, version, host, pid, sources_held)
            VALUES ('n3', gen_random_uuid(), now() - interval '10 minutes', now() - interval '60 seconds', '0.0.9', 'host-c', 404, 2)
            """)

        // A call n2 made under epoch 1 of cam-3 after n1's epoch 2 began: made twice, marked.
        let now = Date()
        try await Self.write(
            [
                Self.record(at: now, source: "cam-3", node: "n2", epoch: 1),
                Self.record(at: now, source: "cam-3", node: "n1", epoch: 2),
                Self.record(at: now, source: "cam-1", node: "n1", epoch: 1),
            ], to: database.url)
        #expect(try await database.psql("SELECT count(*) FILTER (WHERE lease_superseded) || '/' || count(*) FROM api_usage") == "1/3")
        try await Self.refresh(database)
    }

    /// n1's heartbeat now and its leases (those it did not release) a lease from now, by the
    /// database's clock: the scene as it stood, however long a loaded machine took to build it or
    /// to start the command that reads it (15 s leases ran out under stress-ng in CI).
    static func refresh(_ database: TestDatabase) async throws {
        try await database.psql(
            """
            UPDATE cluster_nodes SET heartbeat_at = now() WHERE name = 'n1';
            UPDATE source_leases SET expires_at = now() + interval '15 seconds' WHERE node = 'n1' AND released_at IS NULL
            """)
    }

    @Test func theQueryShowsNodesLeasesUnownedSourcesAndCallsMadeTwice() async throws {
        let (database, client) = try await Self.migrated()
        try await Self.scene(database, client)
        let status = try await ClusterStatusQuery(client: client).status(configured: Self.configured, leaseSeconds: 15)

        #expect(status.nodes.map(\.name) == ["n1", "n2", "n3"])
        #expect(status.nodes.map(\.state) == [.live, .stopped, .silent])
        #expect(status.nodes.map(\.sourcesHeld) == [3, 0, 0])
        #expect(status.nodes.map(\.sourcesReported) == [3, 0, 2])
        #expect(status.nodes.map(\.host) == ["host-a", "host-b", "host-c"])
        #expect(status.nodes.map(\.pid) == [101, 202, 404])
        #expect(status.nodes.map(\.version) == ["0.1.0", "0.1.0", "0.0.9"])
        #expect(status.nodes[0].secondsSinceHeartbeat >= 0 && status.nodes[0].secondsSinceHeartbeat < 15)
        #expect(status.nodes[2].secondsSinceHeartbeat >= 59 && status.nodes[2].secondsSinceHeartbeat < 120)
        #expect(status.nodes[1].stoppedAt != nil && status.nodes[0].stoppedAt == nil)
        #expect(abs(status.databaseTime.timeIntervalSinceNow) < 30)

        #expect(status.sources.map(\.source) == ["grp-1", "cam-1", "cam-2", "cam-3", "cam-4", "old-cam"])
        #expect(status.sources.map(\.kind) == ["group", "camera", "camera", "camera", "camera", nil])
        #expect(status.sources.map(\.configured) == [true, true, true, true, true, false])
        #expect(status.sources.map(\.owner) == [nil, "n1", nil, "n1", nil, "n1"])
        #expect(status.sources.map(\.epoch) == [nil, 1, 1, 2, nil, 1])
        #expect(status.sources.map(\.lastNode) == [nil, "n1", "n1", "n1", nil, "n1"])
        #expect(status.sources.map(\.ownerState) == [nil, .live, nil, .live, nil, .live])
        for source in status.sources where !source.isUnowned {
            // A lease of 15 s, claimed or renewed a moment ago (seconds ago on a loaded machine).
            let left = try #require(source.secondsLeft)
            #expect(left > 0 && left <= 15, "\(source.source): \(left)")
            let expires = try #require(source.expiresAt)
            #expect(abs(expires.timeIntervalSince(status.databaseTime) - left) < 0.01)
        }
        #expect(status.sources.filter(\.isUnowned).allSatisfy { $0.secondsLeft == nil })
        #expect(status.unowned == ["grp-1", "cam-2", "cam-4"])
        #expect(status.supersededLastDay == 1)

        // A shorter lease (10 s: room for a loaded machine between the heartbeat and the read): n1's
        // fresh heartbeat still counts; n3's, a minute old, does not.
        #expect(try await LeaseRepository(client: client, node: "n1", leaseSeconds: 15).heartbeat(held: 3, liveWithin: 15) == nil)
        try await database.psql("UPDATE cluster_nodes SET heartbeat_at = now() WHERE name = 'n1'")
        let short = try await ClusterStatusQuery(client: client).status(configured: Self.configured, leaseSeconds: 10)
        #expect(short.nodes.map(\.state) == [.live, .stopped, .silent])

        // Without a configuration: every lease row, expired ones unowned, by id.
        let bare = try await ClusterStatusQuery(client: client).status(configured: nil, leaseSeconds: 15)
        #expect(bare.sources.map(\.source) == ["cam-1", "cam-2", "cam-3", "old-cam"])
        #expect(bare.sources.map(\.configured) == [nil, nil, nil, nil])
        #expect(bare.unowned == ["cam-2"])
    }

    @Test func theCommandPrintsTextAndJSON() async throws {
        let (database, client) = try await Self.migrated()
        try await Self.scene(database, client)
        // A node whose name and host carry control characters (written around Vigil's own checks).
        try await database.psql(
            """
            INSERT INTO cluster_nodes (name, instance_id, heartbeat_at, version, host, pid)
            VALUES (E'evil\\u001b[31m', gen_random_uuid(), now(), E'1\\n2', E'h\\u202eost', 1)
            """)
        func vigil(_ arguments: [String]) async throws -> ProcessOutput {
            try await ProcessRunner.run(
                TestEnvironment.vigilExecutable, ["cluster", "status"] + arguments + ["--database-url", database.url])
        }

        try await Self.refresh(database)
        let json = try await vigil(["--format", "json"])
        #expect(json.status == 0, "\(json.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == ["database_time", "lease_seconds", "nodes", "sources", "unowned", "lease_superseded_last_24h"])
        #expect(object["lease_seconds"] as? Double == 15)
        #expect(object["lease_superseded_last_24h"] as? Int == 1)
        #expect(object["unowned"] as? [String] == ["cam-2"])
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(nodes.compactMap { $0["name"] as? String } == ["evil\u{1b}[31m", "n1", "n2", "n3"])
        #expect(nodes.compactMap { $0["state"] as? String } == ["live", "live", "stopped", "silent"])
        #expect(nodes.compactMap { $0["sources_held"] as? Int } == [0, 3, 0, 0])
        #expect(
            Set(nodes[1].keys) == [
                "name", "state", "last_heartbeat", "seconds_since_heartbeat", "sources_held", "sources_reported", "version", "host", "pid",
                "started_at", "stopped_at",
            ])
        #expect(nodes[1]["stopped_at"] is NSNull)
        #expect((nodes[1]["last_heartbeat"] as? String)?.hasSuffix("Z") == true)
        let sources = try #require(object["sources"] as? [[String: Any]])
        #expect(sources.compactMap { $0["source"] as? String } == ["cam-1", "cam-2", "cam-3", "old-cam"])
        #expect(sources.compactMap { $0["state"] as? String } == ["held", "unowned", "held", "held"])
        #expect(sources.map { $0["owner"] as? String } == ["n1", nil, "n1", "n1"])
        #expect(sources.compactMap { $0["epoch"] as? Int } == [1, 1, 2, 1])
        #expect(
            Set(sources[0].keys) == [
                "source", "kind", "configured", "state", "owner", "owner_state", "epoch", "last_node", "expires_at", "seconds_left",
            ])

        try await Self.refresh(database)
        let text = try await vigil([])
        #expect(text.status == 0, "\(text.standardError)")
        let out = text.standardOutput
        #expect(out.contains("Nodes: 4 (2 live, 1 silent, 1 stopped)"), "\(out)")
        #expect(out.contains("evil\\x1b[31m") && !out.contains("\u{1b}"), "\(out)")
        #expect(out.contains("h\\u{202e}ost") && !out.contains("\u{202e}"), "\(out)")
        #expect(out.contains("1\\n2"))
        #expect(out.contains("Sources with a lease row (no configuration read): 4 (3 held, 1 unowned)"), "\(out)")
        #expect(out.contains("Unowned: cam-2\n"), "\(out)")
        #expect(out.contains("Calls under a superseded lease in the last 24 h (analysed twice; should be 0): 1  !!"), "\(out)")
        let lines = out.split(separator: "\n").map(String.init)
        let n3 = try #require(lines.first { $0.hasPrefix("  n3 ") })
        #expect(n3.contains(" silent ") && n3.contains("host-c") && n3.contains(" 404 "), "\(n3)")
        let cam3 = try #require(lines.first { $0.hasPrefix("  cam-3 ") })
        #expect(cam3.contains(" n1 ") && cam3.contains(" 2 "), "\(cam3)")
        let cam2 = try #require(lines.first { $0.hasPrefix("  cam-2 ") })
        #expect(cam2.contains(" unowned ") && cam2.contains("last held by n1"), "\(cam2)")

        // A bad format is refused as a usage error.
        #expect(try await vigil(["--format", "csv"]).status == 64)
    }

    @Test func theCommandReadsTheConfigurationsSourcesAndLease() async throws {
        let (database, client) = try await Self.migrated()
        try await Self.scene(database, client)
        let folder = NSTemporaryDirectory() + "vigil-cluster-status-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cameras = ["cam-1", "cam-2", "cam-3", "cam-4"].map {
            #"{"id": "\#($0)", "url": "rtsp://127.0.0.1:1/\#($0)", "client": "acme"}"#
        }
        let configuration = """
            {
              "database": {"url": "\(database.url)", "spool_directory": "\(folder)/spool"},
              "gemini": {"model": "gemini-2.5-flash"},
              "cluster": {"enabled": true, "lease_seconds": 120},
              "clients": [{"id": "acme", "name": "Acme"}],
              "cameras": [\(cameras.joined(separator: ", "))]
            }
            """
        try configuration.write(toFile: folder + "/vigil.json", atomically: true, encoding: .utf8)
        try await Self.refresh(database)
        let result = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["cluster", "status", "--config", folder + "/vigil.json", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["lease_seconds"] as? Double == 120)
        let sources = try #require(object["sources"] as? [[String: Any]])
        #expect(sources.compactMap { $0["source"] as? String } == ["cam-1", "cam-2", "cam-3", "cam-4", "old-cam"])
        #expect(sources.compactMap { $0["configured"] as? Bool } == [true, true, true, true, false])
        #expect(sources.compactMap { $0["kind"] as? String } == ["camera", "camera", "camera", "camera"])
        #expect(object["unowned"] as? [String] == ["cam-2", "cam-4"])
        // Within a 120 s lease, n3's minute-old heartbeat is live.
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(nodes.compactMap { $0["state"] as? String } == ["live", "stopped", "live"])
    }

    /// `vigil usage --by node`: whole hours from the rollup (keyed by node, '' for a single daemon),
    /// the period's edges from the rows (node NULL for a single daemon); each node's row equals its
    /// rows' sums, a single daemon's rows are one row, and the rows add up to the total exactly.
    @Test func theReportByNodeEqualsTheRowsAndAddsUpToTheTotal() async throws {
        let (database, client) = try await Self.migrated()
        let nodes: [String?] = [nil, "n1", "n2", "n3", "n1"]
        var records: [UsageRecord] = []
        let start = try Date("2026-10-01T00:00:00Z", strategy: Date.ISO8601FormatStyle())
        for minute in stride(from: 0, to: 60 * 24 * 4, by: 7) {
            let node = nodes[(minute / 7) % nodes.count]
            records.append(
                Self.record(
                    at: start.addingTimeInterval(Double(minute) * 60 + 13), source: "cam-\(minute % 3)", node: node,
                    epoch: node == nil ? nil : 1, prompt: 300 + minute % 157, output: 11 + minute % 31,
                    client: minute % 2 == 0 ? "acme" : "globex"))
        }
        try await Self.write(records, to: database.url)
        #expect(try await database.psql("SELECT string_agg(DISTINCT node, ',' ORDER BY node) FROM usage_hourly") == ",n1,n2,n3")
        let from = start.addingTimeInterval(5 * 3600 + 17 * 60)
        let to = start.addingTimeInterval(3 * 86_400 + 20 * 3600 + 9 * 60)
        let repository = UsageRepository(client: client)
        for customer in [nil, "acme"] as [String?] {
            let report = try await repository.report(from: from, to: to, client: customer, grouping: "node")
            let direct = try await database.psql(
                """
                SELECT string_agg(line, ',' ORDER BY key) FROM (
                    SELECT coalesce(u.node, '(single daemon)') AS key,
                           coalesce(u.node, '(single daemon)') || '|' || count(*) || '|' || sum(u.prompt_tokens) || '|' || sum(u.completion_tokens)
                           || '|' || sum(u.total_tokens) || '|' || coalesce(sum(u.cost) FILTER (WHERE NOT u.unpriced), 0)::text AS line
                    FROM api_usage u LEFT JOIN clients c ON c.id = u.client_id
                    WHERE u."timestamp" >= '2026-10-01T05:17:00Z' AND u."timestamp" < '2026-10-04T20:09:00Z'
                      AND (\(customer == nil ? "true" : "c.code = 'acme'"))
                    GROUP BY 1) t
                """
            ).split(separator: ",").map { $0.split(separator: "|").map(String.init) }
            #expect(report.rows.map(\.usage.key) == ["(single daemon)", "n1", "n2", "n3"], "\(customer ?? "all")")
            #expect(report.rows.map(\.usage.key) == direct.map { $0[0] })
            for (row, expected) in zip(report.rows, direct) {
                #expect(
                    ["\(row.usage.calls)", "\(row.usage.promptTokens)", "\(row.usage.completionTokens)", "\(row.usage.totalTokens)"]
                        == Array(expected[1...4]), "\(row.usage.key)")
                #expect(row.usage.providerCost == Money(expected[5]), "\(row.usage.key)")
            }
            // The rows add up to the ungrouped report's total, read on its own.
            let whole = try await repository.report(from: from, to: to, client: customer, grouping: nil).total.usage
            #expect(report.rows.reduce(0) { $0 + $1.usage.calls } == whole.calls)
            #expect(report.rows.reduce(0) { $0 + $1.usage.promptTokens } == whole.promptTokens)
            #expect(report.rows.reduce(0) { $0 + $1.usage.totalTokens } == whole.totalTokens)
            #expect(report.rows.map(\.usage.providerCost).reduce(.zero, +) == whole.providerCost)
            #expect(whole.providerCost > .zero)
        }

        // The command line says the same: the JSON rows add up to its total.
        let result = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable,
            ["usage", "--from", "2026-10-01", "--to", "2026-10-04", "--by", "node", "--format", "json", "--database-url", database.url])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["by"] as? String == "node")
        let rows = try #require(object["rows"] as? [[String: Any]])
        let total = try #require(object["total"] as? [String: Any])
        #expect(rows.compactMap { $0["key"] as? String } == ["(single daemon)", "n1", "n2", "n3"])
        #expect(rows.compactMap { $0["calls"] as? Int }.reduce(0, +) == total["calls"] as? Int)
        #expect(
            rows.compactMap { ($0["cost"] as? String).flatMap { Money($0) } }.reduce(.zero, +)
                == (total["cost"] as? String).flatMap { Money($0) })
        #expect(total["calls"] as? Int == records.count)
        let text = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable,
            ["usage", "--from", "2026-10-01", "--to", "2026-10-04", "--by", "node", "--database-url", database.url])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.contains("by node"))
        #expect(text.standardOutput.contains("(single daemon)"))
    }
}
