import Foundation
import Testing
import VigilCore
import VigilCurl

@testable import VigilAlerts

/// The pure values behind alerts: cooldowns, cameras' health and the delivery schedule.
@Suite struct AlertStateTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// An incident every 5 s for a minute with a 300 s cooldown: one sent, eleven suppressed, and
    /// the first one after the cooldown says eleven were suppressed.
    @Test func cooldownSendsOneAndCountsTheRest() {
        var cooldown = AlertCooldown()
        var sent: [Int] = []
        var lastSuppressed = 0
        for tick in 0..<12 {
            switch cooldown.decide(camera: "till", type: "theft", at: start.addingTimeInterval(Double(tick * 5)), cooldownSeconds: 300) {
            case .send(let suppressed):
                sent.append(suppressed)
            case .suppress(let count):
                lastSuppressed = count
            }
        }
        #expect(sent == [0])
        #expect(lastSuppressed == 11)
        // Another type or camera is not held by this one's cooldown.
        #expect(
            cooldown.decide(camera: "till", type: "fire_smoke", at: start.addingTimeInterval(60), cooldownSeconds: 300)
                == .send(suppressedBefore: 0))
        #expect(
            cooldown.decide(camera: "door", type: "theft", at: start.addingTimeInterval(60), cooldownSeconds: 300)
                == .send(suppressedBefore: 0))
        // After the cooldown, the next one is sent with the count, which starts again.
        #expect(
            cooldown.decide(camera: "till", type: "theft", at: start.addingTimeInterval(301), cooldownSeconds: 300)
                == .send(suppressedBefore: 11))
        #expect(
            cooldown.decide(camera: "till", type: "theft", at: start.addingTimeInterval(302), cooldownSeconds: 300) == .suppress(count: 1))
        // A cooldown of 0 sends everything.
        var none = AlertCooldown()
        for tick in 0..<3 {
            #expect(
                none.decide(camera: "c", type: "theft", at: start.addingTimeInterval(Double(tick)), cooldownSeconds: 0)
                    == .send(suppressedBefore: 0))
        }
        // A clock set back does not hold alerts forever.
        #expect(
            cooldown.decide(camera: "till", type: "theft", at: start.addingTimeInterval(-3600), cooldownSeconds: 300) != .suppress(count: 2)
        )
    }

    /// Dark for the threshold: one offline; back: one online with the outage's length; a flap
    /// shorter than the threshold: nothing.
    @Test func cameraHealthReportsOutagesNotFlaps() {
        var health = CameraHealth(offlineAfter: 120)
        var changes: [CameraHealth.Change] = []
        // Live, then a 60 s flap: nothing.
        changes += health.observe(["till": true], at: start)
        for second in stride(from: 1, through: 60, by: 1) {
            changes += health.observe(["till": false], at: start.addingTimeInterval(Double(second)))
        }
        changes += health.observe(["till": true], at: start.addingTimeInterval(61))
        #expect(changes.isEmpty)
        // Dark from 100 s to 400 s: one offline at 220 s, one online at 400 s after 300 s.
        for second in stride(from: 100, through: 399, by: 1) {
            changes += health.observe(["till": false], at: start.addingTimeInterval(Double(second)))
        }
        #expect(changes == [.offline(camera: "till", since: start.addingTimeInterval(100))])
        #expect(health.offline == ["till": start.addingTimeInterval(100)])
        changes += health.observe(["till": true], at: start.addingTimeInterval(400))
        #expect(changes.count == 2)
        #expect(changes[1] == .online(camera: "till", since: start.addingTimeInterval(100), outage: 300))
        #expect(health.offline.isEmpty)
        // A camera never live since start counts from its first observation; a removed one is forgotten.
        #expect(health.observe(["new": false], at: start.addingTimeInterval(500)).isEmpty)
        #expect(
            health.observe(["new": false], at: start.addingTimeInterval(620)) == [
                .offline(camera: "new", since: start.addingTimeInterval(500))
            ])
        #expect(health.observe([:], at: start.addingTimeInterval(700)).isEmpty)
        #expect(health.observe(["new": true], at: start.addingTimeInterval(701)).isEmpty)
    }

    /// Backoff doubles to its cap, honours a receiver's Retry-After within bounds, makes a last
    /// attempt at the give-up time and then gives up.
    @Test func deliveryScheduleBacksOffAndGivesUp() {
        let schedule = DeliverySchedule(initialDelay: 10, maxDelay: 1800, giveUpAfter: 24 * 3600)
        var generator = FixedRandom()
        func delay(_ attempts: Int, at offset: Double = 0, retryAfter: Double? = nil) -> Double? {
            let now = start.addingTimeInterval(offset)
            return schedule.nextAttempt(after: attempts, failedAt: now, alertTime: start, retryAfter: retryAfter, using: &generator)
                .map { $0.timeIntervalSince(now) }
        }
        #expect(delay(1) == 10)
        #expect(delay(2) == 20)
        #expect(delay(5) == 160)
        #expect(delay(30) == 1800)
        #expect(delay(1, retryAfter: 60) == 60)
        #expect(delay(1, retryAfter: 1) == 10)
        #expect(delay(1, retryAfter: 1e9) == 1800)
        #expect(delay(1, retryAfter: .nan) == 10)
        // Near the end, the last attempt is at the give-up time; after it, none.
        #expect(delay(40, at: 24 * 3600 - 100) == 100)
        #expect(delay(41, at: 24 * 3600) == nil)
        // Retries span at least 24 h: attempts keep coming until then.
        var now = start
        var attempts = 0
        while let next = schedule.nextAttempt(after: attempts + 1, failedAt: now, alertTime: start, using: &generator) {
            attempts += 1
            now = next
        }
        #expect(now.timeIntervalSince(start) >= 24 * 3600)
        #expect(attempts < 100)
    }

    /// The signature is HMAC-SHA256 of "<timestamp>.<body>" with the secret, as the README's
    /// receiver checks it (the digests were computed with Python's hmac module).
    @Test func webhookSignatureIsHMACOfTimestampAndBody() {
        let body = Array("ya want for nothing?".utf8)
        #expect(
            WebhookSignature.hex(secret: "Jefe", timestamp: 1_790_000_000, body: body)
                == "2a460aa120c2a22b4dcb0115bdf7b4e5d4c1c8c76a22114b367e5d1259f22fcd")
        #expect(
            WebhookSignature.hex(secret: "Jefe", timestamp: 0, body: [])
                == "813f643c8863ba9754215e64cdab172f2e96c1a413d772978aba7398cc864e55")
        let headers = WebhookSignature.headers(secret: "s3cret", body: body, at: Date(timeIntervalSince1970: 1_790_000_000.9))
        #expect(headers[0] == "X-Vigil-Timestamp: 1790000000")
        #expect(headers[1] == "X-Vigil-Signature: sha256=" + WebhookSignature.hex(secret: "s3cret", timestamp: 1_790_000_000, body: body))
        #expect(!headers.joined().contains("s3cret"))
    }

    /// The body: common fields, the kind's details at the top level, the picture base64-encoded;
    /// hostile text stays inside its JSON string.
    @Test func webhookBodyCarriesDetailsAndPicture() throws {
        let alert = Alert(
            id: "0193a000-0000-7000-8000-000000000001", kind: .incident, clientID: "acme", cameraID: "till", sourceID: "shop",
            time: Date(timeIntervalSince1970: 1_790_000_000.25),
            details: .object(pairs: [
                ("incident_type", .string("theft")), ("confidence", JSONNode(.number("0.91"), line: 0)),
                ("description", .string("a \"person\"\n\u{202E}bag</script>")), ("alert_id", .string("forged")),
            ]), evidencePath: "/x.jpg")
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0x00, 0x01, 0xFF, 0xD9]
        let body = WebhookPayload.body(alert, context: AlertContext(clientName: "Acme", cameraName: "Till"), evidence: jpeg)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(json["alert_id"] as? String == alert.id)
        #expect(json["kind"] as? String == "incident")
        #expect(json["client"] as? String == "acme" && json["camera"] as? String == "till" && json["source"] as? String == "shop")
        #expect(json["time"] as? String == "2026-09-21T14:13:20.250Z")
        #expect(json["confidence"] as? Double == 0.91)
        #expect(json["description"] as? String == "a \"person\"\n\u{202E}bag</script>")
        #expect(Data(base64Encoded: try #require(json["image_jpeg_base64"] as? String)) == Data(jpeg))
        let missing = WebhookPayload.body(alert, context: AlertContext(), evidence: nil)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(missing)) as? [String: Any])
        #expect(parsed["image_missing"] as? Bool == true && parsed["image_jpeg_base64"] == nil)
    }

    /// 2xx delivered; 408, 429 and 5xx retried (with a valid Retry-After); other 4xx and 3xx
    /// permanent; a transport failure retried; a receiver's answer is escaped in the reason.
    @Test func webhookResponsesAreJudged() {
        func judge(_ status: Int, _ body: String = "", retryAfter: String? = nil) -> DeliveryResult {
            WebhookChannel.judge(.success(HTTPResponse(status: status, body: Array(body.utf8), retryAfter: retryAfter)))
        }
        #expect(judge(200) == .delivered(status: 200))
        #expect(judge(204) == .delivered(status: 204))
        #expect(judge(500, "boom") == .retry(reason: "HTTP 500: boom", status: 500, retryAfter: nil))
        #expect(judge(503, retryAfter: "30") == .retry(reason: "HTTP 503", status: 503, retryAfter: 30))
        #expect(judge(429, retryAfter: "-5") == .retry(reason: "HTTP 429", status: 429, retryAfter: nil))
        #expect(judge(408).outcome == "retry")
        #expect(judge(404).outcome == "failed")
        #expect(judge(401).outcome == "failed")
        #expect(judge(301).outcome == "failed")
        #expect(judge(400, "bad\nline\u{1B}[31m") == .failed(reason: "HTTP 400: bad\\nline\\x1b[31m", status: 400))
        let refused = WebhookChannel.judge(.failure(TransportError(kind: .connect, message: "Couldn't connect", requestSent: false)))
        #expect(refused.outcome == "retry")
    }
}

/// Random numbers that always give the middle of a range: no jitter.
struct FixedRandom: RandomNumberGenerator {
    mutating func next() -> UInt64 { UInt64.max / 2 }
}
