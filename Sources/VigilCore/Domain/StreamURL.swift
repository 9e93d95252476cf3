import Foundation

/// Where a camera's video comes from: an RTSP or HTTP(S) URL, or a local file for trying a recording.
///
/// The password is kept apart from what is printed: `description`, `redacted` and every error this
/// type throws show `***` in its place. Only ``urlWithCredentials`` carries it, for the capture
/// adapter to hand to FFmpeg.
package struct StreamURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of source.
    package enum Scheme: String, Sendable, Hashable, CaseIterable {
        case rtsp
        case rtsps
        /// A stream FFmpeg reads over HTTP, such as MJPEG or HLS.
        case http
        case https
        case file
    }

    package var scheme: Scheme
    /// The user name, percent-decoded; nil when the URL has none.
    package var user: String?
    /// The password, percent-decoded; nil when the URL has none. A secret.
    package var password: String?
    /// Host name or address (IPv6 without brackets); empty for files.
    package var host: String
    /// The port when the URL names one.
    package var port: Int?
    /// Path and query as written (`/stream1?channel=2`); for files, the file's path.
    package var path: String

    /// Why a URL was refused. Its text never contains the password.
    package struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    /// Parses `rtsp://[user[:password]@]host[:port][/path]`, `rtsps://...`, `http://...`, `https://...`,
    /// `file:///path` or a plain file path (relative or absolute).
    ///
    /// Text without `://` is taken for a file path, existing or not (`rtsp//cam` and `cam1` too),
    /// unless a `:` makes it look like a mistyped URL; ``parseRequiringExistingFile(_:fileExists:)``
    /// also checks that the file is there.
    package static func parse(_ text: String) throws(ParseError) -> StreamURL {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw ParseError(message: "is empty") }
        guard let schemeEnd = trimmed.range(of: "://") else {
            if trimmed.contains(":") && !trimmed.hasPrefix("/") && !trimmed.hasPrefix(".") {
                throw ParseError(message: "has no '://' after its scheme; write rtsp://host:554/path")
            }
            return StreamURL(scheme: .file, user: nil, password: nil, host: "", port: nil, path: trimmed)
        }
        let schemeText = trimmed[..<schemeEnd.lowerBound].lowercased()
        guard let scheme = Scheme(rawValue: schemeText) else {
            throw ParseError(
                message:
                    "has the scheme '\(shown(schemeText, of: trimmed))'; only \(Scheme.allCases.map { "\($0.rawValue)://" }.joined(separator: ", ")) are supported"
            )
        }
        let rest = trimmed[schemeEnd.upperBound...]
        if scheme == .file {
            guard rest.hasPrefix("/") else { throw ParseError(message: "a file URL needs an absolute path: file:///path/video.mp4") }
            return StreamURL(scheme: .file, user: nil, password: nil, host: "", port: nil, path: String(rest))
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if path.hasPrefix("?") { path = "/" + path }
        var hostPort = authority[...]
        var user: String?
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try decode(userInfo[..<colon], part: "user name")
                password = try decode(userInfo[userInfo.index(after: colon)...], part: "password")
            } else {
                user = try decode(userInfo, part: "user name")
            }
        }
        var host: String
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw ParseError(message: "has an IPv6 address without its closing ']'")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw ParseError(message: "has text after the IPv6 address") }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw ParseError(message: "has an invalid IPv6 address")
            }
        } else {
            if let colon = hostPort.lastIndex(of: ":") {
                host = String(hostPort[..<colon])
                portText = hostPort[hostPort.index(after: colon)...]
            } else {
                host = String(hostPort)
            }
            guard !host.isEmpty else { throw ParseError(message: "has no host; write rtsp://host:554/path") }
            let allowed = host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
            guard allowed else {
                throw ParseError(
                    message:
                        "has an invalid host name (only letters, digits, '-', '_' and '.'; put IPv6 in [brackets]; percent-encode '@', ':' or '/' in a password)"
                )
            }
        }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw ParseError(message: "has the port '\(shown(portText, of: trimmed))'; a port is a number from 1 to 65535")
            }
            port = value
        }
        return StreamURL(scheme: scheme, user: user, password: password, host: host.lowercased(), port: port, path: path)
    }

    /// Parses like ``parse(_:)``, but a plain file path must name an existing file: text that is
    /// neither a URL with a scheme Vigil reads nor an existing file (`rtsp//cam`, `cam1`) is refused.
    ///
    /// `file://` URLs are taken as written. A relative path is looked up from the working directory,
    /// where capture will open it. `fileExists` defaults to ``isExistingFile(_:)``.
    package static func parseRequiringExistingFile(
        _ text: String, fileExists: (String) -> Bool = isExistingFile
    ) throws(ParseError) -> StreamURL {
        let url = try parse(text)
        guard url.isFile, !text.contains("://"), !fileExists(url.path) else { return url }
        var message =
            "is neither a URL with a scheme Vigil reads (\(Scheme.allCases.map(\.rawValue).joined(separator: ", "))) nor an existing file"
        if let slashes = url.path.range(of: "//"), let scheme = Scheme(rawValue: url.path[..<slashes.lowerBound].lowercased()) {
            message += "; '\(url.path[..<slashes.upperBound])' lacks the ':' of '\(scheme.rawValue)://'"
        }
        throw ParseError(message: message)
    }

    /// Whether `path` names an existing file or device that is not a directory.
    package static func isExistingFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// `text` as written with whatever may be its password replaced by `***`, even when it is not a
    /// valid URL (`rtsp//admin:***@cam`, `rtps://admin:***@cam`), for messages about a URL that
    /// could not be parsed. It may mask more than the password, never less.
    package static func redactingPassword(in text: String) -> String {
        guard let range = passwordRange(in: text) else { return text }
        var result = text
        result.replaceSubrange(range, with: "***")
        return result
    }

    /// Where a password may stand in `text`: from the first `:` of the user info to the last `@`.
    /// The user info starts after a scheme and its slashes, however mistyped (`rtsp://`, `rtsp//`, `rtsp:/`).
    private static func passwordRange(in text: String) -> Range<String.Index>? {
        guard let at = text.lastIndex(of: "@") else { return nil }
        var start = text.startIndex
        if let schemeEnd = text[..<at].firstIndex(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0))) }),
            schemeEnd > start, text[schemeEnd...].hasPrefix("/") || text[schemeEnd...].hasPrefix(":/")
        {
            start = text[schemeEnd..<at].firstIndex(where: { $0 != ":" && $0 != "/" }) ?? at
        }
        guard let colon = text[start..<at].firstIndex(of: ":") else { return nil }
        return text.index(after: colon)..<at
    }

    /// `fragment` of `text` for an error message, or `***` when it overlaps what may be the password
    /// (a malformed URL can put part of its password where a scheme or port was expected).
    private static func shown(_ fragment: some StringProtocol, of text: String) -> String {
        guard let range = passwordRange(in: text), !fragment.isEmpty else { return String(fragment) }
        let password = text[range].lowercased()
        let lowered = fragment.lowercased()
        return password.isEmpty || !(lowered.contains(password) || password.contains(lowered)) ? String(fragment) : "***"
    }

    private static func decode(_ text: Substring, part: String) throws(ParseError) -> String {
        guard let decoded = text.removingPercentEncodingStrict() else {
            throw ParseError(message: "has a malformed percent-escape in its \(part)")
        }
        return decoded
    }

    /// Whether this is a local file rather than a network stream.
    package var isFile: Bool { scheme == .file }

    /// The URL with the password replaced by `***`; safe to log and show.
    package var redacted: String { render(password: password == nil ? nil : "***") }

    /// The full URL including credentials, percent-encoded, for FFmpeg only. Never log it.
    package var urlWithCredentials: String { render(password: password.map { $0.percentEncodedUnreserved() }) }

    package var description: String { redacted }
    package var debugDescription: String { "StreamURL(\(redacted))" }

    /// The strings that must never be printed: the password as written and percent-encoded.
    package var secrets: [String] {
        guard let password, !password.isEmpty else { return [] }
        return Array(Set([password, password.percentEncodedUnreserved()]))
    }

    private func render(password renderedPassword: String?) -> String {
        if scheme == .file { return path }
        var text = scheme.rawValue + "://"
        if let user {
            text += user.percentEncodedUnreserved()
            if let renderedPassword { text += ":" + renderedPassword }
            text += "@"
        }
        text += host.contains(":") ? "[\(host)]" : host
        if let port { text += ":\(port)" }
        return text + path
    }
}

extension StringProtocol {
    // Helpers shared by the adapters: trimming is public, the URL encodings are not.
    package func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }

    /// Percent-decodes; nil when an escape is malformed or the bytes are not UTF-8.
    func removingPercentEncodingStrict() -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters (letters, digits, `-._~`): safe
    /// as a URL's user info, one path segment or a query value.
    package func percentEncodedUnreserved() -> String {
        var text = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                text += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return text
    }
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
