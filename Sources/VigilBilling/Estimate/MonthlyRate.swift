package import VigilCore

/// A count per month as an exact fraction (calls or samples), so that a month's cost is the cost of
/// one call times the count with no rounding but Money's own at 15 places.
///
/// A sample every 7 s for 30 days is 2,592,000,000 / 7,000 = 370,285.714… samples: kept as that
/// fraction, shown rounded.
package struct MonthlyRate: Sendable, Equatable {
    /// The fraction's numerator; never negative.
    package private(set) var numerator: Int128
    /// The fraction's denominator; always positive.
    package private(set) var denominator: Int128

    /// `numerator / denominator`, reduced. A denominator of 0 or less counts as 1.
    package init(numerator: Int128, denominator: Int128) {
        let denominator = max(1, denominator)
        let divisor = Self.gcd(numerator.magnitude, denominator.magnitude)
        self.numerator = numerator / Int128(divisor)
        self.denominator = denominator / Int128(divisor)
    }

    package static let zero = MonthlyRate(numerator: 0, denominator: 1)

    /// Samples of one source in `days` days at one every `intervalMilliseconds` (at least 1).
    package static func samples(days: Int, intervalMilliseconds: Int) -> MonthlyRate {
        MonthlyRate(numerator: Int128(days) * 86_400_000, denominator: Int128(max(1, intervalMilliseconds)))
    }

    /// This count times `ratio` (for example the share of samples the scene gate lets through).
    package func scaled(by ratio: EstimateRatio) -> MonthlyRate {
        MonthlyRate(numerator: numerator * ratio.partsPerBillion, denominator: denominator * EstimateRatio.billion)
    }

    package static func + (left: MonthlyRate, right: MonthlyRate) -> MonthlyRate {
        guard left.denominator != right.denominator else {
            return MonthlyRate(numerator: left.numerator + right.numerator, denominator: left.denominator)
        }
        return MonthlyRate(
            numerator: left.numerator * right.denominator + right.numerator * left.denominator,
            denominator: left.denominator * right.denominator)
    }

    /// `amount` × this count, exact but for Money's rounding at 15 places: the cost of these calls
    /// when each costs `amount`.
    package func cost(each amount: Money) -> Money { amount.scaled(by: numerator, over: denominator) }

    /// The count rounded half up to a whole number.
    package var rounded: Int128 { (numerator * 2 + denominator) / (denominator * 2) }

    /// The count rounded half up to `digits` places (0...6), trailing zeros dropped: `259200`,
    /// `370285.7`.
    package func formatted(fractionDigits digits: Int) -> String {
        var scale: Int128 = 1
        for _ in 0..<min(max(digits, 0), 6) { scale *= 10 }
        let scaled = (numerator * scale * 2 + denominator) / (denominator * 2)
        return EstimateRatio.decimal(scaled, scale: scale)
    }

    /// The count as a `Double`, for display in cells that take one (CSV); never used for money.
    package var approximateValue: Double { Double(numerator) / Double(denominator) }

    private static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return max(a, 1)
    }
}
