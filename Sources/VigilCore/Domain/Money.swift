/// An exact amount of money in the price book's currency, carried to 15 decimal places.
///
/// Stored as a whole number of 10⁻¹⁵ currency units in an `Int128`, so sums over hundreds of
/// millions of calls neither round nor overflow (the range is about ±1.7 × 10²³). Provider costs are
/// exact at this scale as long as prices are given to at most 9 decimal places per million tokens;
/// ``PriceBook`` enforces that. Never constructed from a `Double`.
///
/// The `Int128` is kept as two 64-bit halves (8-byte aligned): with Swift 6.3 on x86_64, an `Int128`
/// (or a small value holding one) passed as an argument to an async function or closure can land on
/// the machine stack, where caller and callee disagree on the stack-argument area's size (swifttailcc;
/// compare llvm/llvm-project#105223). The stack pointer ends up off and the task jumps to address 0.
/// `MoneyArgumentTests` passes amounts to async functions the way that crashed.
package struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Decimal places carried exactly.
    package static let fractionDigits = 15
    /// Units in one whole currency unit (10¹⁵).
    package static let unitsPerWhole: Int128 = 1_000_000_000_000_000

    private var high: Int64
    private var low: UInt64

    /// The amount in 10⁻¹⁵ currency units.
    package var units: Int128 {
        get { Int128(high) << 64 | Int128(low) }
        set {
            high = Int64(truncatingIfNeeded: newValue >> 64)
            low = UInt64(truncatingIfNeeded: newValue)
        }
    }

    /// An amount of `units` × 10⁻¹⁵.
    package init(units: Int128) {
        high = Int64(truncatingIfNeeded: units >> 64)
        low = UInt64(truncatingIfNeeded: units)
    }

    /// A whole amount, such as a monthly fee of 5.
    package init(whole: Int) { self.init(units: Int128(whole) * Self.unitsPerWhole) }

    package static let zero = Money(units: 0)

    /// Parses a plain decimal such as `"12.50"`, `"-0.000597"` or `"3"`.
    ///
    /// Returns nil for anything else: exponents, more than 15 decimal places, thousands separators,
    /// or a value outside the representable range. Never rounds.
    package init?(_ text: some StringProtocol) {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        } else if utf8.first == UInt8(ascii: "+") {
            utf8 = utf8.dropFirst()
        }
        var whole: Int128 = 0
        var fraction: Int128 = 0
        var fractionCount = 0
        var seenPoint = false
        var digitCount = 0
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int128(byte - UInt8(ascii: "0"))
            digitCount += 1
            if seenPoint {
                fractionCount += 1
                if fractionCount > Self.fractionDigits { return nil }
                fraction = fraction * 10 + digit
            } else {
                whole = whole * 10 + digit
                if whole > 100_000_000_000_000_000_000 { return nil }
            }
        }
        guard digitCount > 0 else { return nil }
        for _ in fractionCount..<Self.fractionDigits { fraction *= 10 }
        let magnitude = whole * Self.unitsPerWhole + fraction
        self.init(units: negative ? -magnitude : magnitude)
    }

    package static func < (lhs: Money, rhs: Money) -> Bool { lhs.units < rhs.units }
    package static func + (lhs: Money, rhs: Money) -> Money { Money(units: lhs.units + rhs.units) }
    package static func - (lhs: Money, rhs: Money) -> Money { Money(units: lhs.units - rhs.units) }
    package static func += (lhs: inout Money, rhs: Money) { lhs.units += rhs.units }
    package static prefix func - (value: Money) -> Money { Money(units: -value.units) }
    /// The amount times a whole count (for example, a fee per camera × cameras).
    package static func * (lhs: Money, rhs: Int) -> Money { Money(units: lhs.units * Int128(rhs)) }

    /// The amount times `numerator / denominator`, rounded half away from zero to 15 places.
    ///
    /// Used for the few operations that can produce more than 15 decimals (percentages, per-token
    /// prices with more than 9 decimals).
    package func scaled(by numerator: Int128, over denominator: Int128) -> Money {
        precondition(denominator > 0, "denominator must be positive")
        let product = units * numerator
        let (quotient, remainder) = product.quotientAndRemainder(dividingBy: denominator)
        if remainder == 0 { return Money(units: quotient) }
        let roundAway = remainder.magnitude * 2 >= denominator.magnitude
        return Money(units: quotient + (roundAway ? (product < 0 ? -1 : 1) : 0))
    }

    /// How ``rounded(toFractionDigits:rule:)`` breaks ties.
    package enum RoundingRule: Sendable {
        /// Ties go away from zero (0.005 → 0.01): commercial rounding, used on invoices.
        case halfUp
        /// Ties go to the even neighbour (banker's rounding).
        case halfEven
    }

    /// The amount rounded to `digits` decimal places (0...15).
    package func rounded(toFractionDigits digits: Int, rule: RoundingRule = .halfUp) -> Money {
        precondition((0...Self.fractionDigits).contains(digits), "digits must be 0...15")
        var step: Int128 = 1
        for _ in digits..<Self.fractionDigits { step *= 10 }
        let (quotient, remainder) = units.quotientAndRemainder(dividingBy: step)
        guard remainder != 0 else { return self }
        let twice = remainder.magnitude * 2
        let sign: Int128 = units < 0 ? -1 : 1
        var adjust: Int128 = 0
        if twice > step.magnitude {
            adjust = sign
        } else if twice == step.magnitude {
            switch rule {
            case .halfUp: adjust = sign
            case .halfEven: adjust = quotient % 2 == 0 ? 0 : sign
            }
        }
        return Money(units: (quotient + adjust) * step)
    }

    /// The exact value with no trailing zeros: `"0.000597"`, `"12.5"`, `"3"`, `"-1.25"`.
    ///
    /// This is the form written to PostgreSQL `NUMERIC` columns and JSON.
    package var description: String {
        let magnitude = units.magnitude
        let whole = magnitude / UInt128(Self.unitsPerWhole)
        var fraction = magnitude % UInt128(Self.unitsPerWhole)
        var text = (units < 0 ? "-" : "") + String(whole)
        if fraction != 0 {
            var digits = Self.fractionDigits
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return text
    }

    /// The value rounded half-up to exactly `digits` places and padded: `formatted(fractionDigits: 2)`
    /// gives `"12.50"`.
    package func formatted(fractionDigits digits: Int) -> String {
        let rounded = self.rounded(toFractionDigits: digits)
        let magnitude = rounded.units.magnitude
        let whole = magnitude / UInt128(Self.unitsPerWhole)
        let fraction = magnitude % UInt128(Self.unitsPerWhole)
        var text = (rounded.units < 0 ? "-" : "") + String(whole)
        if digits > 0 {
            var scaled = fraction
            for _ in digits..<Self.fractionDigits { scaled /= 10 }
            let fractionText = String(scaled)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return text
    }
}
