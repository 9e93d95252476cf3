import Foundation
import Logging
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// The alert outbox: durable on disk before anything, deliverable from the spool while PostgreSQL
/// is away (and after a restart), moved into PostgreSQL with its deliveries' states when it returns,
/// and claimed by one sender at a time.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"))
struct AlertOutboxTests {
    static func alert(_ camera: String) -> Alert {
        Alert(
            kind: .incident, clientID: "shop", cameraID: camera, sourceID: camera, time: Date(),
            details: .object(pairs: [("incident_type", .string("theft")), ("description", .string("a \"bag\"\n<script>"))]),
            evidencePath: "/tmp/evidence/\(camera).jpg")
    }

    @Test func anAlertWaitsInTheSpoolAndIsDeliveredFromItWhilePostgreSQLIsAway() async throws {
        let spool = LedgerTests.spoolDirectory()
        // A port nobody listens on: PostgreSQL unreachable.
        let away = DatabaseClient(connectionString: "postgresql://vigil@127.0.0.1:\(TestEnvironment.freePort())/postgres?connect_timeout=2")
        let outbox = AlertOutbox(spoolDirectory: spool, node: "n1", client: away, logger: Logger(label: "test"))
        try await outbox.open()
        let first = Self.alert("till")
        try await outbox.enqueue(first, channels: ["operator.webhook.ops", "client.shop.email"])
        #expect(FileManager.default.fileExists(atPath: outbox.directory + "/\(first.id).alert"))
        #expect(await outbox.flush() == nil)
        let due = outbox.spooledDue()
        #expect(due.map(\.state.channel).sorted() == ["client.shop.email", "operator.webhook.ops"])
        // The webhook took it; the e-mail is to be retried in a minute.
        let webhook = try #require(due.first { $0.state.channel == "operator.webhook.ops" })
        let email = try #require(due.first { $0.state.channel == "client.shop.email" })
        let now = Date()
        try await outbox.record(webhook, attempt: AlertAttempt(outcome: .delivered, at: now, status: 200))
        try await outbox.record(email, attempt: AlertAttempt(outcome: .retry(at: now.addingTimeInterval(60)), at: now, error: "timeout"))
        #expect(outbox.spooledDue(now: now.addingTimeInterval(1)).isEmpty)
        #expect(await outbox.pendingCount().spooled == 1)

        // A restart finds it, with both states, exactly as written.
        let restarted = AlertOutbox(spoolDirectory: spool, node: "n1", client: away, logger: Logger(label: "test"))
        try await restarted.open()
        #expect(restarted.spooledAlerts == 1)
        #expect(restarted.spooledDue(now: now.addingTimeInterval(61)).map(\.state.channel) == ["client.shop.email"])
        let reloaded = try #require(restarted.spooledDue(now: now.addingTimeInterval(61)).first)
        #expect(reloaded.alert.id == first.id && reloaded.alert.kind == .incident && reloaded.alert.cameraID == "till")
        #expect(reloaded.alert.detail("description")?.string == "a \"bag\"\n<script>")
        #expect(abs(reloaded.alert.time.timeIntervalSince(first.time)) < 0.000_001)
        #expect(reloaded.state.attempts == 1 && reloaded.state.lastError == "timeout")

        // PostgreSQL back: the alert and both deliveries go in, the file goes, and the pending one is claimed once.
        let database = try await LedgerTests.migratedDatabase()
        let back = AlertOutbox(
            spoolDirectory: spool, node: "n1", client: DatabaseClient(connectionString: database.url), logger: Logger(label: "test"))
        try await back.open()
        #expect(await back.flush() == 1)
        #expect(!FileManager.default.fileExists(atPath: back.directory))
        #expect(
            try await database.psql("SELECT kind, client_id, camera_id, evidence_path FROM alerts")
                == "incident|shop|till|/tmp/evidence/till.jpg")
        #expect(try await database.psql("SELECT details->>'description' FROM alerts") == "a \"bag\"\n<script>")
        #expect(
            try await database.psql(
                "SELECT string_agg(channel || ':' || attempts || ':' || (delivered_at IS NOT NULL), ',' ORDER BY channel) FROM alert_deliveries"
            )
                == "client.shop.email:1:false,operator.webhook.ops:1:true")
        let later = now.addingTimeInterval(61)
        let claimed = try await back.claimDue(now: later)
        #expect(claimed.map(\.state.channel) == ["client.shop.email"])
        #expect(claimed.first?.alert.detail("incident_type")?.string == "theft")
        #expect(claimed.first?.alert.id == first.id)
        // Claimed: another sender gets nothing until the claim runs out.
        let other = AlertOutbox(
            spoolDirectory: LedgerTests.spoolDirectory(), node: "n2", client: DatabaseClient(connectionString: database.url),
            logger: Logger(label: "test"))
        #expect(try await other.claimDue(now: later).isEmpty)
        #expect(try await other.claimDue(now: later.addingTimeInterval(301)).count == 1)
    }

    /// An unreadable spool file is set aside, never deleted nor delivered.
    @Test func anUnreadableSpoolFileIsSetAside() async throws {
        let spool = LedgerTests.spoolDirectory()
        let folder = spool + "/alerts"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "{not json".write(toFile: folder + "/x.alert", atomically: true, encoding: .utf8)
        let outbox = AlertOutbox(spoolDirectory: spool, node: "n1", client: nil, logger: Logger(label: "test"))
        try await outbox.open()
        #expect(outbox.spooledAlerts == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/x.alert.rejected"))
    }

    /// Pictures past the retention go, with their emptied day folders; newer ones stay.
    @Test func evidencePastItsRetentionIsPruned() async throws {
        let directory = NSTemporaryDirectory() + "vigil-evidence-\(UUID().uuidString)"
        let store = EvidenceStore(directory: directory, retentionDays: 30)
        let old = try await store.keep([0xFF, 0xD8, 0xFF, 0xD9], requestID: "old", at: Date().addingTimeInterval(-40 * 86_400)).get()
        let new = try await store.keep([0xFF, 0xD8, 0xFF, 0xD9], requestID: "new", at: Date()).get()
        #expect(old.hasPrefix(directory + "/") && old.hasSuffix("/old.jpg"))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-40 * 86_400)], ofItemAtPath: old)
        let attributes = try FileManager.default.attributesOfItem(atPath: new)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(await store.prune() == 1)
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(!FileManager.default.fileExists(atPath: (old as NSString).deletingLastPathComponent))
        #expect(await store.read(new) == [0xFF, 0xD8, 0xFF, 0xD9])
        #expect(await store.read(old) == nil)
    }
}
