public import Foundation

/// A real SMTP receiver (`scripts/smtp-sink.py`, on aiosmtpd) running for one test: it accepts
/// every message, optionally only after AUTH and offering STARTTLS, and keeps each one in a folder.
public final class SMTPSink: Sendable {
    private let process: BackgroundProcess
    /// The folder the messages are written to (`N.eml` and `N.json`).
    public let directory: String
    /// `smtp://127.0.0.1:PORT`.
    public let url: String
    public let port: Int

    /// Starts a sink. With `username` and `password` it demands AUTH (PLAIN or LOGIN, allowed
    /// without TLS) before MAIL FROM; with `certificate` and `key` (PEM files) it offers STARTTLS,
    /// and with `requireStartTLS` demands it.
    public init(
        username: String? = nil, password: String? = nil, certificate: String? = nil, key: String? = nil,
        requireStartTLS: Bool = false
    ) async throws {
        precondition((username == nil) == (password == nil), "a username goes with a password")
        precondition((certificate == nil) == (key == nil), "a certificate goes with its key")
        let directory = NSTemporaryDirectory() + "vigil-smtp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var arguments = [TestEnvironment.repositoryRoot + "/scripts/smtp-sink.py", "--port", "0", "--directory", directory]
        if let username, let password { arguments += ["--auth-user", username, "--auth-password", password] }
        if let certificate, let key { arguments += ["--starttls-cert", certificate, "--starttls-key", key] }
        if requireStartTLS { arguments.append("--require-starttls") }
        do {
            // Debian's own Python: aiosmtpd comes from its python3-aiosmtpd package.
            process = try await BackgroundProcess.start("/usr/bin/python3", arguments, timeout: 120)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        self.directory = directory
        self.url = process.address
        self.port = Int(process.address.split(separator: ":").last ?? "") ?? 0
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Every message received so far, in order.
    public func messages() throws -> [ReceivedMail] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let numbers = names.compactMap { name -> Int? in
            guard name.hasSuffix(".json"), !name.hasPrefix(".") else { return nil }
            return Int(name.dropLast(5))
        }.sorted()
        return try numbers.map { number in
            let meta = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(number).json"))
            let raw = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(number).eml"))
            guard let object = try JSONSerialization.jsonObject(with: meta) as? [String: Any] else {
                throw TestFailure("smtp sink: \(number).json is not a JSON object")
            }
            return ReceivedMail(
                number: number, mailFrom: object["mail_from"] as? String ?? "",
                recipients: object["rcpt_tos"] as? [String] ?? [], raw: raw, tls: object["tls"] as? Bool ?? false,
                authenticatedAs: object["authenticated_as"] as? String)
        }
    }

    /// The messages received, once there are at least `count`; checked every 100 ms, failing after
    /// `timeout` seconds.
    public func waitForMessages(count: Int, timeout: Double) async throws -> [ReceivedMail] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let received = try messages()
            if received.count >= count { return received }
            if Date() >= deadline {
                throw TestFailure(
                    "smtp sink: \(received.count) of \(count) messages within \(timeout) s: "
                        + received.map { "\($0.mailFrom) → \($0.recipients): \($0.header("Subject") ?? "")" }.joined(separator: "; "))
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    /// Stops the sink now (its port then refuses connections).
    public func stop() async { await process.stop() }
}

/// One message the sink accepted: its envelope and its raw bytes, with a little MIME reading.
public struct ReceivedMail: Sendable {
    /// 1 for the first message received, and so on.
    public let number: Int
    /// The envelope sender (MAIL FROM).
    public let mailFrom: String
    /// The envelope recipients (RCPT TO), in order.
    public let recipients: [String]
    /// The message as sent in DATA (CRLF line ends, dot-stuffing undone).
    public let raw: Data
    /// Whether the session had switched to TLS (STARTTLS).
    public let tls: Bool
    /// The user that authenticated, when the session did.
    public let authenticatedAs: String?

    /// The raw message as text (UTF-8).
    public var text: String { String(decoding: raw, as: UTF8.self) }

    /// A top-level header's value (unfolded, RFC 2047 encoded words decoded), by its name in any case.
    public func header(_ name: String) -> String? { MailPart(raw).header(name) }

    /// The leaf parts of the message, in order (the message itself when it is not multipart), their
    /// content decoded from base64 or quoted-printable.
    public var parts: [MailPart] { MailPart(raw).leaves }

    /// The decoded content of every `text/*` part (text/plain and text/html alike), in order.
    public var textParts: [String] { parts.compactMap(\.text) }
}

/// A MIME entity: its headers and its content, decoded per Content-Transfer-Encoding.
public struct MailPart: Sendable {
    /// The headers in order, names as written, values unfolded (not decoded).
    public let headers: [(name: String, value: String)]
    /// The content, decoded from base64 or quoted-printable; as sent otherwise.
    public let content: Data
    /// The nested entities of a multipart entity.
    public let children: [MailPart]

    init(_ data: Data) {
        let bytes = [UInt8](data)
        var split = bytes.count
        var bodyStart = bytes.count
        for index in bytes.indices {
            if bytes[index...].starts(with: [13, 10, 13, 10]) {
                (split, bodyStart) = (index, index + 4)
                break
            }
            if bytes[index...].starts(with: [10, 10]) {
                (split, bodyStart) = (index, index + 2)
                break
            }
        }
        var headers: [(name: String, value: String)] = []
        for line in Self.lines(bytes[..<split]) {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        self.headers = headers
        let body = Array(bytes[min(bodyStart, bytes.count)...])
        let type = headers.last { $0.name.lowercased() == "content-type" }?.value ?? "text/plain"
        if type.lowercased().hasPrefix("multipart/"), let boundary = Self.parameter("boundary", of: type) {
            content = Data(body)
            children = Self.split(body, boundary: boundary).map(MailPart.init)
        } else {
            let encoding = headers.last { $0.name.lowercased() == "content-transfer-encoding" }?.value.lowercased() ?? ""
            switch encoding {
            case "base64":
                let text = String(decoding: body, as: UTF8.self).filter { !$0.isWhitespace }
                content = Data(base64Encoded: text) ?? Data(body)
            case "quoted-printable": content = Self.quotedPrintable(body)
            default: content = Data(body)
            }
            children = []
        }
    }

    /// A header's value (unfolded, RFC 2047 encoded words decoded), by its name in any case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }.map { Self.decodeEncodedWords($0.value) }
    }

    /// The media type, lowercased and without parameters (`text/plain` when not given).
    public var contentType: String {
        let value = header("Content-Type") ?? "text/plain"
        return String(value.split(separator: ";").first ?? "text/plain").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The filename of an attachment, from Content-Disposition or Content-Type.
    public var filename: String? {
        header("Content-Disposition").flatMap { Self.parameter("filename", of: $0) }
            ?? header("Content-Type").flatMap { Self.parameter("name", of: $0) }
    }

    /// The content as text (UTF-8) when this is a `text/*` part.
    public var text: String? { contentType.hasPrefix("text/") ? String(decoding: content, as: UTF8.self) : nil }

    /// This entity's leaf parts, in order.
    public var leaves: [MailPart] { children.isEmpty ? [self] : children.flatMap(\.leaves) }

    static func parameter(_ name: String, of value: String) -> String? {
        for piece in value.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var result = pair[1]
            if result.hasPrefix("\""), result.hasSuffix("\""), result.count >= 2 { result = String(result.dropFirst().dropLast()) }
            return result
        }
        return nil
    }

    /// The lines of `bytes` (split at LF, a CR before it dropped), as UTF-8 text.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [String] {
        bytes.split(separator: 10, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
        }
    }

    /// The parts between `--boundary` lines (the preamble and epilogue left out); the line end
    /// before a boundary line belongs to the boundary.
    static func split(_ body: [UInt8], boundary: String) -> [Data] {
        var parts: [Data] = []
        var partStart: Int? = nil
        var lineStart = 0
        while lineStart < body.count {
            let lineEnd = body[lineStart...].firstIndex(of: 10) ?? body.count
            let line = String(decoding: body[lineStart..<lineEnd], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if line == "--" + boundary || line == "--" + boundary + "--" {
                if let start = partStart {
                    var end = lineStart
                    if end > start, body[end - 1] == 10 { end -= 1 }
                    if end > start, body[end - 1] == 13 { end -= 1 }
                    parts.append(Data(body[start..<end]))
                }
                if line == "--" + boundary + "--" { break }
                partStart = min(lineEnd + 1, body.count)
            }
            lineStart = lineEnd + 1
        }
        return parts
    }

    static func quotedPrintable(_ body: [UInt8]) -> Data {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: byte - 48
            case 65...70: byte - 55
            case 97...102: byte - 87
            default: nil
            }
        }
        var output: [UInt8] = []
        var index = 0
        while index < body.count {
            let byte = body[index]
            guard byte == UInt8(ascii: "=") else {
                output.append(byte)
                index += 1
                continue
            }
            let next: UInt8? = index + 1 < body.count ? body[index + 1] : nil
            let after: UInt8? = index + 2 < body.count ? body[index + 2] : nil
            if next == 13, after == 10 {
                index += 3  // a soft line break
            } else if next == 10 || next == nil {
                index += 2
            } else if let next, let after, let high = hex(next), let low = hex(after) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return Data(output)
    }

    /// Decodes RFC 2047 encoded words (`=?utf-8?B?...?=`, `=?utf-8?Q?...?=`); charsets other than
    /// UTF-8 and ASCII are read as UTF-8.
    static func decodeEncodedWords(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var result = ""
        var rest = Substring(value)
        var lastWasWord = false
        while let start = rest.range(of: "=?") {
            let between = rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            let pieces = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard pieces.count == 4, pieces[3].hasPrefix("="), ["b", "q"].contains(pieces[1].lowercased()) else {
                result += rest[..<start.upperBound]
                rest = afterStart
                lastWasWord = false
                continue
            }
            // Whitespace between two encoded words is dropped (RFC 2047 6.2).
            if !(lastWasWord && between.allSatisfy(\.isWhitespace)) { result += between }
            let encoded = String(pieces[2])
            if pieces[1].lowercased() == "b" {
                result += String(decoding: Data(base64Encoded: encoded) ?? Data(encoded.utf8), as: UTF8.self)
            } else {
                result += String(decoding: quotedPrintable(Array(encoded.replacingOccurrences(of: "_", with: " ").utf8)), as: UTF8.self)
            }
            rest = pieces[3].dropFirst()
            lastWasWord = true
        }
        return result + rest
    }
}
