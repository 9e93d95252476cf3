package import Foundation
package import VigilCore

/// A calendar month in a client's time zone: its first instant included, the next month's first
/// instant excluded.
package struct BillingPeriod: Sendable, Equatable, Codable {
    package var year: Int
    package var month: Int
    package var timeZone: String
    package var start: Date
    package var end: Date

    /// `2026-10` in `Europe/Berlin`; nil for an invalid month or zone.
    package init?(year: Int, month: Int, timeZone: String) {
        guard (1...12).contains(month), let zone = TimeZone(identifier: timeZone) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let start = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
            let end = calendar.date(byAdding: .month, value: 1, to: start)
        else { return nil }
        self.year = year
        self.month = month
        self.timeZone = timeZone
        self.start = start
        self.end = end
    }

    /// `YYYY-MM`.
    package var label: String { String(format: "%04d-%02d", year, month) }

    /// The month in `timeZone` that contains `date`.
    package static func containing(_ date: Date, timeZone: String) -> BillingPeriod? {
        guard let zone = TimeZone(identifier: timeZone) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month], from: date)
        guard let year = parts.year, let month = parts.month else { return nil }
        return BillingPeriod(year: year, month: month, timeZone: timeZone)
    }

    /// `YYYY-MM-DD` of the period's last day, in its time zone.
    package var lastDayLabel: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let last = calendar.dateComponents([.year, .month, .day], from: end.addingTimeInterval(-1))
        return String(format: "%04d-%02d-%02d", last.year ?? 0, last.month ?? 0, last.day ?? 0)
    }

    /// `1–30 November 2026`: the period in words, for documents.
    package var words: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let lastDay = calendar.dateComponents([.day], from: end.addingTimeInterval(-1)).day ?? 28
        let names = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        ]
        return "1–\(lastDay) \(names[max(0, min(11, month - 1))]) \(year)"
    }

    /// Parses `YYYY-MM`.
    package static func parse(_ text: String, timeZone: String) -> BillingPeriod? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            (2000...9999).contains(year)
        else { return nil }
        return BillingPeriod(year: year, month: month, timeZone: timeZone)
    }
}
