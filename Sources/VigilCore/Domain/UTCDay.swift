package import Foundation

/// Days and minutes as reports, pages and file names write them: the UTC calendar in ISO 8601
/// digits. One definition (each formatting is a value, cheap to make, safe from any thread).
package enum UTCDay {
    /// `2026-11-30`: the UTC day of `date`.
    package static func label(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle().year().month().day())
    }

    /// `2026-11-30 12:51`: the UTC minute of `date`.
    package static func minute(_ date: Date) -> String {
        String(date.formatted(Date.ISO8601FormatStyle()).prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    /// The UTC midnight beginning `2026-11-30`; nil for anything but such a day.
    package static func parse(_ text: String) -> Date? {
        guard text.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil else { return nil }
        return try? Date(text + "T00:00:00Z", strategy: Date.ISO8601FormatStyle())
    }
}
