import Foundation

/// The mail server alert e-mails are sent through (`alerts.smtp`).
///
/// Its password is one of ``VigilConfiguration/secrets``; only ``redactedURL`` is shown.
package struct SMTPConfiguration: Sendable, Equatable {
    /// `smtp://HOST[:PORT]` (STARTTLS when ``requireTLS``) or `smtps://HOST[:PORT]` (TLS from the
    /// first byte), without user, password, path or query.
    package var url: String
    /// The user name to log in with; nil sends without logging in.
    package var username: String?
    /// The password, read from `password_file` when the configuration is loaded (trailing
    /// whitespace and newlines removed). Set exactly when ``username`` is.
    package var password: String?
    /// The sender address (`From:` and the envelope sender).
    package var from: String
    /// Refuse to send unless the connection is TLS (STARTTLS for `smtp://`). Always true for
    /// `smtps://`. Default: true, except for a loopback host (`localhost`, 127.0.0.0/8, `::1`).
    package var requireTLS: Bool

    /// `requireTLS` nil takes the default for `url` (see ``defaultRequiresTLS(url:)``).
    package init(url: String, username: String? = nil, password: String? = nil, from: String, requireTLS: Bool? = nil) {
        self.url = url
        self.username = username
        self.password = password
        self.from = from
        self.requireTLS = requireTLS ?? Self.defaultRequiresTLS(url: url)
    }

    /// Whether the server speaks TLS from the first byte (`smtps://`) rather than after STARTTLS.
    package var isImplicitTLS: Bool { URLComponents(string: url)?.scheme?.lowercased() == "smtps" }

    /// The host of ``url`` (an IPv6 address without brackets); "" when it has none.
    package var host: String { Self.bareHost(URLComponents(string: url)?.host ?? "") }

    /// The port of ``url``, or the scheme's own: 465 for `smtps`, 25 for `smtp`.
    package var port: Int { URLComponents(string: url)?.port ?? (isImplicitTLS ? 465 : 25) }

    /// `scheme://host:port`, the port always written: safe to log.
    package var redactedURL: String {
        WebhookConfiguration.origin(scheme: isImplicitTLS ? "smtps" : "smtp", host: host, port: port)
    }

    /// True for `smtps://` and for a host that is not loopback; false for `localhost`,
    /// 127.0.0.0/8 and `::1` over `smtp://`.
    package static func defaultRequiresTLS(url: String) -> Bool {
        guard let components = URLComponents(string: url) else { return true }
        if components.scheme?.lowercased() == "smtps" { return true }
        return !isLoopback(bareHost(components.host ?? ""))
    }

    private static func bareHost(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// `localhost`, an IPv4 address in 127.0.0.0/8, or the IPv6 loopback in any spelling.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "localhost." { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ $0.count <= 3 && UInt8($0) != nil }) { return octets[0] == "127" }
        return ipv6Groups(host) == [0, 0, 0, 0, 0, 0, 0, 1]
    }

    /// The eight groups of an IPv6 address written with hex groups and at most one `::`; nil otherwise.
    private static func ipv6Groups(_ text: String) -> [UInt16]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var values: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                values.append(value)
            }
            return values
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    static let keys = ["url", "username", "password", "password_file", "from", "require_tls"]

    static func read(_ object: ConfigurationObject?) -> SMTPConfiguration? {
        guard let object else { return nil }
        if object.has("password") {
            object.reader.report(
                object.path("password"), line: object.line("password"), "a password does not belong in the configuration file",
                hint: "put it in a file readable by the service only (chmod 0640, group vigil) and name it with \"password_file\"")
        }
        let url = object.string("url", required: true).flatMap { readURL($0, object) }
        let username = object.string("username")
        let password = object.secretFile("password_file", holding: "the SMTP password")
        if username != nil, !object.has("password_file"), !object.has("password") {
            object.reader.report(
                object.path("password_file"), line: object.line, "is missing: a username needs a password",
                hint: "add \"password_file\": \"/etc/vigil/smtp_password\", or remove \"username\" to send without logging in")
        }
        if username == nil, object.has("password_file"), !object.has("username") {
            object.reader.report(
                object.path("username"), line: object.line, "is missing: a password needs a username",
                hint: "add \"username\": \"...\", or remove \"password_file\" to send without logging in")
        }
        var from: String?
        if let address = object.string("from", required: true) {
            if address.isEmailAddress {
                from = address
            } else {
                object.reader.report(
                    object.path("from"), line: object.line("from"), "is not an e-mail address", hint: "write it like vigil@example.com")
            }
        }
        let requireTLS = object.bool("require_tls")
        if requireTLS == false, let url, URLComponents(string: url)?.scheme?.lowercased() == "smtps" {
            object.reader.report(
                object.path("require_tls"), line: object.line("require_tls"), "is false, but smtps:// is always TLS",
                hint: "remove \"require_tls\", or use smtp:// for a server without TLS")
            return nil
        }
        guard let url, let from, username == nil || password != nil, password == nil || username != nil else { return nil }
        return SMTPConfiguration(url: url, username: username, password: password, from: from, requireTLS: requireTLS)
    }

    /// The URL if it is smtp(s) with a host, and no credentials, path or query.
    private static func readURL(_ text: String, _ object: ConfigurationObject) -> String? {
        let path = object.path("url")
        let line = object.line("url")
        let example = "write it like smtp://mail.example.com:587 (STARTTLS) or smtps://mail.example.com:465"
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            object.reader.report(path, line: line, "is not a URL", hint: example)
            return nil
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            object.reader.report(path, line: line, "has the scheme '\(scheme)', not smtp or smtps", hint: example)
            return nil
        }
        if components.user != nil || components.password != nil {
            object.reader.report(
                path, line: line, "holds a user name or password (user:password@)",
                hint: "remove them from the URL; give \"username\" and \"password_file\" instead")
            return nil
        }
        guard let host = components.host, !host.isEmpty else {
            object.reader.report(path, line: line, "has no host", hint: example)
            return nil
        }
        if let port = components.port, !(1...65_535).contains(port) {
            object.reader.report(path, line: line, "has the port \(port), outside 1...65535", hint: example)
            return nil
        }
        guard components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil else {
            object.reader.report(path, line: line, "has a path or query, which SMTP does not use", hint: example)
            return nil
        }
        return text
    }
}

extension StringProtocol {
    /// Whether this looks like an e-mail address: one `@` with text on both sides, and no
    /// whitespace, control character or `<`, `>`, `,`, `;` (which could add recipients or headers).
    var isEmailAddress: Bool {
        let parts = split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, count <= 254 else { return false }
        return unicodeScalars.allSatisfy { scalar in
            !scalar.properties.isWhitespace && scalar.properties.generalCategory != .control
                && scalar.properties.generalCategory != .format && !"<>,;\"".unicodeScalars.contains(scalar)
        }
    }
}

extension ConfigurationObject {
    /// `key`'s array of e-mail addresses (see ``StringProtocol/isEmailAddress``), each problem at its element.
    func emailAddresses(_ key: String) -> [String]? {
        guard let nodes = array(key) else { return nil }
        var addresses: [String] = []
        for (index, node) in nodes.enumerated() {
            guard case .string(let address) = node.value, address.isEmailAddress else {
                reader.report(
                    path(key) + "[\(index)]", line: node.line, "is not an e-mail address",
                    hint: "write one address per element, such as \"security@example.com\", without a name or <>")
                continue
            }
            addresses.append(address)
        }
        return addresses
    }
}
