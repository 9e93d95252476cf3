import Foundation
import Testing
import VigilCore
import VigilCurl
import VigilTestSupport

@testable import VigilAlerts

/// The e-mail channel through libcurl against a real SMTP server (aiosmtpd: `scripts/smtp-sink.py`,
/// and for refused recipients a few lines of aiosmtpd of this file's own).
@Suite(.timeLimit(.minutes(3)))
struct EmailDeliveryTests {
    static let from = "vigil@example.com"
    static let recipients = ["ops@example.com", "owner@acme.example"]
    static let username = "vigil-alerts"
    static let password = "pw-Zq8!x7#Secret"
    static let context = AlertContext(clientName: "Acme Garage", cameraName: "Till", sourceName: "Till", operatorName: "Watchful Ltd")

    /// 300 kB of every byte value, the size of a large evidence JPEG.
    static let picture: [UInt8] = {
        var state: UInt32 = 99
        return [0xFF, 0xD8, 0xFF, 0xE0]
            + (0..<300_000).map { _ in
                state = state &* 1_103_515_245 &+ 12_345
                return UInt8(truncatingIfNeeded: state >> 16)
            } + [0xFF, 0xD9]
    }()

    static func incident() -> Alert {
        Alert(
            kind: .incident, clientID: "acme", cameraID: "till", sourceID: "till",
            details: .object([
                "incident_type": .string("theft"), "confidence": .string("0.91"),
                "description": .string("A person puts goods in a bag.\n.\nThen leaves."), "suppressed": .number(2),
            ]), evidencePath: "/var/lib/vigil/evidence/x.jpg")
    }

    static func channel(
        _ url: String, username: String? = nil, password: String? = nil, requireTLS: Bool = false,
        transport: MailTransport = MailTransport()
    ) -> EmailChannel {
        EmailChannel(
            id: "client.acme.email", recipients: recipients, url: url, username: username, password: password, requireTLS: requireTLS,
            from: from, redactedURL: url, transport: transport, timeoutSeconds: 60)
    }

    /// The words of a delivery result, for checking that a secret is not among them.
    static func words(_ result: DeliveryResult) -> String {
        switch result {
        case .delivered(let status): "delivered \(status ?? 0)"
        case .retry(let reason, let status, _): "retry \(status ?? 0) \(reason)"
        case .failed(let reason, let status): "failed \(status ?? 0) \(reason)"
        }
    }

    @Test func anIncidentWithItsPictureArrivesForEveryRecipient() async throws {
        let sink = try await SMTPSink()
        let alert = Self.incident()
        let result = await Self.channel(sink.url).deliver(alert, evidence: Self.picture, context: Self.context)
        #expect(result == .delivered(status: 250))
        let mail = try #require(try await sink.waitForMessages(count: 1, timeout: 60).first)
        #expect(mail.mailFrom == Self.from)
        #expect(mail.recipients == Self.recipients)
        #expect(mail.header("From") == "Vigil <\(Self.from)>")
        #expect(mail.header("To") == Self.recipients.joined(separator: ", "))
        #expect(mail.header("Subject") == "[Vigil] Incident: theft at Till (Acme Garage)")
        #expect(mail.header("Message-ID") == "<\(alert.id)@vigil>")
        #expect(mail.header("Auto-Submitted") == "auto-generated")
        #expect(mail.parts.map(\.contentType) == ["text/plain", "text/html", "image/jpeg"])
        let attachment = try #require(mail.parts.first { $0.contentType == "image/jpeg" })
        #expect(attachment.filename == "evidence-\(alert.id).jpg")
        #expect(attachment.content == Data(Self.picture))
        for text in mail.textParts {
            #expect(text.contains("The picture is attached."))
            #expect(text.contains("2 similar incidents were not sent during the cooldown."))
            #expect(text.contains(alert.id))
        }
        #expect(mail.textParts.first?.contains("A person puts goods in a bag.\\n.\\nThen leaves.") == true)
        #expect(mail.authenticatedAs == nil)
    }

    @Test func withTheRightPasswordTheLoginIsAcceptedAndAWrongOneFailsForGoodWithoutShowingIt() async throws {
        let sink = try await SMTPSink(username: Self.username, password: Self.password)
        let transport = MailTransport()
        let accepted = await Self.channel(sink.url, username: Self.username, password: Self.password, transport: transport)
            .deliver(Self.incident(), evidence: nil, context: Self.context)
        #expect(accepted == .delivered(status: 250))
        let mail = try #require(try await sink.waitForMessages(count: 1, timeout: 60).first)
        #expect(mail.authenticatedAs == Self.username)
        #expect(!mail.text.contains(Self.password))

        let wrongPassword = "wrong-Pa55-\(UUID().uuidString)"
        let refused = await Self.channel(sink.url, username: Self.username, password: wrongPassword, transport: transport)
            .deliver(Self.incident(), evidence: nil, context: Self.context)
        guard case .failed(let reason, let status) = refused else {
            Issue.record("a refused login is a permanent failure, not \(refused)")
            return
        }
        #expect(status == 535)
        #expect(reason.contains("535"))
        #expect(!Self.words(refused).contains(wrongPassword) && !Self.words(refused).contains(Self.password))
        // The transport's own error, as the channel got it.
        let direct = await transport.send(
            url: sink.url, username: Self.username, password: wrongPassword, requireTLS: false, from: Self.from,
            recipients: Self.recipients, message: Array("Subject: x\r\n\r\nx\r\n".utf8), connectTimeout: 30, totalTimeout: 60)
        guard case .failure(let error) = direct else {
            Issue.record("a wrong password was accepted")
            return
        }
        #expect(error.permanent && error.code == 535)
        #expect(!error.message.contains(wrongPassword) && !error.description.contains(wrongPassword))
        #expect(try sink.messages().count == 1)
    }

    @Test func withoutALoginAServerThatDemandsOneRefusesTheSenderForGood() async throws {
        let sink = try await SMTPSink(username: Self.username, password: Self.password)
        let result = await Self.channel(sink.url).deliver(Self.incident(), evidence: nil, context: Self.context)
        guard case .failed(let reason, let status) = result else {
            Issue.record("expected a permanent failure, got \(result)")
            return
        }
        #expect(status == 530)
        #expect(reason.contains("MAIL"))
        #expect(try sink.messages().isEmpty)
    }

    /// A recipient refused with a 5xx fails the whole message for good; with a 4xx it is retried.
    /// Either way no message goes out (libcurl stops before DATA).
    @Test(arguments: [("550 5.1.1 No such user here", true), ("450 4.2.1 Mailbox busy, try later", false)])
    func aRefusedRecipientStopsTheMessage(reply: String, permanent: Bool) async throws {
        let server = try await RecipientRefuser.start(reply: reply)
        let transport = MailTransport()
        let channel = EmailChannel(
            id: "client.acme.email", recipients: ["ops@example.com", "refused@example.com"], url: server.url, username: nil,
            password: nil, requireTLS: false, from: Self.from, redactedURL: server.url, transport: transport, timeoutSeconds: 60)
        let result = await channel.deliver(Self.incident(), evidence: nil, context: Self.context)
        let code = Int(reply.prefix(3))!
        if permanent {
            #expect(result == .failed(reason: "RCPT failed: \(code)", status: code))
        } else {
            #expect(result == .retry(reason: "RCPT failed: \(code)", status: code, retryAfter: nil))
        }
        #expect(server.messagesReceived() == 0)
        // The same server takes a message whose recipients it accepts.
        let fine = await transport.send(
            url: server.url, username: nil, password: nil, requireTLS: false, from: Self.from, recipients: ["ops@example.com"],
            message: Array("Subject: x\r\n\r\nx\r\n".utf8), connectTimeout: 30, totalTimeout: 60)
        #expect((try? fine.get()) != nil)
        #expect(server.messagesReceived() == 1)
    }

    @Test func aServerThatIsDownIsRetried() async throws {
        let sink = try await SMTPSink()
        let url = sink.url
        await sink.stop()
        let result = await Self.channel(url).deliver(Self.incident(), evidence: Self.picture, context: Self.context)
        guard case .retry(let reason, let status, let retryAfter) = result else {
            Issue.record("a server that is down is retried, not \(result)")
            return
        }
        #expect(status == nil && retryAfter == nil)
        #expect(reason.lowercased().contains("connect"))
        let nobody = "smtp://127.0.0.1:\(TestEnvironment.freePort())"
        #expect(await Self.channel(nobody).deliver(Self.incident(), evidence: nil, context: Self.context).outcome == "retry")
    }

    @Test func requiredTLSFromAServerWithoutSTARTTLSSendsNothing() async throws {
        let sink = try await SMTPSink(username: Self.username, password: Self.password)
        let result = await Self.channel(sink.url, username: Self.username, password: Self.password, requireTLS: true)
            .deliver(Self.incident(), evidence: Self.picture, context: Self.context)
        guard case .failed(let reason, _) = result else {
            Issue.record("TLS required from a server that does not offer it is a permanent failure, not \(result)")
            return
        }
        #expect(reason.contains("STARTTLS"))
        #expect(!Self.words(result).contains(Self.password))
        #expect(try sink.messages().isEmpty)
        // smtps:// to the same plain server: the TLS handshake fails, nothing is sent.
        let implicit = sink.url.replacingOccurrences(of: "smtp://", with: "smtps://")
        let handshake = await Self.channel(implicit, username: Self.username, password: Self.password)
            .deliver(Self.incident(), evidence: nil, context: Self.context)
        #expect(handshake.outcome != "delivered")
        #expect(!Self.words(handshake).contains(Self.password))
        #expect(try sink.messages().isEmpty)
    }

    /// A message is sent as it is: lines that are SMTP's end of data (`.`) or start with a dot are
    /// escaped on the wire by libcurl and arrive unchanged.
    @Test func aMessageArrivesByteForByte() async throws {
        let sink = try await SMTPSink()
        let message = Array("Subject: dots\r\n\r\nfirst\r\n.\r\n..two\r\n.end\r\nlast\r\n".utf8)
        let result = await MailTransport().send(
            url: sink.url, username: nil, password: nil, requireTLS: false, from: Self.from, recipients: ["a@example.com"],
            message: message, connectTimeout: 30, totalTimeout: 60)
        #expect((try? result.get()) != nil)
        let mail = try #require(try await sink.waitForMessages(count: 1, timeout: 60).first)
        #expect(mail.raw == Data(message))
        #expect(mail.recipients == ["a@example.com"])
    }

    @Test func envelopeAddressesThatCouldAddSMTPCommandsAreRefused() async throws {
        let sink = try await SMTPSink()
        let transport = MailTransport()
        for (from, to) in [
            ("vigil@example.com\r\nRCPT TO:<x@evil.example>", ["ops@example.com"]), (Self.from, ["a@example.com> SIZE=1"]),
            (Self.from, []), (Self.from, ["a b@example.com"]),
        ] {
            let result = await transport.send(
                url: sink.url, username: nil, password: nil, requireTLS: false, from: from, recipients: to,
                message: Array("Subject: x\r\n\r\nx\r\n".utf8), connectTimeout: 30, totalTimeout: 60)
            guard case .failure(let error) = result else {
                Issue.record("\(from) → \(to) was sent")
                continue
            }
            #expect(error.permanent)
        }
        #expect(try sink.messages().isEmpty)
    }
}

/// A real SMTP server (aiosmtpd) that refuses every recipient whose address starts with
/// `refused` with a given reply and accepts the rest, counting the messages it receives.
final class RecipientRefuser: Sendable {
    let process: BackgroundProcess
    let url: String
    let countFile: String

    static let script = """
        import os, socket, sys, time
        from aiosmtpd.controller import Controller
        reply, count_file = sys.argv[1], sys.argv[2]
        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, options):
                if address.startswith("refused"):
                    return reply
                envelope.rcpt_tos.append(address)
                return "250 OK"
            async def handle_DATA(self, server, session, envelope):
                with open(count_file, "a") as f:
                    f.write("x")
                return "250 OK"
        probe = socket.socket(); probe.bind(("127.0.0.1", 0)); port = probe.getsockname()[1]; probe.close()
        controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        controller.start()
        print(f"ready smtp://127.0.0.1:{port}", flush=True)
        while True:
            time.sleep(1)
        """

    private init(process: BackgroundProcess, countFile: String) {
        self.process = process
        self.url = process.address
        self.countFile = countFile
    }

    static func start(reply: String) async throws -> RecipientRefuser {
        let base = NSTemporaryDirectory() + "vigil-refuser-\(UUID().uuidString)"
        try script.write(toFile: base + ".py", atomically: true, encoding: .utf8)
        let process = try await BackgroundProcess.start("/usr/bin/python3", [base + ".py", reply, base + ".count"], timeout: 120)
        return RecipientRefuser(process: process, countFile: base + ".count")
    }

    /// Messages accepted after DATA so far.
    func messagesReceived() -> Int {
        (try? String(contentsOfFile: countFile, encoding: .utf8))?.count ?? 0
    }

    /// The process ends when the last reference goes (``BackgroundProcess``'s own `deinit`).
    deinit {
        try? FileManager.default.removeItem(atPath: countFile)
        try? FileManager.default.removeItem(atPath: String(countFile.dropLast(6)) + ".py")
    }
}
