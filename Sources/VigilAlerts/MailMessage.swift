package import Foundation

/// One alert e-mail as the bytes an SMTP server receives after `DATA`: RFC 5322 headers and a MIME
/// body, CRLF line endings throughout, no line longer than 78 characters (76 in the bodies).
///
/// The body is `multipart/mixed`: a `multipart/alternative` of the plain text and the HTML (UTF-8,
/// quoted-printable), then the evidence JPEG as an attachment (base64) when there is one. The
/// boundaries are derived from the alert's id (the same message every attempt) and start with
/// `=_`, which neither quoted-printable nor base64 can produce, so no content can end a part.
///
/// **No header can be forged.** Every header value has its control characters (CR and LF among
/// them; also DEL, the C1 controls, the Unicode line and paragraph separators and the
/// bidirectional controls) replaced by spaces before it is written: a subject built from
/// Gemini's text stays one header. A subject that is not plain ASCII is written as RFC 2047
/// encoded words (`=?UTF-8?B?...?=`), folded on whole characters.
package struct MailMessage: Sendable, Equatable {
    /// The alert's id: the `Message-ID` (`<id@vigil>`), the boundaries and the attachment's name.
    package var id: String
    /// The sender's bare address (`alerts@example.com`), shown as `Vigil <alerts@example.com>`.
    package var from: String
    /// The bare addresses of every recipient, all in `To`.
    package var recipients: [String]
    package var subject: String
    /// When the message was written (the `Date` header, in UTC).
    package var date: Date
    /// The plain-text body (line breaks as `\n` or `\r\n`).
    package var text: String
    /// The HTML body, a whole document.
    package var html: String
    /// The evidence picture, attached as `evidence-<id>.jpg`; nil for none.
    package var jpeg: [UInt8]?

    package init(
        id: String, from: String, recipients: [String], subject: String, date: Date, text: String, html: String,
        jpeg: [UInt8]? = nil
    ) {
        self.id = id
        self.from = from
        self.recipients = recipients
        self.subject = subject
        self.date = date
        self.text = text
        self.html = html
        self.jpeg = jpeg
    }

    /// The most characters of a header line (RFC 5322's recommended limit).
    static let headerLineLimit = 78
    /// The most characters of a body line, CRLF not counted (RFC 2045's limit for both encodings).
    static let bodyLineLimit = 76

    /// The alert's id with only letters, digits, `-`, `.` and `_` kept (at most 48 of them, so every
    /// line it is written on stays short), for the places an id is written unquoted: `alert` if
    /// nothing is left.
    var safeID: String {
        let kept = id.unicodeScalars.filter {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "." || $0 == "_")
        }
        let text = String(String.UnicodeScalarView(kept.prefix(48)))
        return text.isEmpty ? "alert" : text
    }

    /// The boundary of the outer `multipart/mixed`.
    var mixedBoundary: String { "=_vigil-mixed-" + safeID }
    /// The boundary of the inner `multipart/alternative`.
    var alternativeBoundary: String { "=_vigil-alt-" + safeID }
    /// The attachment's file name.
    package var attachmentName: String { "evidence-\(safeID).jpg" }

    /// The whole message.
    package var bytes: [UInt8] { Array(rendered.utf8) }

    /// The whole message as text (ASCII, unless an address is not).
    package var rendered: String {
        var lines: [String] = []
        lines.append("From: Vigil <\(Self.headerValue(from))>")
        lines.append(Self.addressList("To", recipients.map(Self.headerValue)))
        lines.append(Self.subjectHeader(subject))
        lines.append("Date: " + Self.rfc5322Date(date))
        lines.append("Message-ID: <\(safeID)@vigil>")
        lines.append("MIME-Version: 1.0")
        lines.append("Auto-Submitted: auto-generated")
        lines.append("X-Auto-Response-Suppress: All")
        lines.append("Content-Type: multipart/mixed;\r\n boundary=\"\(mixedBoundary)\"")
        lines.append("")
        lines.append("This is a message in MIME format.")
        lines.append("")
        lines.append("--" + mixedBoundary)
        lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(alternativeBoundary)\"")
        lines.append("")
        lines.append("--" + alternativeBoundary)
        lines.append("Content-Type: text/plain; charset=UTF-8")
        lines.append("Content-Transfer-Encoding: quoted-printable")
        lines.append("")
        lines.append(Self.quotedPrintable(text))
        lines.append("--" + alternativeBoundary)
        lines.append("Content-Type: text/html; charset=UTF-8")
        lines.append("Content-Transfer-Encoding: quoted-printable")
        lines.append("")
        lines.append(Self.quotedPrintable(html))
        lines.append("--" + alternativeBoundary + "--")
        lines.append("")
        if let jpeg {
            lines.append("--" + mixedBoundary)
            lines.append("Content-Type: image/jpeg;\r\n name=\"\(attachmentName)\"")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("Content-Disposition: attachment;\r\n filename=\"\(attachmentName)\"")
            lines.append("")
            lines.append(Self.base64Lines(jpeg))
        }
        lines.append("--" + mixedBoundary + "--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    // MARK: Headers

    /// `text` safe as (part of) one header's value: each control character, line or paragraph
    /// separator and bidirectional control replaced by a space, runs of spaces made one, trimmed.
    package static func headerValue(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            let isSpace = scalar == " " || isUnsafeInHeader(scalar)
            if isSpace {
                if !lastWasSpace { result.append(" ") }
            } else {
                result.append(scalar)
            }
            lastWasSpace = isSpace
        }
        while result.last == " " { result.removeLast() }
        return String(result)
    }

    private static func isUnsafeInHeader(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0xFEFF
    }

    /// `Subject: ...`, sanitized, as plain folded ASCII or as encoded words.
    static func subjectHeader(_ subject: String) -> String {
        let value = headerValue(subject)
        let plain = value.unicodeScalars.allSatisfy { $0.isASCII } && !value.contains("=?")
        guard plain else { return "Subject:" + encodedWords(value).map { " " + $0 }.joined(separator: "\r\n") }
        // Fold before a space so each line stays within the limit (a longer word stays whole).
        var lines: [String] = []
        var line = "Subject:"
        var hasWord = false
        for word in value.split(separator: " ", omittingEmptySubsequences: true) {
            if hasWord && line.count + 1 + word.count > headerLineLimit {
                lines.append(line)
                line = ""
            }
            line += " " + word
            hasWord = true
        }
        if !hasWord { line += " " }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// `text` as RFC 2047 `B` encoded words of at most 39 UTF-8 bytes each (a word of 64
    /// characters), never splitting a character (or, for a character longer than that, a scalar).
    static func encodedWords(_ text: String) -> [String] {
        let maxBytes = 39
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        func add(_ bytes: [UInt8]) {
            if current.count + bytes.count > maxBytes, !current.isEmpty {
                chunks.append(current)
                current = []
            }
            current += bytes
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= maxBytes {
                add(bytes)
            } else {
                for scalar in character.unicodeScalars { add(Array(String(scalar).utf8)) }
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks.map { "=?UTF-8?B?" + Data($0).base64EncodedString() + "?=" }
    }

    /// `Name: a, b, c`, folded after a comma where a line would grow too long.
    static func addressList(_ name: String, _ addresses: [String]) -> String {
        var lines: [String] = []
        var line = name + ":"
        for (index, address) in addresses.enumerated() {
            let piece = " " + address + (index < addresses.count - 1 ? "," : "")
            if line.count + piece.count > headerLineLimit && line != name + ":" {
                lines.append(line)
                line = ""
            }
            line += piece
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// `Tue, 01 Jul 2025 12:34:56 +0000`: RFC 5322's date, in UTC.
    package static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        let weekday = days[((parts.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((parts.month ?? 1) - 1 + 12) % 12]
        return
            "\(weekday), \(two(parts.day)) \(month) \(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }

    // MARK: Body encodings

    /// `text` as quoted-printable UTF-8: line breaks become CRLF, lines are at most 76 characters
    /// (soft breaks `=` where needed), `=`, non-ASCII and control bytes, whitespace before a line
    /// break and a `.` starting a line are encoded. The result never holds `=_`.
    package static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            var column = 0
            for (position, byte) in bytes.enumerated() {
                let isLast = position == bytes.count - 1
                let literal: Bool
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"): literal = !isLast
                case UInt8(ascii: "."): literal = column > 0
                case UInt8(ascii: "="): literal = false
                case 33...126: literal = true
                default: literal = false
                }
                let token: [UInt8] = literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                // Leave room for the soft break's `=` unless this token ends the line.
                let room = isLast ? bodyLineLimit : bodyLineLimit - 1
                if column + token.count > room {
                    output += Array("=\r\n".utf8)
                    column = 0
                    if byte == UInt8(ascii: ".") {
                        output += Array("=2E".utf8)
                        column = 3
                        continue
                    }
                }
                output += token
                column += token.count
            }
            if index < lines.count - 1 { output += [13, 10] }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `bytes` in base64, 76 characters a line, lines joined by CRLF (no CRLF after the last).
    package static func base64Lines(_ bytes: [UInt8]) -> String {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var lines: [String] = []
        var start = 0
        while start < encoded.count {
            let end = min(start + bodyLineLimit, encoded.count)
            lines.append(String(decoding: encoded[start..<end], as: UTF8.self))
            start = end
        }
        return lines.joined(separator: "\r\n")
    }
}
