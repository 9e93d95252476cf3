import Foundation
import Testing
import VigilTestSupport

/// Alerts in `vigil run`, end to end: the Gemini stand-in reports incidents, real RTSP cameras go
/// dark, and real receivers (an HTTP server checking every signature, an SMTP server) take the
/// alerts. Incidents are scripted with a confidence of 0.999 and the rules ask for 0.995: the
/// stand-in's own random incidents (confidence at most 0.99) never alert.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase && TestEnvironment.hasRTSP, "needs PostgreSQL and RTSP: run ./scripts/test"),
    .timeLimit(.minutes(6)))
struct AlertDaemonTests {
    static let apiKey = "AIzaSyALERT-TEST-KEY-0123456789abcdef"
    static let operatorSecret = "whsec-operator-7f3a9c1e5b"
    static let clientSecret = "whsec-client-2d8e4f6a0c"
    static let smtpPassword = "smtp-pass-93b1c7e2"

    struct Setup {
        var database: TestDatabase
        var standIn: GeminiStandIn
        var configPath: String
        var spool: String
        var evidence: String
    }

    /// A database migrated, the stand-in, and a configuration file of one client `shop` with
    /// `cameras` (id → RTSP path), the operator's webhook, the client's own, and e-mail when given.
    static func setUp(
        rtsp: RTSPTestServer, cameras: [String: String], operatorHook: WebhookReceiver, clientHook: WebhookReceiver? = nil,
        smtp: SMTPSink? = nil, cooldown: Int = 0, offlineAfter: Int = 120, httpPort: Int? = nil
    ) async throws -> Setup {
        let database = try await TestDatabase.create(on: TestEnvironment.databaseURL)
        let migrated = try await ProcessRunner.run(TestEnvironment.vigilExecutable, ["migrate", "--database-url", database.url])
        #expect(migrated.status == 0, "\(migrated.standardError)")
        let standIn = try await GeminiStandIn.start(apiKey: apiKey)
        let folder = NSTemporaryDirectory() + "vigil-alerts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try operatorSecret.write(toFile: folder + "/operator.secret", atomically: true, encoding: .utf8)
        try (smtpPassword + "\n").write(toFile: folder + "/smtp.password", atomically: true, encoding: .utf8)
        let cameraList = cameras.sorted { $0.key < $1.key }.map { id, path in
            #"{"id": "\#(id)", "name": "Camera \#(id)", "url": "\#(rtsp.url)/\#(path)", "client": "shop"}"#
        }.joined(separator: ",\n    ")
        var clientAlerts = #""min_confidence": 0.995, "cooldown_seconds": \#(cooldown)"#
        if let clientHook {
            clientAlerts += #", "webhooks": [{"name": "shop-hook", "url": "\#(clientHook.url)", "secret": "\#(clientSecret)"}]"#
        }
        if smtp != nil { clientAlerts += #", "email_to": ["owner@shop.example"]"# }
        var alerts = """
            "evidence_directory": "\(folder)/evidence", "min_confidence": 0.995, "cooldown_seconds": \(cooldown),
            "camera_offline_after_seconds": \(offlineAfter), "retry": {"initial_seconds": 1, "max_seconds": 4, "give_up_after_hours": 24},
            "webhooks": [{"name": "ops", "url": "\(operatorHook.url)", "secret_file": "\(folder)/operator.secret"}]
            """
        if let smtp {
            alerts += """
                , "smtp": {"url": "\(smtp.url)", "username": "vigil", "password_file": "\(folder)/smtp.password", "from": "alerts@vigil.example"},
                "email_to": ["ops@operator.example"]
                """
        }
        // Every daemon of a test on a port of its own (the default one is shared by parallel tests).
        let http = #""http": {"listen": "127.0.0.1:\#(httpPort ?? TestEnvironment.freePort())"},"#
        let configuration = """
            {
              "database": {"url": "\(database.url)", "spool_directory": "\(folder)/spool"},
              "gemini": {"base_url": "\(standIn.baseURL)", "model": "gemini-2.5-flash", "request_timeout_seconds": 10, "max_attempts": 1},
              "analysis": {"interval_seconds": 1, "max_frame_age_seconds": 5, "scene_gate": {"enabled": false}},
              "capture": {"keyframe_interval_seconds": 1},
              \(http)
              "alerts": {\(alerts)},
              "clients": [{"id": "shop", "name": "Test Shop", "alerts": {\(clientAlerts)}}],
              "cameras": [
                \(cameraList)
              ]
            }
            """
        let path = folder + "/vigil.json"
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        return Setup(database: database, standIn: standIn, configPath: path, spool: folder + "/spool", evidence: folder + "/evidence")
    }

    static func start(_ setup: Setup) throws -> DaemonProcess {
        try DaemonProcess(TestEnvironment.vigilExecutable, ["run", "--config", setup.configPath], environment: ["GEMINI_API_KEY": apiKey])
    }

    /// Makes every answer from now on report an incident on `camera` (nil: stop).
    static func standingIncident(_ standIn: GeminiStandIn, camera: String?) async throws {
        let body = camera.map { #"{"camera": "\#($0)", "type": "theft", "confidence": 0.999}"# } ?? "null"
        let result = try await ProcessRunner.run(
            "/usr/bin/curl",
            ["-s", "-f", "-X", "POST", standIn.baseURL + "/_control/incidents", "-H", "Content-Type: application/json", "--data", body])
        #expect(result.status == 0, "\(result.standardError)")
    }

    /// The width and height in a JPEG's start-of-frame segment.
    static func jpegSize(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data)
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if (0xC0...0xC3).contains(marker) {
                let height = Int(bytes[index + 5]) << 8 | Int(bytes[index + 6])
                let width = Int(bytes[index + 7]) << 8 | Int(bytes[index + 8])
                return (width, height)
            }
            index += 2 + length
        }
        return nil
    }

    static func incidents(_ received: [ReceivedWebhook]) -> [ReceivedWebhook] { received.filter { $0.string("kind") == "incident" } }

    /// An incident reaches the operator's and the client's webhook (signed, with the picture sent
    /// to Gemini, of the tile's size) and both e-mail recipients (picture attached); incidents every
    /// tick give one alert during the cooldown and the next one says how many were held back; the
    /// picture's path is on the verdict's row; `vigil incidents`, `vigil alerts list` and
    /// `vigil alerts test` work; no secret appears in the log, the metrics or the commands' output.
    @Test func incidentsReachPeopleOnceWithTheirPicture() async throws {
        let server = try await RTSPTestServer.start(cameras: ["path=till,codec=h264,size=640x360,gop=1"])
        let operatorHook = try await WebhookReceiver(secrets: [Self.operatorSecret])
        let clientHook = try await WebhookReceiver(secrets: [Self.clientSecret])
        let smtp = try await SMTPSink(username: "vigil", password: Self.smtpPassword)
        let httpPort = TestEnvironment.freePort()
        let setup = try await Self.setUp(
            rtsp: server, cameras: ["till": "till"], operatorHook: operatorHook, clientHook: clientHook, smtp: smtp, cooldown: 40,
            httpPort: httpPort)
        let daemon = try Self.start(setup)
        #expect(await daemon.waitForLog("camera live", timeout: 60), "\(daemon.log)")
        try await Self.standingIncident(setup.standIn, camera: "till")

        // One alert to each webhook, signed, with the picture; one e-mail to both recipients' lists.
        let first = try await operatorHook.waitForReceived(count: 1, where: { $0.string("kind") == "incident" }, timeout: 60)
        _ = try await clientHook.waitForReceived(count: 1, where: { $0.string("kind") == "incident" }, timeout: 60)
        let alert = try #require(first.first)
        #expect(alert.signatureValid)
        #expect(alert.string("camera") == "till" && alert.string("client") == "shop" && alert.string("incident_type") == "theft")
        #expect(alert.double("confidence") == 0.999)
        #expect(alert.int("suppressed") == 0)
        let requestID = try #require(alert.string("request_id"))
        let encoded = try #require(alert.string("image_jpeg_base64"))
        let picture = try #require(Data(base64Encoded: encoded))
        let size = try #require(Self.jpegSize(picture))
        let sent = try await setup.database.psql(
            "SELECT image_width || 'x' || image_height FROM api_usage WHERE request_id = '\(requestID)'")
        #expect("\(size.width)x\(size.height)" == sent)
        // The same picture is the evidence on the verdict's row.
        let evidencePath = try await setup.database.psql(
            "SELECT a.evidence_path FROM analyses a JOIN api_usage u ON u.id = a.usage_id WHERE u.request_id = '\(requestID)'")
        #expect(evidencePath.hasPrefix(setup.evidence + "/"))
        #expect(FileManager.default.contents(atPath: evidencePath) == picture)

        // Every tick reports the incident until three are recorded (or 25 s after the first alert,
        // well inside the 40 s cooldown): still one alert.
        let recorded = "SELECT count(*) FROM analyses WHERE incident_detected AND confidence = 0.999"
        while Date().timeIntervalSince1970 - alert.receivedAt < 25, (Int(try await setup.database.psql(recorded)) ?? 0) < 3 {
            try await Task.sleep(for: .milliseconds(500))
        }
        try await Self.standingIncident(setup.standIn, camera: nil)
        try await Task.sleep(for: .seconds(4))
        #expect(Self.incidents(try await operatorHook.received()).count == 1)
        #expect(Self.incidents(try await clientHook.received()).count == 1)
        let held = Int(try await setup.database.psql(recorded)) ?? 0
        #expect(held >= 2, "incidents recorded: \(held)")
        // After the cooldown, the next incident is sent and says how many were held back.
        let firstTime = alert.receivedAt
        let wait = max(0, 42 - (Date().timeIntervalSince1970 - firstTime))
        try await Task.sleep(for: .seconds(wait))
        try await setup.standIn.script(["incident:till:theft:0.999"])
        let two = try await operatorHook.waitForReceived(count: 2, where: { $0.string("kind") == "incident" }, timeout: 60)
        #expect(two.last?.int("suppressed") == held - 1, "\(two.last?.bodyText.prefix(300) ?? "")")
        #expect(two.last?.string("alert_id") != alert.string("alert_id"))

        // E-mail: each list its own message, the picture attached, the password nowhere.
        let mails = try await smtp.waitForMessages(count: 2, timeout: 60)
        let recipients = Set(mails.prefix(2).map { $0.recipients.joined(separator: ",") })
        #expect(recipients == ["ops@operator.example", "owner@shop.example"])
        for mail in mails.prefix(2) {
            #expect(mail.mailFrom == "alerts@vigil.example")
            #expect(mail.authenticatedAs == "vigil")
            #expect(mail.text.contains("Content-Type: image/jpeg"))
            #expect(
                mail.text.contains(
                    picture.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
                        .prefix(76)))
        }

        // The outbox: every delivery delivered; the metrics count them.
        #expect(
            await Self.waitUntil(timeout: 30) {
                (try? await setup.database.psql("SELECT count(*) FROM alert_deliveries WHERE delivered_at IS NULL")) == "0"
            })
        #expect(try await setup.database.psql("SELECT count(DISTINCT channel) FROM alert_deliveries") == "4")
        let metrics = try await ProcessRunner.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(httpPort)/metrics"])
        #expect(
            metrics.standardOutput.contains(#"vigil_alerts_total{kind="incident",channel="webhook",outcome="delivered"} 4"#),
            "\(metrics.standardOutput.suffix(2000))")
        #expect(metrics.standardOutput.contains(#"vigil_alerts_total{kind="incident",channel="email",outcome="delivered"} 4"#))
        #expect(metrics.standardOutput.contains(#"vigil_alerts_total{kind="incident",channel="none",outcome="suppressed"} \#(held - 1)"#))
        #expect(metrics.standardOutput.contains("vigil_alerts_pending 0"))
        #expect(metrics.standardOutput.contains("# HELP vigil_alerts_total "))

        // The commands.
        let incidents = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["incidents", "--config", setup.configPath, "--days", "1", "--format", "json"])
        #expect(incidents.status == 0, "\(incidents.standardError)")
        #expect(incidents.standardOutput.contains(evidencePath))
        let list = try await ProcessRunner.run(TestEnvironment.vigilExecutable, ["alerts", "list", "--config", setup.configPath])
        #expect(list.status == 0, "\(list.standardError)")
        let test = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["alerts", "test", "--config", setup.configPath, "--client", "shop"])
        #expect(test.status == 0, "\(test.standardOutput)\(test.standardError)")
        #expect(test.standardOutput.contains("4 of 4 channels took the test alert"), "\(test.standardOutput)")
        _ = try await operatorHook.waitForReceived(count: 1, where: { $0.string("kind") == "test" }, timeout: 30)

        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 60) == 0, "\(daemon.log)")
        for secret in [Self.operatorSecret, Self.clientSecret, Self.smtpPassword] {
            for text in [
                daemon.log, metrics.standardOutput, list.standardOutput, test.standardOutput, test.standardError, incidents.standardOutput,
            ] {
                #expect(!text.contains(secret))
            }
        }
        let everything = try await operatorHook.received() + clientHook.received()
        for received in everything { #expect(received.signatureValid) }
    }

    /// A receiver answering 500 three times gets the alert a fourth time, with the same id; a
    /// receiver down for 30 s gets it after; a daemon killed with alerts pending delivers them
    /// after its restart, none lost.
    @Test func deliveriesSurviveFailuresOutagesAndKill() async throws {
        let server = try await RTSPTestServer.start(cameras: ["path=door,codec=h264,size=640x360,gop=1"])
        let hook = try await WebhookReceiver(secrets: [Self.operatorSecret])
        let setup = try await Self.setUp(rtsp: server, cameras: ["door": "door"], operatorHook: hook)
        var daemon = try Self.start(setup)
        #expect(await daemon.waitForLog("camera live", timeout: 60), "\(daemon.log)")

        // 500, 500, 500, then 200: four attempts of one alert.
        try await hook.script([500, 500, 500])
        try await setup.standIn.script(["incident:door:theft:0.999"])
        let attempts = try await hook.waitForReceived(count: 4, where: { $0.string("kind") == "incident" }, timeout: 90)
        #expect(attempts.map(\.status) == [500, 500, 500, 200])
        #expect(Set(attempts.map { $0.string("alert_id") ?? "" }).count == 1)
        #expect(attempts.allSatisfy { $0.signatureValid })

        // Down for 30 s: delivered after.
        try await hook.goDown(seconds: 30)
        try await setup.standIn.script(["incident:door:intrusion:0.999"])
        #expect(
            await Self.waitUntil(timeout: 30) {
                (try? await setup.database.psql("SELECT count(*) FROM alerts WHERE kind = 'incident'")) == "2"
            })
        let afterOutage = try await hook.waitForReceived(count: 5, where: { $0.string("kind") == "incident" }, timeout: 120)
        #expect(afterOutage.last?.string("incident_type") == "intrusion" && afterOutage.last?.status == 200)
        #expect(try await hook.refusedConnections() > 0)

        // Killed with an alert pending: the receiver is down, the alert is in the outbox.
        try await hook.goDown(seconds: 40)
        try await setup.standIn.script(["incident:door:vandalism:0.999"])
        #expect(
            await Self.waitUntil(timeout: 30) {
                (try? await setup.database.psql("SELECT count(*) FROM alerts WHERE kind = 'incident'")) == "3"
            })
        daemon.signal(SIGKILL)
        _ = await daemon.wait(timeout: 30)
        #expect(try await setup.database.psql("SELECT count(*) FROM alert_deliveries WHERE delivered_at IS NULL") == "1")
        daemon = try Self.start(setup)
        let all = try await hook.waitForReceived(count: 3, where: { $0.string("kind") == "incident" && $0.status == 200 }, timeout: 150)
        #expect(Set(all.compactMap { $0.string("incident_type") }) == ["theft", "intrusion", "vandalism"])
        // Each alert delivered (at least once), no alert lost: the receiver's ids are the outbox's.
        let delivered = Set(all.compactMap { $0.string("alert_id") })
        let outbox = try await setup.database.psql(
            "SELECT string_agg(alert_id::text, ',' ORDER BY alert_id) FROM alerts WHERE kind = 'incident'")
        #expect(delivered == Set(outbox.split(separator: ",").map(String.init)))
        #expect(
            await Self.waitUntil(timeout: 30) {
                (try? await setup.database.psql("SELECT count(*) FROM alert_deliveries WHERE delivered_at IS NULL")) == "0"
            })
        // The first alert's four attempts are on its delivery's row; the others took more than one.
        #expect(
            try await setup.database.psql(
                "SELECT d.attempts FROM alert_deliveries d JOIN alerts a USING (alert_id) WHERE a.details->>'incident_type' = 'theft'")
                == "4")
        #expect(
            try await setup.database.psql(
                "SELECT min(d.attempts) > 1 FROM alert_deliveries d JOIN alerts a USING (alert_id) WHERE a.details->>'incident_type' <> 'theft'"
            )
                == "t")
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 60) == 0, "\(daemon.log)")
        #expect(!daemon.log.contains(Self.operatorSecret))
    }

    /// A camera dark for longer than the threshold: one offline alert, then one online alert with
    /// the outage's length. A short flap: neither.
    @Test func camerasThatGoDarkAreReportedOnce() async throws {
        let server = try await RTSPTestServer.start(cameras: ["path=yard,codec=h264,size=640x360,gop=1"])
        let hook = try await WebhookReceiver(secrets: [Self.operatorSecret])
        let setup = try await Self.setUp(rtsp: server, cameras: ["yard": "yard"], operatorHook: hook, offlineAfter: 20)
        let daemon = try Self.start(setup)
        #expect(await daemon.waitForLog("camera live", timeout: 60), "\(daemon.log)")

        // A flap of 3 s: the camera is back well within 20 s.
        await server.stop()
        try await Task.sleep(for: .seconds(3))
        try await server.start()
        #expect(await daemon.waitForLog("camera live", count: 2, timeout: 60), "\(daemon.log)")
        try await Task.sleep(for: .seconds(25))
        let flapped = try await hook.received()
        let flappedHealth = flapped.filter { $0.string("kind")?.hasPrefix("camera_") == true }
        #expect(flappedHealth.isEmpty)

        // Dark for 35 s: one offline, then one online.
        await server.stop()
        let offline = try await hook.waitForReceived(count: 1, where: { $0.string("kind") == "camera_offline" }, timeout: 90)
        #expect(offline.first?.string("camera") == "yard" && offline.first?.signatureValid == true)
        let darkFor = Date().timeIntervalSince1970
        try await Task.sleep(for: .seconds(max(0, 15 - (Date().timeIntervalSince1970 - darkFor))))
        try await server.start()
        let online = try await hook.waitForReceived(count: 1, where: { $0.string("kind") == "camera_online" }, timeout: 90)
        #expect((online.first?.int("outage_seconds") ?? 0) >= 35, "\(online.first?.bodyText ?? "")")
        try await Task.sleep(for: .seconds(3))
        let health = try await hook.received().filter { $0.string("kind")?.hasPrefix("camera_") == true }
        #expect(health.map { $0.string("kind") ?? "" } == ["camera_offline", "camera_online"])
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 60) == 0, "\(daemon.log)")
    }

    static func waitUntil(timeout: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return false
    }
}
