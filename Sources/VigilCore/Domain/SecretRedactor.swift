import Foundation

/// Removes secrets from text before it reaches a log, a metric label or an error message.
///
/// It knows two kinds of secret: literal strings it was given (API keys, passwords, each also
/// percent-encoded), and the password part of any `scheme://user:password@host` URL, which it
/// masks whatever the password is. Text from C libraries (FFmpeg and libpq messages echo URLs and
/// connection strings) passes through it.
package struct SecretRedactor: Sendable {
    private var secrets: [String]

    /// A redactor for these secrets; empty strings are ignored.
    package init(secrets: [String] = []) {
        self.secrets = []
        for secret in secrets { add(secret) }
    }

    /// Adds one more secret (and its percent-encoded form).
    package mutating func add(_ secret: String) {
        guard !secret.isEmpty else { return }
        for form in [secret, secret.percentEncodedUnreserved()] where !secrets.contains(form) {
            secrets.append(form)
        }
        secrets.sort { $0.count > $1.count }
    }

    /// `text` with every secret replaced by `***`, URL passwords masked, and `password=...` pairs of
    /// libpq connection strings masked.
    package func redact(_ text: String) -> String {
        var result = text
        for secret in secrets {
            result = result.replacingAll(secret, with: "***")
        }
        return Self.maskURLPasswords(Self.maskKeywordPasswords(result))
    }

    /// Masks `user:password@` in every `scheme://` URL of the text.
    static func maskURLPasswords(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var output = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "://") {
            output += rest[..<marker.upperBound]
            rest = rest[marker.upperBound...]
            let authorityEnd =
                rest.firstIndex(where: { $0 == "/" || $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\n" || $0 == "?" }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                output += authority[..<colon] + ":***@"
                rest = rest[authority.index(after: at)...]
            }
        }
        return output + rest
    }

    /// Masks `password=...` in libpq keyword/value strings.
    static func maskKeywordPasswords(_ text: String) -> String {
        guard text.contains("password") else { return text }
        var output = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "password=") {
            output += rest[..<marker.upperBound] + "***"
            rest = rest[marker.upperBound...]
            if rest.first == "'" {
                rest = rest.dropFirst()
                while let char = rest.first, char != "'" { rest = rest.dropFirst() }
                rest = rest.dropFirst()
            } else {
                while let char = rest.first, !char.isWhitespace, char != "&" { rest = rest.dropFirst() }
            }
        }
        return output + rest
    }
}

extension String {
    package func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var output = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            output += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return output + rest
    }
}
