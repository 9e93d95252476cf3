package import Foundation
package import VigilCore

/// One row of a result, values as PostgreSQL's text form, read by column name.
package struct PostgresRow: Sendable {
    let columns: [String: Int]
    let values: [String?]

    /// The text value of `column`, nil for SQL NULL or an unknown column.
    package subscript(_ column: String) -> String? {
        guard let index = columns[column] else { return nil }
        return values[index]
    }

    package func string(_ column: String) -> String? { self[column] }

    package func int(_ column: String) -> Int? { self[column].flatMap { Int($0) } }

    package func bool(_ column: String) -> Bool? {
        switch self[column] {
        case "t": true
        case "f": false
        default: nil
        }
    }

    /// An exact decimal (a NUMERIC column).
    package func money(_ column: String) -> Money? { self[column].flatMap { Money($0) } }

    /// A `timestamptz` column, read from the epoch microseconds the query selected as text
    /// (`(extract(epoch from t) * 1000000)::bigint`), or from PostgreSQL's ISO output.
    package func date(_ column: String) -> Date? {
        guard let text = self[column] else { return nil }
        if let micros = Int64(text) { return Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
        return PostgresTimestamp.parse(text)
    }
}

/// PostgreSQL's ISO timestamp output (`2026-11-22 08:37:40.123456+00`).
enum PostgresTimestamp {
    /// `2026-11-22T08:37:40.123456Z`: UTC with microseconds, what PostgreSQL reads exactly.
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = time_t(micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000)
        let fraction = micros - Int64(seconds) * 1_000_000
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let fractionText = String(fraction)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: 6 - fractionText.count) + fractionText + "Z"
    }

    static func parse(_ text: String) -> Date? {
        var normalized = text.replacingOccurrences(of: " ", with: "T")
        if normalized.hasSuffix("+00") { normalized += ":00" }
        if let date = try? Date(normalized, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(normalized, strategy: Date.ISO8601FormatStyle())
    }
}
