import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// The read-only queries behind `vigil incidents` and `vigil alerts list` (IncidentRepository,
/// AlertOutboxQuery), on rows written directly with SQL, and the two commands' output through the
/// built `vigil`.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct IncidentQueryTests {
    /// A description a spreadsheet would run and a terminal would break a line on.
    static let hostile = "=cmd|' /C calc'!A0\nsecond line \u{1b}[2J"
    static let longDescription = String(repeating: "x", count: 300)

    /// The fixture's clock: every row is placed relative to it.
    struct Fixture {
        var database: TestDatabase
        var client: DatabaseClient
        var now: Date
    }

    /// A migrated database with clients `acme` and `other`, five calls and their verdicts:
    ///
    /// - `r1` acme, camera `till` in group `floor` (top-right), theft `0.910`, hostile description,
    ///   evidence kept, 1 hour ago;
    /// - `r2` acme, camera `door`, no incident, 30 minutes ago;
    /// - `r3` other, camera `gate`, intrusion `0.75`, no evidence, 2 hours ago;
    /// - `r4` acme, camera `till`, vandalism, 10 days ago;
    /// - `r5` acme, camera `door`, fire_smoke without a confidence, a 300-character description, 3 hours ago.
    static func fixture() async throws -> Fixture {
        let database = try await LedgerTests.migratedDatabase()
        let client = DatabaseClient(connectionString: database.url)
        let now = Date()
        try await database.psql("INSERT INTO clients (name, code) VALUES ('Acme', 'acme'), ('Other', 'other')")
        func call(
            _ requestID: String, ago: TimeInterval, client code: String, camera: String, source: String, quadrant: Int?, incident: Bool,
            type: String, confidence: String?, description: String, evidence: String?
        ) async throws {
            let time = now.addingTimeInterval(-ago)
            _ = try await client.withConnection { connection in
                try connection.query(
                    """
                    WITH u AS (
                        INSERT INTO api_usage (request_id, "timestamp", client_id, source_id, source_kind, model, success, status_code,
                                               endpoint, method)
                        SELECT $1, $2::timestamptz, id, $3, 'camera', 'gemini-2.5-flash', true, 200,
                               '/v1beta/models/gemini-2.5-flash:generateContent', 'POST'
                        FROM clients WHERE code = $4
                        RETURNING id, client_id
                    )
                    INSERT INTO analyses (usage_id, request_id, "timestamp", client_id, camera_id, source_id, quadrant, frame_size,
                                          incident_detected, incident_type, confidence, description, evidence_path)
                    SELECT u.id, $1, $2::timestamptz, u.client_id, $5, $3, $6::integer, '1920x1080', $7::boolean, $8, $9::numeric, $10, $11
                    FROM u
                    """,
                    [requestID, time, source, code, camera, quadrant, incident, type, confidence, description, evidence])
            }
        }
        try await call(
            "r1", ago: 3600, client: "acme", camera: "till", source: "floor", quadrant: 1, incident: true, type: "theft",
            confidence: "0.910",
            description: hostile, evidence: "/var/lib/vigil/evidence/2026/r1-till.jpg")
        try await call(
            "r2", ago: 1800, client: "acme", camera: "door", source: "door", quadrant: nil, incident: false, type: "none",
            confidence: "0.95", description: "quiet", evidence: nil)
        try await call(
            "r3", ago: 7200, client: "other", camera: "gate", source: "gate", quadrant: nil, incident: true, type: "intrusion",
            confidence: "0.75", description: "someone climbs the gate", evidence: nil)
        try await call(
            "r4", ago: 10 * 86_400, client: "acme", camera: "till", source: "floor", quadrant: 1, incident: true, type: "vandalism",
            confidence: "0.6", description: "old", evidence: nil)
        try await call(
            "r5", ago: 3 * 3600, client: "acme", camera: "door", source: "door", quadrant: nil, incident: true, type: "fire_smoke",
            confidence: nil, description: longDescription, evidence: nil)
        return Fixture(database: database, client: client, now: now)
    }

    @Test func incidentsAreListedNewestFirstWithTheirFieldsAsStored() async throws {
        let fixture = try await Self.fixture()
        let repository = IncidentRepository(client: fixture.client)
        let week = fixture.now.addingTimeInterval(-7 * 86_400)

        let all = try await repository.list(since: week, clientID: nil, cameraID: nil)
        #expect(all.map(\.requestID) == ["r1", "r3", "r5"])
        let first = try #require(all.first)
        #expect(
            first
                == IncidentRow(
                    time: first.time, clientID: "acme", cameraID: "till", sourceID: "floor", incidentType: "theft", confidence: "0.910",
                    description: Self.hostile, evidencePath: "/var/lib/vigil/evidence/2026/r1-till.jpg", quadrant: 1, requestID: "r1",
                    model: "gemini-2.5-flash"))
        #expect(abs(first.time.timeIntervalSince(fixture.now.addingTimeInterval(-3600))) < 0.001)
        #expect(all[1].clientID == "other" && all[1].confidence == "0.75" && all[1].evidencePath == nil && all[1].quadrant == nil)
        #expect(all[2].confidence == nil && all[2].description == Self.longDescription)

        #expect(try await repository.list(since: week, clientID: "acme", cameraID: nil).map(\.requestID) == ["r1", "r5"])
        #expect(try await repository.list(since: week, clientID: nil, cameraID: "gate").map(\.requestID) == ["r3"])
        #expect(try await repository.list(since: week, clientID: "acme", cameraID: "till").map(\.requestID) == ["r1"])
        #expect(try await repository.list(since: week, clientID: "other", cameraID: "till").isEmpty)
        #expect(try await repository.list(since: week, clientID: "nobody", cameraID: nil).isEmpty)
        // A value that would be SQL if spliced is only ever a value.
        #expect(try await repository.list(since: week, clientID: "' OR true --", cameraID: nil).isEmpty)
        #expect(
            try await repository.list(since: fixture.now.addingTimeInterval(-30 * 86_400), clientID: nil, cameraID: "till").map(\.requestID)
                == ["r1", "r4"])
        #expect(try await repository.list(since: week, clientID: nil, cameraID: nil, limit: 1).map(\.requestID) == ["r1"])
        #expect(try await repository.list(since: fixture.now.addingTimeInterval(-60), clientID: nil, cameraID: nil).isEmpty)
    }

    /// Alerts `a1`..`a4` and their deliveries: `a1` an incident 1 hour ago, delivered to one channel
    /// and failed on the other; `a2` a camera back 2 hours ago, pending (with a hostile last error);
    /// `a3` a budget crossing 20 days ago, still pending; `a4` a test 3 hours ago, delivered.
    static func insertAlerts(_ fixture: Fixture) async throws -> [String: String] {
        let ids = ["a1", "a2", "a3", "a4"].reduce(into: [String: String]()) { $0[$1] = UUID().uuidString.lowercased() }
        let now = fixture.now
        func alert(_ name: String, kind: String, ago: TimeInterval, client: String?, camera: String?, details: String) async throws {
            _ = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    INSERT INTO alerts (alert_id, kind, client_id, camera_id, source_id, created_at, details, node)
                    VALUES ($1::uuid, $2, $3, $4, $4, $5::timestamptz, $6::jsonb, 'test-node')
                    """, [ids[name]!, kind, client, camera, now.addingTimeInterval(-ago), details])
            }
        }
        func delivery(
            _ name: String, channel: String, attempts: Int, next: TimeInterval, status: Int?, error: String?, delivered: Bool,
            failed: Bool
        ) async throws {
            _ = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    INSERT INTO alert_deliveries (alert_id, channel, attempts, next_attempt_at, last_attempt_at, last_status, last_error,
                                                  delivered_at, failed_at)
                    VALUES ($1::uuid, $2, $3::integer, $4::timestamptz, $5::timestamptz, $6::integer, $7,
                            CASE WHEN $8::boolean THEN $5::timestamptz END, CASE WHEN $9::boolean THEN $5::timestamptz END)
                    """,
                    [
                        ids[name]!, channel, attempts, now.addingTimeInterval(next), now.addingTimeInterval(-60), status, error, delivered,
                        failed,
                    ])
            }
        }
        try await alert(
            "a1", kind: "incident", ago: 3600, client: "acme", camera: "till",
            details: #"{"incident_type": "theft", "confidence": 0.91, "description": "till\nopen", "suppressed": 0}"#)
        try await delivery(
            "a1", channel: "operator.webhook.ops", attempts: 1, next: 0, status: 200, error: nil, delivered: true, failed: false)
        try await delivery(
            "a1", channel: "client.acme.email", attempts: 3, next: 0, status: 550, error: "mailbox unavailable", delivered: false,
            failed: true)
        try await alert(
            "a2", kind: "camera_online", ago: 7200, client: "acme", camera: "door",
            details: #"{"offline_since": "2026-11-30T08:00:00Z", "outage_seconds": 340}"#)
        try await delivery(
            "a2", channel: "operator.webhook.ops", attempts: 2, next: 300, status: 503, error: "timeout\u{1b}[2J\nforged line",
            delivered: false, failed: false)
        try await alert(
            "a3", kind: "budget", ago: 20 * 86_400, client: "acme", camera: nil,
            details: #"{"level": "warn_80", "month": "2026-11", "spent": "12.40", "limit": "15.00", "currency": "EUR"}"#)
        try await delivery(
            "a3", channel: "client.acme.email", attempts: 7, next: 60, status: nil, error: "refused", delivered: false, failed: false)
        try await alert("a4", kind: "test", ago: 3 * 3600, client: nil, camera: nil, details: #"{"message": "This is a test alert"}"#)
        try await delivery("a4", channel: "operator.email", attempts: 1, next: 0, status: 250, error: nil, delivered: true, failed: false)
        return ids
    }

    @Test func theOutboxIsListedWithEachDeliverysState() async throws {
        let fixture = try await Self.fixture()
        let ids = try await Self.insertAlerts(fixture)
        let query = AlertOutboxQuery(client: fixture.client)
        let week = fixture.now.addingTimeInterval(-7 * 86_400)

        let recent = try await query.list(since: week, pendingOnly: false)
        #expect(recent.map(\.alertID) == [ids["a1"], ids["a2"], ids["a4"]].compactMap { $0 })
        #expect(recent.map(\.summary) == ["theft 0.91: till\nopen", "back after 340 s", "test"])
        #expect(recent.map(\.kind) == ["incident", "camera_online", "test"])
        let incident = try #require(recent.first)
        #expect(incident.clientID == "acme" && incident.cameraID == "till" && incident.sourceID == "till")
        #expect(abs(incident.createdAt.timeIntervalSince(fixture.now.addingTimeInterval(-3600))) < 0.001)
        #expect(incident.deliveries.map(\.channel) == ["client.acme.email", "operator.webhook.ops"])
        #expect(incident.deliveries.map(\.state) == [.failed, .delivered])
        let failed = incident.deliveries[0], delivered = incident.deliveries[1]
        #expect(failed.attempts == 3 && failed.lastStatus == 550 && failed.lastError == "mailbox unavailable")
        #expect(failed.failedAt != nil && failed.deliveredAt == nil && failed.nextAttemptAt == nil)
        #expect(delivered.attempts == 1 && delivered.lastStatus == 200 && delivered.lastError == nil)
        #expect(delivered.deliveredAt != nil && delivered.nextAttemptAt == nil)
        #expect(recent[2].clientID == nil && recent[2].deliveries.map(\.state) == [.delivered])

        // Pending: every alert with a delivery still to make, however old; none that is only delivered or failed.
        let pending = try await query.list(since: fixture.now, pendingOnly: true)
        #expect(pending.map(\.alertID) == [ids["a2"], ids["a3"]].compactMap { $0 })
        #expect(pending.map(\.summary) == ["back after 340 s", "warn_80 (spent 12.40 of 15.00 EUR)"])
        let waiting = try #require(pending.first?.deliveries.first)
        #expect(waiting.state == .pending && waiting.attempts == 2 && waiting.lastStatus == 503)
        #expect(waiting.lastError == "timeout\u{1b}[2J\nforged line")
        let next = try #require(waiting.nextAttemptAt)
        #expect(abs(next.timeIntervalSince(fixture.now.addingTimeInterval(300))) < 0.001)

        #expect(try await query.list(since: week, pendingOnly: false, limit: 2).map(\.alertID) == [ids["a1"], ids["a2"]].compactMap { $0 })
        #expect(try await query.list(since: fixture.now.addingTimeInterval(-60), pendingOnly: false).isEmpty)
    }

    @Test func summariesComeFromTheDetails() {
        #expect(
            AlertListing.summary(kind: "incident", details: ["incident_type": "theft", "confidence": "0.91", "description": "d"])
                == "theft 0.91: d")
        #expect(AlertListing.summary(kind: "incident", details: ["incident_type": "fire_smoke"]) == "fire_smoke")
        #expect(AlertListing.summary(kind: "camera_online", details: ["outage_seconds": "12.5"]) == "back after 12.5 s")
        #expect(AlertListing.summary(kind: "camera_offline", details: ["offline_seconds": "300"]) == "offline for 300 s")
        #expect(AlertListing.summary(kind: "budget", details: ["level": "limit"]) == "limit")
        #expect(AlertListing.summary(kind: "test", details: [:]) == "test")
    }

    // MARK: - The commands, through the built `vigil`

    static func vigil(_ arguments: [String]) async throws -> ProcessOutput {
        try await ProcessRunner.run(TestEnvironment.vigilExecutable, arguments, environment: ["VIGIL_CONFIG": "/nonexistent/none.json"])
    }

    @Test func incidentsCommandWritesSafeCSVAndJSONAndText() async throws {
        let fixture = try await Self.fixture()
        let url = fixture.database.url

        let csv = try await Self.vigil(["incidents", "--database-url", url, "--format", "csv"])
        #expect(csv.status == 0, "\(csv.standardError)")
        #expect(
            csv.standardOutput.hasPrefix(
                "time,client,camera,source,incident_type,confidence,description,evidence_path,quadrant,request_id\n"))
        // The formula is neutralised with a leading ', the cell quoted because it holds a line feed.
        #expect(
            csv.standardOutput.contains(
                ",acme,till,floor,theft,0.910,\"'=cmd|' /C calc'!A0\nsecond line \u{1b}[2J\",/var/lib/vigil/evidence/2026/r1-till.jpg,top-right,r1\n"
            ))
        #expect(!csv.standardOutput.contains("\n=cmd"))
        #expect(csv.standardOutput.contains(",other,gate,gate,intrusion,0.75,someone climbs the gate,,,r3\n"))
        #expect(!csv.standardOutput.contains(",r2\n") && !csv.standardOutput.contains(",r4\n"))

        let json = try await Self.vigil(["incidents", "--database-url", url, "--format", "json", "--client", "acme"])
        #expect(json.status == 0, "\(json.standardError)")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
        #expect(objects.count == 2)
        let first = try #require(objects.first)
        #expect(
            Set(first.keys) == [
                "time", "client", "camera", "source", "incident_type", "confidence", "description", "evidence_path", "quadrant",
                "request_id",
            ])
        #expect(first["description"] as? String == Self.hostile)
        #expect(first["quadrant"] as? String == "top-right")
        #expect(first["request_id"] as? String == "r1" && first["client"] as? String == "acme")
        #expect(first["evidence_path"] as? String == "/var/lib/vigil/evidence/2026/r1-till.jpg")
        #expect(json.standardOutput.contains(#""confidence":0.910"#))
        #expect(objects[1]["confidence"] is NSNull && objects[1]["quadrant"] is NSNull && objects[1]["evidence_path"] is NSNull)
        #expect((first["time"] as? String)?.hasSuffix("Z") == true)

        let text = try await Self.vigil(["incidents", "--database-url", url, "--days", "30"])
        #expect(text.status == 0, "\(text.standardError)")
        let lines = text.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 5)
        #expect(
            lines.first?.contains(#"till  theft  0.910  =cmd|' /C calc'!A0\nsecond line \x1b[2J  /var/lib/vigil/evidence/2026/r1-till.jpg"#)
                == true)
        #expect(!text.standardOutput.contains("\u{1b}"))
        #expect(text.standardOutput.contains("door  fire_smoke  -  " + String(repeating: "x", count: 200) + "…  -\n"))
        #expect(!text.standardOutput.contains(String(repeating: "x", count: 201)))
        #expect(lines.last == "4 incidents in the last 30 days")

        let invalid = try await Self.vigil(["incidents", "--database-url", url, "--days", "0"])
        #expect(invalid.status == 64)
        #expect(invalid.standardError.contains("--days must be 1 to 3660"))
        let html = try await Self.vigil(["incidents", "--database-url", url, "--format", "html"])
        #expect(html.status == 64)
    }

    @Test func alertsListCommandEscapesWhatItShows() async throws {
        let fixture = try await Self.fixture()
        let ids = try await Self.insertAlerts(fixture)
        let url = fixture.database.url

        let pending = try await Self.vigil(["alerts", "list", "--pending", "--database-url", url])
        #expect(pending.status == 0, "\(pending.standardError)")
        let output = pending.standardOutput
        #expect(!output.contains("\u{1b}"))
        #expect(output.contains("camera_online  acme/door  back after 340 s\n"))
        #expect(
            output.contains(#"operator.webhook.ops  pending  2 attempts  status 503  error: timeout\x1b[2J\nforged line  next attempt "#))
        #expect(output.contains("budget  acme  warn_80 (spent 12.40 of 15.00 EUR)\n"))
        #expect(!output.contains("theft"))
        #expect(output.hasSuffix("2 alerts with a delivery pending, 2 deliveries pending\n"))

        let recent = try await Self.vigil(["alerts", "list", "--database-url", url, "--days", "1"])
        #expect(recent.status == 0, "\(recent.standardError)")
        #expect(recent.standardOutput.contains(#"incident  acme/till  theft 0.91: till\nopen"#))
        #expect(
            recent.standardOutput.contains("    client.acme.email  failed  3 attempts  status 550  error: mailbox unavailable  failed "))
        #expect(recent.standardOutput.contains("    operator.webhook.ops  delivered  1 attempt  status 200  delivered "))
        #expect(recent.standardOutput.contains("test  -  test\n"))
        #expect(recent.standardOutput.hasSuffix("3 alerts in the last 1 day, 1 delivery pending\n"))

        let json = try await Self.vigil(["alerts", "list", "--pending", "--database-url", url, "--format", "json"])
        #expect(json.status == 0, "\(json.standardError)")
        let alerts = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
        #expect(alerts.compactMap { $0["alert_id"] as? String } == [ids["a2"], ids["a3"]].compactMap { $0 })
        let deliveries = try #require(alerts.first?["deliveries"] as? [[String: Any]])
        #expect(deliveries.first?["state"] as? String == "pending")
        #expect(deliveries.first?["last_error"] as? String == "timeout\u{1b}[2J\nforged line")
        #expect(deliveries.first?["delivered_at"] is NSNull)

        let invalid = try await Self.vigil(["alerts", "list", "--database-url", url, "--format", "csv"])
        #expect(invalid.status == 64)
    }
}
