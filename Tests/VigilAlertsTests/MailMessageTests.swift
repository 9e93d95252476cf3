import Foundation
import Testing
import VigilCore
import VigilCurl

@testable import VigilAlerts

/// The alert e-mail as bytes and as words, with no server: headers, encodings, the attachment, and
/// what untrusted text (Gemini's description and type, camera names) can and cannot do to it.
@Suite struct MailMessageTests {
    static let alertID = "0197a3c2-5b1e-7c3d-9f00-123456789abc"
    /// 2025-07-01 12:34:56 UTC, a Tuesday.
    static let time = Date(timeIntervalSince1970: 1_751_373_296)
    static let context = AlertContext(clientName: "Acme Garage", cameraName: "Till", sourceName: "Till", operatorName: "Watchful Ltd")

    static func incident(_ details: KeyValuePairs<String, JSONNode>, evidence: Bool = false) -> Alert {
        Alert(
            id: alertID, kind: .incident, clientID: "acme", cameraID: "till", sourceID: "till", time: time,
            details: .object(details), evidencePath: evidence ? "/var/lib/vigil/evidence/x.jpg" : nil)
    }

    static func message(subject: String = "[Vigil] Test", text: String = "text", html: String = "<p>html</p>", jpeg: [UInt8]? = nil)
        -> MailMessage
    {
        MailMessage(
            id: alertID, from: "vigil@example.com", recipients: ["ops@example.com", "owner@acme.example"], subject: subject,
            date: time, text: text, html: html, jpeg: jpeg)
    }

    /// Bytes of every value, in an order that gives base64 every character it has.
    static let picture: [UInt8] = {
        var state: UInt32 = 12_345
        return [0xFF, 0xD8, 0xFF, 0xE0]
            + (0..<20_000).map { _ in
                state = state &* 1_103_515_245 &+ 12_345
                return UInt8(truncatingIfNeeded: state >> 16)
            } + [0xFF, 0xD9]
    }()

    // MARK: Headers

    @Test func everyHeaderIsPresentWithCRLFLineEnds() throws {
        let mail = ParsedMail(Self.message(jpeg: Self.picture).bytes)
        #expect(mail.header("From") == "Vigil <vigil@example.com>")
        #expect(mail.header("To") == "ops@example.com, owner@acme.example")
        #expect(mail.header("Subject") == "[Vigil] Test")
        #expect(mail.header("Date") == "Tue, 01 Jul 2025 12:34:56 +0000")
        #expect(mail.header("Message-ID") == "<\(Self.alertID)@vigil>")
        #expect(mail.header("MIME-Version") == "1.0")
        #expect(mail.header("Auto-Submitted") == "auto-generated")
        #expect(mail.header("Content-Type")?.hasPrefix("multipart/mixed;") == true)
        // CRLF everywhere: no bare LF, no bare CR.
        let bytes = Self.message(jpeg: Self.picture).bytes
        for (index, byte) in bytes.enumerated() {
            if byte == 10 { #expect(index > 0 && bytes[index - 1] == 13) }
            if byte == 13 { #expect(index + 1 < bytes.count && bytes[index + 1] == 10) }
        }
    }

    @Test(arguments: [
        "theft\r\nBcc: victim@example.net",
        "theft\nBcc: victim@example.net",
        "theft\rBcc: victim@example.net",
        "theft\r\n\r\n<html>forged body</html>",
        "theft\u{85}Bcc: victim@example.net",
        "theft\u{2028}Bcc: victim@example.net",
        "theft\r\n Bcc: victim@example.net\u{0}\u{7}",
    ])
    func aLineBreakInTheSubjectCannotForgeAHeader(subject: String) throws {
        let mail = ParsedMail(Self.message(subject: subject).bytes)
        #expect(mail.header("Bcc") == nil)
        #expect(
            mail.headers.map { $0.name.lowercased() } == [
                "from", "to", "subject", "date", "message-id", "mime-version", "auto-submitted", "x-auto-response-suppress",
                "content-type",
            ])
        let shown = try #require(mail.header("Subject"))
        #expect(shown.hasPrefix("theft"))
        #expect(shown.contains("victim@example.net") || shown.contains("forged body"))
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 })
    }

    /// The same through the whole path: Gemini's incident type holding a line break.
    @Test func aForgedIncidentTypeStaysInTheSubject() throws {
        let alert = Self.incident(["incident_type": .string("theft\r\nBcc: all@example.net\r\nX-Evil: 1")])
        let channel = EmailChannel(
            id: "operator.email", recipients: ["ops@example.com"], url: "smtp://127.0.0.1:1", username: nil, password: nil,
            requireTLS: false, from: "vigil@example.com", redactedURL: "smtp://127.0.0.1:1", transport: MailTransport())
        let mail = ParsedMail(channel.message(alert, evidence: nil, context: Self.context, date: Self.time).bytes)
        #expect(mail.header("Bcc") == nil && mail.header("X-Evil") == nil)
        #expect(mail.header("Subject") == "[Vigil] Incident: theft Bcc: all@example.net X-Evil: 1 at Till (Acme Garage)")
    }

    @Test(arguments: [
        "[Vigil] Incident: Einbruch an der Kasse (Müller & Söhne)",
        "[Vigil] Camera offline: カメラ (東京)",
        String(repeating: "[Vigil] Kamera außer Betrieb 👩‍👩‍👧‍👦 ", count: 6),
        "[Vigil] Looks =?UTF-8?B?Zm9yZ2Vk?= encoded",
        "[Vigil] e\u{301}" + String(repeating: "\u{301}", count: 40),
    ])
    func aSubjectThatIsNotPlainASCIIIsEncodedWithoutSplittingACharacter(subject: String) throws {
        let bytes = Self.message(subject: subject).bytes
        let mail = ParsedMail(bytes)
        let raw = try #require(mail.rawHeader("Subject"))
        #expect(raw.hasPrefix("=?UTF-8?B?"))
        #expect(raw.unicodeScalars.allSatisfy { $0.isASCII })
        for line in mail.headerLines { #expect(line.utf8.count <= 78) }
        // Each encoded word holds whole UTF-8 sequences, and together they are the subject.
        var decoded = ""
        for word in raw.split(separator: " ") {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") && word.count <= 75)
            let data = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            decoded += try #require(String(validating: data, as: UTF8.self))
        }
        #expect(decoded == MailMessage.headerValue(subject))
    }

    @Test func aLongASCIISubjectIsFoldedAtSpaces() throws {
        let subject = "[Vigil] Incident: " + (1...30).map { "word\($0)" }.joined(separator: " ")
        let mail = ParsedMail(Self.message(subject: subject).bytes)
        #expect(mail.header("Subject") == subject)
        for line in mail.headerLines { #expect(line.utf8.count <= 78) }
        #expect(mail.headerLines.filter { $0.hasPrefix(" ") }.count >= 2)
    }

    @Test func manyRecipientsAreFoldedInTo() throws {
        let recipients = (1...12).map { "recipient-number-\($0)@example.com" }
        let message = MailMessage(
            id: Self.alertID, from: "vigil@example.com", recipients: recipients, subject: "s", date: Self.time, text: "t", html: "h")
        let mail = ParsedMail(message.bytes)
        #expect(mail.header("To") == recipients.joined(separator: ", "))
        for line in mail.headerLines { #expect(line.utf8.count <= 78) }
    }

    // MARK: Body

    @Test func theAttachmentIsBase64In76CharacterLinesAndDecodesToTheSameBytes() throws {
        let message = Self.message(jpeg: Self.picture)
        let mail = ParsedMail(message.bytes)
        let attachment = try #require(mail.leaves.first { $0.contentType == "image/jpeg" })
        #expect(attachment.header("Content-Transfer-Encoding") == "base64")
        #expect(attachment.header("Content-Disposition") == "attachment; filename=\"evidence-\(Self.alertID).jpg\"")
        let lines = String(decoding: attachment.body, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.count > 100)
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        #expect(attachment.decoded == Self.picture)
        // The alternative comes first, text then HTML.
        #expect(mail.leaves.map(\.contentType) == ["text/plain", "text/html", "image/jpeg"])
    }

    @Test func withoutAPictureThereIsNoAttachment() {
        let mail = ParsedMail(Self.message().bytes)
        #expect(mail.leaves.map(\.contentType) == ["text/plain", "text/html"])
    }

    /// Text that holds the boundaries, dots and `=` survives, and no line of content is a boundary.
    @Test func theBoundaryNeverOccursInTheContent() throws {
        let message = Self.message(jpeg: Self.picture)
        let hostile = [
            "--\(message.mixedBoundary)", "--\(message.alternativeBoundary)--", "=_vigil", ".", "..", "From me", "a=b",
        ].joined(separator: "\n")
        let crafted = Self.message(text: hostile, html: "<p>\(hostile)</p>", jpeg: Self.picture)
        let bytes = crafted.bytes
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.filter { $0.hasPrefix("--" + crafted.mixedBoundary) }.count == 3)
        #expect(lines.filter { $0.hasPrefix("--" + crafted.alternativeBoundary) }.count == 3)
        // The boundary's `=_` appears only on boundary lines and in the two Content-Type parameters.
        let withMarker = lines.filter { $0.contains("=_") }
        #expect(withMarker.count == 8)
        #expect(withMarker.allSatisfy { $0.hasPrefix("--=_vigil-") || $0.hasPrefix(" boundary=\"=_vigil-") })
        // No body line starts with a dot (SMTP's end of data), and every line fits.
        #expect(!lines.contains { $0.hasPrefix(".") })
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        let mail = ParsedMail(bytes)
        #expect(mail.leaves.first?.decodedText == hostile.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(mail.leaves.last?.decoded == Self.picture)
    }

    @Test func quotedPrintableKeepsLinesShortAndDecodesBack() throws {
        let text = [
            String(repeating: "Größe ", count: 40), String(repeating: "=", count: 100), "trailing space ", "tab\t",
            ".leading dot", String(repeating: "x", count: 75) + ".", "",
        ].joined(separator: "\n")
        let encoded = MailMessage.quotedPrintable(text)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(!lines.contains { $0.hasPrefix(".") || $0.hasSuffix(" ") || $0.hasSuffix("\t") })
        #expect(!encoded.contains("=_"))
        #expect(encoded.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(
            String(decoding: ParsedMail.decodeQuotedPrintable(Array(encoded.utf8)), as: UTF8.self)
                == text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func theDateIsRFC5322InUTC() {
        #expect(MailMessage.rfc5322Date(Self.time) == "Tue, 01 Jul 2025 12:34:56 +0000")
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 1_709_210_096)) == "Thu, 29 Feb 2024 12:34:56 +0000")
    }

    @Test func anIdThatIsNotAUUIDCannotBreakTheMessage() {
        let message = MailMessage(
            id: "x\r\nBcc: a@b>\"; ", from: "vigil@example.com", recipients: ["a@example.com"], subject: "s", date: Self.time,
            text: "t", html: "h", jpeg: [1, 2, 3])
        let mail = ParsedMail(message.bytes)
        #expect(mail.header("Bcc") == nil)
        #expect(mail.header("Message-ID") == "<xBccab@vigil>")
        #expect(mail.leaves.last?.decoded == [1, 2, 3])
    }

    // MARK: Content

    @Test func subjectsSayWhatHappenedWhereAndToWhom() {
        func subject(_ kind: AlertKind, _ details: KeyValuePairs<String, JSONNode>, context: AlertContext = Self.context) -> String {
            let alert = Alert(
                id: Self.alertID, kind: kind, clientID: "acme", cameraID: "till", sourceID: "till", time: Self.time,
                details: .object(details))
            return AlertMailContent(alert: alert, context: context, hasEvidence: false).subject
        }
        #expect(
            subject(.incident, ["incident_type": .string("theft"), "confidence": .string("0.91")])
                == "[Vigil] Incident: theft at Till (Acme Garage)")
        #expect(subject(.incident, ["incident_type": .string("fire_smoke")]) == "[Vigil] Incident: fire or smoke at Till (Acme Garage)")
        #expect(subject(.cameraOffline, ["offline_since": .string("2025-07-01T12:00:00Z")]) == "[Vigil] Camera offline: Till (Acme Garage)")
        #expect(
            subject(.cameraOnline, ["outage_seconds": .number(312)]) == "[Vigil] Camera back online: Till (Acme Garage) after 5 min 12 s")
        #expect(
            subject(
                .budget, ["level": .string("warning"), "spent": .string("120.50"), "limit": .string("150.00"), "currency": .string("USD")])
                == "[Vigil] Budget: Acme Garage reached 80 %")
        #expect(
            subject(.budget, ["level": .string("paused"), "spent": .string("150.01"), "limit": .string("150")])
                == "[Vigil] Budget: Acme Garage reached 100 %, calls paused")
        #expect(subject(.test, ["message": .string("hello")]) == "[Vigil] Test alert")
        // Without names, the ids.
        #expect(subject(.cameraOffline, [:], context: AlertContext()) == "[Vigil] Camera offline: till (acme)")
    }

    @Test func durationsAreShort() {
        #expect(AlertMailContent.duration(seconds: 42) == "42 s")
        #expect(AlertMailContent.duration(seconds: 312) == "5 min 12 s")
        #expect(AlertMailContent.duration(seconds: 300) == "5 min")
        #expect(AlertMailContent.duration(seconds: 3 * 3600 + 5 * 60 + 9) == "3 h 5 min")
        #expect(AlertMailContent.duration(seconds: 2 * 86_400 + 4 * 3600) == "2 d 4 h")
        #expect(AlertMailContent.duration(seconds: -5) == "0 s")
    }

    @Test func bothBodiesSayTheTimeTheIdTheDescriptionAndThatThePictureIsAttached() {
        let alert = Self.incident(
            [
                "incident_type": .string("theft"), "confidence": .number(0), "description": .string("A person puts goods in a bag."),
                "suppressed": .number(3), "quadrant": .number(1),
            ], evidence: true)
        let content = AlertMailContent(alert: alert, context: Self.context, hasEvidence: true)
        for body in [content.text, content.html] {
            #expect(body.contains("2025-07-01T12:34:56Z"))
            #expect(body.contains(Self.alertID))
            #expect(body.contains("A person puts goods in a bag."))
            #expect(body.contains("3 similar incidents were not sent during the cooldown."))
            #expect(body.contains("The picture is attached."))
            #expect(body.contains("top-right"))
            #expect(body.contains("Watchful Ltd"))
        }
        #expect(content.text.contains("Confidence: 0\n"))
        let gone = AlertMailContent(alert: alert, context: Self.context, hasEvidence: false)
        #expect(!gone.text.contains("The picture is attached.") && gone.text.contains("no longer available"))
    }

    @Test func htmlEscapesEveryUntrustedText() {
        let alert = Self.incident([
            "incident_type": .string("<b>theft</b>"),
            "description": .string("<script>alert('x')</script> & \"quoted\" <img src=x onerror=alert(1)>"),
            "confidence": .string("<i>0.9</i>"),
        ])
        let context = AlertContext(clientName: "A&B <Garage>", cameraName: "Till \"1\"", operatorName: "<Ops>")
        let content = AlertMailContent(alert: alert, context: context, hasEvidence: false)
        #expect(!content.html.contains("<script>"))
        #expect(!content.html.contains("<img"))
        #expect(!content.html.contains("<b>") && !content.html.contains("<i>") && !content.html.contains("<Ops>"))
        #expect(content.html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"))
        #expect(content.html.contains("A&amp;B &lt;Garage&gt;"))
        #expect(content.html.contains("Till &quot;1&quot;"))
        // The plain text keeps the characters (it is not HTML) and the subject names them as they are.
        #expect(content.text.contains("<script>alert('x')</script>"))
    }

    @Test func controlCharactersInTextAreShownNotObeyed() {
        let alert = Self.incident([
            "incident_type": .string("theft"),
            "description": .string("calm\n\nAlert ID: forged\r\n\u{1b}[2J\u{202e}reversed"),
        ])
        let content = AlertMailContent(alert: alert, context: Self.context, hasEvidence: false)
        #expect(content.text.contains("calm\\n\\nAlert ID: forged\\r\\n\\x1b[2J\\u{202e}reversed"))
        #expect(content.text.components(separatedBy: "\n").filter { $0.hasPrefix("Alert ID:") } == ["Alert ID: \(Self.alertID)"])
        #expect(!content.html.contains("\u{1b}") && !content.html.contains("\u{202e}"))
    }

    @Test(arguments: AlertKind.allCases)
    func missingOrMistypedDetailsStillMakeAMail(kind: AlertKind) {
        let empty = Alert(id: Self.alertID, kind: kind, clientID: nil, time: Self.time)
        let mistyped = Alert(
            id: Self.alertID, kind: kind, clientID: "acme", time: Self.time,
            details: .object([
                "incident_type": .null, "confidence": .array([]), "description": .number(7), "suppressed": .string("many"),
                "quadrant": .number(9), "offline_since": .bool(true), "outage_seconds": .string("1e400"),
                "level": .object([:]), "spent": .string("lots"), "limit": .string("0"), "message": .null,
            ]))
        let notAnObject = Alert(id: Self.alertID, kind: kind, clientID: "acme", time: Self.time, details: .array([.string("x")]))
        for alert in [empty, mistyped, notAnObject] {
            for context in [AlertContext(), Self.context] {
                let content = AlertMailContent(alert: alert, context: context, hasEvidence: false)
                #expect(content.subject.hasPrefix("[Vigil] "))
                #expect(content.text.contains(Self.alertID) && content.html.contains(Self.alertID))
                let mail = ParsedMail(
                    MailMessage(
                        id: alert.id, from: "v@example.com", recipients: ["a@example.com"], subject: content.subject, date: Self.time,
                        text: content.text, html: content.html
                    ).bytes)
                #expect(mail.leaves.count == 2)
            }
        }
        let wrongSuppressed = AlertMailContent(alert: mistyped, context: Self.context, hasEvidence: false)
        #expect(!wrongSuppressed.text.contains("similar incident"))
    }

    // MARK: The channel, without a server

    @Test func theChannelsLabelNamesTheRecipientsAndTheRedactedURLOnly() {
        let channel = EmailChannel(
            id: "client.acme.email", recipients: ["a@example.com", "b@example.com"], url: "smtp://mail.example.com:587",
            username: "vigil", password: "hunter2-secret", requireTLS: true, from: "vigil@example.com",
            redactedURL: "smtp://mail.example.com:587", transport: MailTransport())
        #expect(channel.type == "email")
        #expect(channel.label == "e-mail to 2 recipients via smtp://mail.example.com:587")
        #expect(!channel.label.contains("hunter2"))
    }

    @Test func outcomesMapToDeliveryResults() {
        #expect(EmailChannel.judge(.success(()), password: "pw") == .delivered(status: 250))
        #expect(
            EmailChannel.judge(.failure(MailError(permanent: true, code: 550, message: "RCPT failed: 550")), password: "pw")
                == .failed(reason: "RCPT failed: 550", status: 550))
        #expect(
            EmailChannel.judge(.failure(MailError(permanent: false, code: 421, message: "Got 421\r\nforged")), password: "pw")
                == .retry(reason: "Got 421\\r\\nforged", status: 421, retryAfter: nil))
        // Even a message that somehow held the password does not pass it on.
        let leaked = EmailChannel.judge(
            .failure(MailError(permanent: true, code: nil, message: "bad pass hunter2-xyz")), password: "hunter2-xyz")
        #expect(leaked == .failed(reason: "bad pass ***", status: nil))
    }
}

/// A minimal MIME reader for the tests: headers (unfolded), the body, multipart children by
/// boundary, and base64 / quoted-printable decoding.
struct ParsedMail {
    /// The header section's physical lines.
    var headerLines: [String]
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    var children: [ParsedMail]

    init(_ bytes: [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        var split = bytes.count
        for index in bytes.indices where bytes[index...].starts(with: separator) {
            split = index
            break
        }
        headerLines = String(decoding: bytes[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [(name: String, value: String)] = []
        for line in headerLines {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        self.headers = headers
        body = Array(bytes[min(split + 4, bytes.count)...])
        children = []
        let type = headers.first { $0.name.lowercased() == "content-type" }?.value ?? ""
        if type.hasPrefix("multipart/"), let range = type.range(of: "boundary=\"") {
            let boundary = String(type[range.upperBound...].prefix { $0 != "\"" })
            let text = String(decoding: body, as: UTF8.self)
            let pieces = text.components(separatedBy: "\r\n--" + boundary)
            // The first piece is the preamble (its own first delimiter has no CRLF before it when
            // the body starts with it); the last is after the closing delimiter.
            var parts = Array(pieces.dropFirst())
            if text.hasPrefix("--" + boundary) { parts = [String(pieces[0].dropFirst(2 + boundary.count))] + parts }
            for part in parts where !part.hasPrefix("--") {
                children.append(ParsedMail(Array(part.utf8.dropFirst(2))))  // the CRLF after the delimiter
            }
        }
    }

    /// A header's value, folding whitespace kept as written (CRLF removed).
    func rawHeader(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// A header's value, unfolded and with encoded words decoded.
    func header(_ name: String) -> String? {
        guard let raw = rawHeader(name) else { return nil }
        guard raw.hasPrefix("=?UTF-8?B?") else { return raw.replacingOccurrences(of: "\r\n", with: "") }
        var bytes: [UInt8] = []
        for word in raw.split(separator: " ") {
            bytes += Data(base64Encoded: String(word.dropFirst(10).dropLast(2))).map(Array.init) ?? []
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    var contentType: String {
        String((header("Content-Type") ?? "text/plain").split(separator: ";")[0]).lowercased()
    }

    var leaves: [ParsedMail] { children.isEmpty ? [self] : children.flatMap(\.leaves) }

    var decoded: [UInt8] {
        switch header("Content-Transfer-Encoding")?.lowercased() {
        case "base64": Data(base64Encoded: String(decoding: body, as: UTF8.self), options: .ignoreUnknownCharacters).map(Array.init) ?? []
        case "quoted-printable": Self.decodeQuotedPrintable(body)
        default: body
        }
    }

    var decodedText: String { String(decoding: decoded, as: UTF8.self) }

    static func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "=") else {
                output.append(bytes[index])
                index += 1
                continue
            }
            if index + 1 < bytes.count, bytes[index + 1] == 13 {
                index += 3  // a soft line break
            } else if index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                output.append(value)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }
}
