package import Foundation

/// Reads the retry delays a server sends — `google.rpc.RetryInfo.retryDelay` in an error body and
/// the `Retry-After` header — strictly, as seconds that are safe to compute with.
///
/// Whatever it returns is a finite number of seconds, zero or more; anything else the server sent
/// (NaN, infinities, negative numbers, exponents, words, a number too long to be a delay) is nil,
/// as if no delay had been given. How long Vigil actually waits is the ``RetryPolicy``'s decision,
/// which caps these values.
package enum RetryDelayParser {
    /// The most integer digits accepted: 12, enough for protobuf's largest duration (315,576,000,000 s,
    /// 10,000 years) and far below where a `Double` loses whole seconds.
    static let maximumDigits = 12

    /// A protobuf JSON duration (`"58s"`, `"1.5s"`, `"0.000000001s"`) in seconds: digits, optionally
    /// a point and 1 to 9 digits, then `s`. A negative duration is refused (nil).
    package static func protobufSeconds(_ text: String) -> Double? {
        guard text.hasSuffix("s") else { return nil }
        let number = text.dropLast().utf8
        let whole = number.prefix { isDigit($0) }
        guard !whole.isEmpty, whole.count <= maximumDigits else { return nil }
        let rest = number.dropFirst(whole.count)
        if !rest.isEmpty {
            let fraction = rest.dropFirst()
            guard rest.first == UInt8(ascii: "."), (1...9).contains(fraction.count), fraction.allSatisfy(isDigit) else { return nil }
        }
        guard let value = Double(String(decoding: number, as: UTF8.self)), value.isFinite, value >= 0 else { return nil }
        return value
    }

    /// A `Retry-After` header value (RFC 9110 §10.2.3) as seconds from `now`: either delay-seconds
    /// (digits only) or an HTTP-date (IMF-fixdate, or the obsolete RFC 850 and asctime forms, which
    /// a recipient must accept). A date in the past is 0 seconds.
    package static func retryAfterSeconds(_ value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        if text.utf8.allSatisfy(isDigit) {
            guard text.utf8.count <= maximumDigits, let seconds = Double(text) else { return nil }
            return seconds
        }
        guard let date = httpDate(text, now: now) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// An HTTP-date in any of its three forms, in GMT; nil when it is not one or names no real day.
    static func httpDate(_ text: String, now: Date) -> Date? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        let day: Int?
        let month: Int?
        var year: Int?
        let time: String
        switch words.count {
        case 6 where words[5] == "GMT" && shortDays.contains(words[0]):
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            (day, month, year, time) = (number(words[1], digits: 2...2), months[words[2]], number(words[3], digits: 4...4), words[4])
        case 4 where words[3] == "GMT" && longDays.contains(words[0]):
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            let parts = words[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { return nil }
            (day, month, time) = (number(parts[0], digits: 2...2), months[parts[1]], words[2])
            if let short = number(parts[2], digits: 2...2) {
                // Two digits: the year of that ending not more than 50 years ahead (RFC 9110 §5.6.7).
                let current = Self.calendar.component(.year, from: now)
                var candidate = current - current % 100 + short
                if candidate > current + 50 { candidate -= 100 }
                year = candidate
            }
        case 5 where shortDays.contains(words[0]):
            // asctime: Sun Nov  6 08:49:37 1994
            (day, month, year, time) = (number(words[2], digits: 1...2), months[words[1]], number(words[4], digits: 4...4), words[3])
        default:
            return nil
        }
        let clock = time.split(separator: ":", omittingEmptySubsequences: false).map { number(String($0), digits: 2...2) }
        guard let day, let month, let year, clock.count == 3, let hour = clock[0], let minute = clock[1], let second = clock[2],
            (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        guard let date = Self.calendar.date(from: components), Self.calendar.component(.day, from: date) == day else { return nil }
        return date
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT") ?? .gmt
        return calendar
    }()

    private static let shortDays: Set<String> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let longDays: Set<String> = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    private static let months: [String: Int] = [
        "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
    ]

    /// A number written with a count of ASCII digits in `digits`, and nothing else.
    private static func number(_ text: String, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(text.utf8.count), text.utf8.allSatisfy(isDigit) else { return nil }
        return Int(text)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
