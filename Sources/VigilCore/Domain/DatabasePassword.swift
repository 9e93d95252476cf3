import Foundation

/// Finds the password in a libpq connection string, so it can be kept out of every message.
package enum DatabasePassword {
    /// The password of a `postgresql://user:password@host/db` URL or a `password=...` keyword
    /// string, percent-decoded; nil when there is none.
    package static func extract(from connectionString: String) -> String? {
        if connectionString.hasPrefix("postgres://") || connectionString.hasPrefix("postgresql://") {
            guard let schemeEnd = connectionString.range(of: "://") else { return nil }
            let rest = connectionString[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                let raw = authority[authority.index(after: colon)..<at]
                return raw.removingPercentEncodingStrict() ?? String(raw)
            }
            if let query = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: query)...].split(separator: "&") where pair.hasPrefix("password=") {
                    let raw = pair.dropFirst("password=".count)
                    return raw.removingPercentEncodingStrict() ?? String(raw)
                }
            }
            return nil
        }
        guard let range = connectionString.range(of: "password=") else { return nil }
        var rest = connectionString[range.upperBound...]
        if rest.first == "'" {
            rest = rest.dropFirst()
            return String(rest.prefix { $0 != "'" })
        }
        return String(rest.prefix { !$0.isWhitespace })
    }
}
