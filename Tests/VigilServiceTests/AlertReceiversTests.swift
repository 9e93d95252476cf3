import Foundation
import Testing
import VigilTestSupport

/// The real alert receivers the delivery tests use: the webhook receiver checks signatures and
/// answers as scripted, the SMTP sink keeps what it is sent.
@Suite(.timeLimit(.minutes(2)))
struct AlertReceiversTests {
    /// The hex HMAC-SHA256 of `"<timestamp>." + body` with `secret`, computed by Python's hmac.
    static func signature(secret: String, timestamp: Int, body: String) async throws -> String {
        let script = "import hashlib, hmac, sys; print(hmac.new(sys.argv[1].encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())"
        let result = try await ProcessRunner.run("/usr/bin/python3", ["-c", script, secret], input: "\(timestamp).\(body)")
        guard result.status == 0 else { throw TestFailure("python3 hmac: \(result.standardError)") }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// POSTs `body` to `url` with the two signature headers; the HTTP status, or 0 when no answer came.
    static func post(_ url: String, body: String, timestamp: Int, signature: String) async throws -> Int {
        let result = try await ProcessRunner.run(
            "/usr/bin/curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "-X", "POST", url,
                "-H", "Content-Type: application/json", "-H", "X-Vigil-Timestamp: \(timestamp)",
                "-H", "X-Vigil-Signature: sha256=\(signature)", "--data-binary", body,
            ])
        return Int(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    static var now: Int { Int(Date().timeIntervalSince1970) }

    @Test func theWebhookReceiverChecksSignaturesAndFollowsItsScript() async throws {
        let receiver = try await WebhookReceiver(secrets: ["old-secret", "new-secret"])
        #expect(receiver.url.hasPrefix("http://127.0.0.1:") && receiver.url.hasSuffix("/hooks/vigil"))
        let body =
            #"{"kind":"incident","camera_id":"till","verdict":{"confidence":0.91,"incident_detected":true},"cameras":[{"id":"till"}]}"#
        let timestamp = Self.now

        let good = try await Self.signature(secret: "new-secret", timestamp: timestamp, body: body)
        #expect(try await Self.post(receiver.url, body: body, timestamp: timestamp, signature: good) == 200)
        let rotated = try await Self.signature(secret: "old-secret", timestamp: timestamp, body: body)
        #expect(try await Self.post(receiver.url, body: body, timestamp: timestamp, signature: rotated) == 200)
        let wrongKey = try await Self.signature(secret: "not-the-secret", timestamp: timestamp, body: body)
        #expect(try await Self.post(receiver.url, body: body, timestamp: timestamp, signature: wrongKey) == 401)
        // Signed for another timestamp: the body alone does not make it valid.
        #expect(try await Self.post(receiver.url, body: body, timestamp: timestamp + 1, signature: good) == 401)

        try await receiver.script([500, 200])
        #expect(try await Self.post(receiver.url, body: body, timestamp: timestamp, signature: wrongKey) == 401, "a 401 uses no status up")
        #expect(try await Self.post(receiver.url, body: body, timestamp: timestamp, signature: good) == 500)
        #expect(try await Self.post(receiver.url, body: body, timestamp: timestamp, signature: good) == 200)
        #expect(try await Self.post(receiver.url, body: body, timestamp: timestamp, signature: good) == 200, "200 after the script")

        let received = try await receiver.waitForReceived(count: 8, timeout: 10)
        #expect(received.map(\.status) == [200, 200, 401, 401, 401, 500, 200, 200])
        #expect(received.map(\.signatureValid) == [true, true, false, false, false, true, true, true])
        #expect(received.map(\.sequence) == Array(1...8))
        let first = try #require(received.first)
        #expect(first.path == "/hooks/vigil")
        #expect(first.timestamp == timestamp)
        #expect(first.header("X-Vigil-Signature") == "sha256=\(good)")
        #expect(first.header("content-type") == "application/json")
        #expect(first.bodyText == body)
        #expect(first.string("camera_id") == "till")
        #expect(first.double("verdict.confidence") == 0.91)
        #expect(first.bool("verdict.incident_detected") == true)
        #expect(first.string("cameras.0.id") == "till")
        #expect(first.int("verdict.confidence") == nil)
        #expect(first.string("missing.key") == nil)
        #expect(first.json?["kind"] as? String == "incident")

        let valid = try await receiver.waitForReceived(count: 5, where: \.signatureValid, timeout: 1)
        #expect(valid.count == 5)
        await #expect(throws: TestFailure.self) { try await receiver.waitForReceived(count: 9, timeout: 0.3) }
    }

    @Test func theWebhookReceiverGoesDownAndComesBack() async throws {
        let receiver = try await WebhookReceiver(secrets: ["s3cret"])
        let body = #"{"kind":"camera_down","camera_id":"yard"}"#
        let timestamp = Self.now
        let signature = try await Self.signature(secret: "s3cret", timestamp: timestamp, body: body)
        // Down long enough that a loaded machine still posts within it.
        try await receiver.goDown(seconds: 10)
        #expect(try await Self.post(receiver.url, body: body, timestamp: timestamp, signature: signature) == 0, "no answer while down")
        #expect(try await receiver.refusedConnections() >= 1)
        #expect(try await receiver.received().isEmpty, "a refused webhook is not recorded")
        var status = 0
        let deadline = Date().addingTimeInterval(60)
        while status != 200, Date() < deadline {
            try await Task.sleep(nanoseconds: 200_000_000)
            status = try await Self.post(receiver.url, body: body, timestamp: timestamp, signature: signature)
        }
        #expect(status == 200, "up again after 10 s")
        #expect(try await receiver.received().map(\.status) == [200])
    }

    /// A two-part message: quoted-printable text and a base64 attachment, with an encoded subject.
    static func message(subject: String) -> String {
        let encodedSubject = "=?utf-8?B?" + Data(subject.utf8).base64EncodedString() + "?="
        return [
            "From: Vigil <alerts@vigil.example>", "To: guard@shop.example", "Subject: \(encodedSubject)",
            "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b1\"", "", "preamble", "--b1",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
            "Camera =C2=ABtill=C2=BB: a person puts goods in a bag at the till. Confidence 0=", ".91.", "--b1",
            "Content-Type: image/jpeg; name=\"till.jpg\"", "Content-Disposition: attachment; filename=\"till.jpg\"",
            "Content-Transfer-Encoding: base64", "", Data([0xFF, 0xD8, 0xFF, 0xD9]).base64EncodedString(), "--b1--", "",
        ].joined(separator: "\r\n")
    }

    static func send(_ sink: SMTPSink, message: String, from: String, to: [String], user: String? = nil) async throws -> ProcessOutput {
        let path = NSTemporaryDirectory() + "vigil-mail-\(UUID().uuidString).eml"
        try message.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var arguments = ["-sS", "--max-time", "20", sink.url, "--mail-from", from, "--upload-file", path]
        for recipient in to { arguments += ["--mail-rcpt", recipient] }
        if let user { arguments += ["--user", user] }
        return try await ProcessRunner.run("/usr/bin/curl", arguments)
    }

    @Test func theSMTPSinkKeepsWhatCurlSends() async throws {
        let sink = try await SMTPSink()
        #expect(sink.url == "smtp://127.0.0.1:\(sink.port)")
        let subject = "Vorfall an der Kasse – Diebstahl"
        let sent = try await Self.send(
            sink, message: Self.message(subject: subject), from: "alerts@vigil.example", to: ["guard@shop.example", "owner@shop.example"])
        #expect(sent.status == 0, "\(sent.standardError)")
        let mails = try await sink.waitForMessages(count: 1, timeout: 10)
        let mail = try #require(mails.first)
        #expect(mails.count == 1)
        #expect(mail.number == 1)
        #expect(mail.mailFrom == "alerts@vigil.example")
        #expect(mail.recipients == ["guard@shop.example", "owner@shop.example"])
        #expect(!mail.tls && mail.authenticatedAs == nil)
        #expect(mail.text.contains("To: guard@shop.example\r\n"))
        #expect(mail.header("subject") == subject)
        #expect(mail.header("From") == "Vigil <alerts@vigil.example>")
        #expect(mail.parts.map(\.contentType) == ["text/plain", "image/jpeg"])
        #expect(mail.textParts == ["Camera «till»: a person puts goods in a bag at the till. Confidence 0.91."])
        #expect(mail.parts.last?.filename == "till.jpg")
        #expect(mail.parts.last?.content == Data([0xFF, 0xD8, 0xFF, 0xD9]))
    }

    @Test func theSMTPSinkCanDemandAuthentication() async throws {
        let sink = try await SMTPSink(username: "vigil", password: "mail-pass")
        let message = Self.message(subject: "Test")
        let anonymous = try await Self.send(sink, message: message, from: "a@vigil.example", to: ["b@shop.example"])
        #expect(anonymous.status != 0, "sent without AUTH")
        let wrong = try await Self.send(sink, message: message, from: "a@vigil.example", to: ["b@shop.example"], user: "vigil:nope")
        #expect(wrong.status != 0, "sent with a wrong password")
        let right = try await Self.send(sink, message: message, from: "a@vigil.example", to: ["b@shop.example"], user: "vigil:mail-pass")
        #expect(right.status == 0, "\(right.standardError)")
        let mails = try await sink.waitForMessages(count: 1, timeout: 10)
        #expect(mails.map(\.authenticatedAs) == ["vigil"])
        #expect(try sink.messages().count == 1)
    }
}
