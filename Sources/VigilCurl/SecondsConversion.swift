/// Conversions of a number of seconds held in a `Double` into the types whose initialisers trap
/// on NaN, infinities or overflow (`Duration`, `Int`).
///
/// Every such conversion in VigilCurl and VigilGemini goes through here, so a value that came from the network
/// or a clock can never stop the process: NaN and negatives become 0, anything larger than the
/// bound (+∞ included) becomes the bound.
package enum SecondsConversion {
    /// The longest duration ever produced: one year, far above any delay, pause or timeout.
    static let ceiling: Double = 366 * 86_400

    /// `seconds` as a `Duration` to sleep for, within 0...`limit` (and never above a year).
    package static func duration(_ seconds: Double, atMost limit: Double) -> Duration {
        let bound = clamp(limit, to: ceiling)
        return .milliseconds(Int(clamp(seconds, to: bound) * 1000))
    }

    /// `seconds` in whole milliseconds, within 0...`Int32.max` (about 24.8 days), the range of an
    /// `integer` column and of libcurl's timeouts.
    package static func milliseconds(_ seconds: Double) -> Int {
        let limit = Double(Int32.max)
        return Int(clamp(seconds * 1000, to: limit).rounded(.down))
    }

    /// `value` within 0...`bound`; NaN is 0.
    private static func clamp(_ value: Double, to bound: Double) -> Double {
        guard value.isFinite else { return value == .infinity ? bound : 0 }
        return min(max(value, 0), bound)
    }
}
