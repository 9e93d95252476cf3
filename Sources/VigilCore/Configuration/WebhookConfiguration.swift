import Foundation

/// One webhook alerts are POSTed to (`alerts.webhooks[]`, `clients[].alerts.webhooks[]`).
///
/// Its URL's path and query may hold a token (Slack-style URLs do), so only ``redactedURL`` is
/// ever shown; its secret is one of ``VigilConfiguration/secrets``.
package struct WebhookConfiguration: Sendable, Equatable {
    /// Its name in logs and metrics, unique within its list; default `webhook-N`, N counting from 1 in the list.
    package var name: String
    /// An `http` or `https` URL with a host and no `user:password@`.
    package var url: String
    /// The secret shared with the receiver, from `secret` or from the file `secret_file` (read
    /// when the configuration is loaded, trailing whitespace and newlines removed). Never empty.
    package var secret: String

    package init(name: String, url: String, secret: String) {
        self.name = name
        self.url = url
        self.secret = secret
    }

    /// `scheme://host[:port]` of ``url``, without user, path, query or fragment: safe to log.
    package var redactedURL: String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return "(unparseable URL)"
        }
        return Self.origin(scheme: scheme, host: host, port: components.port)
    }

    /// `scheme://host[:port]`, an IPv6 host in brackets.
    static func origin(scheme: String, host: String, port: Int?) -> String {
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme.lowercased())://\(shownHost)" + (port.map { ":\($0)" } ?? "")
    }

    static let keys = ["name", "url", "secret", "secret_file"]

    /// The webhooks of the array `key` of `object` that are valid; every problem is reported,
    /// names used twice in the list included.
    static func readList(_ object: ConfigurationObject, _ key: String) -> [WebhookConfiguration] {
        guard let nodes = object.array(key) else { return [] }
        var webhooks: [WebhookConfiguration] = []
        var names: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            let path = "\(object.path(key))[\(index)]"
            guard let element = object.reader.object(node, at: path, keys: keys),
                let webhook = read(element, defaultName: "webhook-\(index + 1)")
            else { continue }
            if let other = names[webhook.name] {
                object.reader.report(
                    "\(path).name", line: element.line("name"), "\"\(webhook.name)\" is already the name of \(object.path(key))[\(other)]",
                    hint: "give each webhook of the list its own name")
                continue
            }
            names[webhook.name] = index
            webhooks.append(webhook)
        }
        return webhooks
    }

    static func read(_ object: ConfigurationObject, defaultName: String) -> WebhookConfiguration? {
        var name: String? = defaultName
        if let given = object.string("name") {
            let valid =
                given.count <= 64
                && given.first.map({ $0.isASCII && ($0.isLetter || $0.isNumber) }) == true
                && given.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
            if valid {
                name = given
            } else {
                object.reader.report(
                    object.path("name"), line: object.line("name"), "\"\(given)\" is not a valid webhook name",
                    hint: "use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit")
                name = nil
            }
        }
        let url = object.string("url", required: true).flatMap { readURL($0, object) }
        let secret = readSecret(object)
        guard let name, let url, let secret else { return nil }
        return WebhookConfiguration(name: name, url: url, secret: secret)
    }

    /// The URL if it is http(s) with a host and no credentials. Problems never quote it: its path may hold a token.
    private static func readURL(_ text: String, _ object: ConfigurationObject) -> String? {
        let path = object.path("url")
        let line = object.line("url")
        let example = "write it like https://alerts.example.com/vigil"
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            object.reader.report(path, line: line, "is not a URL", hint: example)
            return nil
        }
        guard scheme == "http" || scheme == "https" else {
            object.reader.report(
                path, line: line, "has the scheme '\(scheme.escapingControlCharacters())', not http or https", hint: example)
            return nil
        }
        if components.user != nil || components.password != nil {
            object.reader.report(
                path, line: line, "holds a user name or password (user:password@)",
                hint: "remove them from the URL and give the webhook's secret with \"secret_file\" (a file readable by the service only)")
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
        return text
    }

    /// The secret from exactly one of `secret` and `secret_file`.
    private static func readSecret(_ object: ConfigurationObject) -> String? {
        switch (object.has("secret"), object.has("secret_file")) {
        case (true, true):
            object.reader.report(
                object.path("secret_file"), line: object.line("secret_file"), "is given together with \"secret\"",
                hint: "keep one of them: \"secret_file\" (a file readable by the service only) is safer")
            return nil
        case (false, false):
            object.reader.report(
                object.path("secret_file"), line: object.line, "is missing: a webhook needs a secret to sign its requests",
                hint: "add \"secret_file\": \"/etc/vigil/webhook_secret\" (a file holding the secret, readable by the service only), "
                    + "or \"secret\": \"...\"")
            return nil
        case (true, false):
            return object.string("secret")
        case (false, true):
            return object.secretFile("secret_file", holding: "the webhook's secret")
        }
    }
}

extension ConfigurationObject {
    /// The contents of the file named by `key`, read now, without trailing whitespace or newlines;
    /// `holding` says what the file is for (`the SMTP password`) in hints. Reports, with the file's
    /// path, a file that does not exist, is a directory, cannot be read, is larger than 64 KiB, is not
    /// UTF-8, or holds nothing; never the file's contents.
    func secretFile(_ key: String, holding: String) -> String? {
        guard let file = string(key) else { return nil }
        let path = path(key)
        let line = line(key)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            reader.report(
                path, line: line, "names the file \(file), which does not exist",
                hint: "create it holding \(holding) (chmod 0640, group vigil), or correct the path")
            return nil
        }
        guard !isDirectory.boolValue else {
            reader.report(path, line: line, "names \(file), which is a directory", hint: "name the file holding \(holding)")
            return nil
        }
        let limit = 65_536
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
            defer { try? handle.close() }
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            reader.report(
                path, line: line, "names the file \(file), which cannot be read",
                hint: "let the service's user read it: chgrp vigil FILE; chmod 0640 FILE")
            return nil
        }
        guard data.count <= limit else {
            reader.report(path, line: line, "names the file \(file), which is larger than 64 KiB", hint: "the file holds \(holding) only")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            reader.report(path, line: line, "names the file \(file), which is not UTF-8 text", hint: "the file holds \(holding) only")
            return nil
        }
        var secret = Substring(text)
        while let last = secret.last, last.isWhitespace { secret.removeLast() }
        guard !secret.isEmpty else {
            reader.report(path, line: line, "names the file \(file), which is empty", hint: "write \(holding) into it")
            return nil
        }
        return String(secret)
    }
}
