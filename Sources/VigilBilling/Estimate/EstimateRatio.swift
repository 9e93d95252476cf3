/// A proportion between 0 and 10 (a skip rate, a failure rate, attempts per sample), carried as a
/// whole number of billionths so the forecast multiplies money by integers only.
package struct EstimateRatio: Sendable, Equatable, Comparable {
    /// One billion: the ratio 1.
    package static let billion: Int128 = 1_000_000_000

    /// The ratio in billionths: 250,000,000 is 0.25.
    package var partsPerBillion: Int128

    package init(partsPerBillion: Int128) { self.partsPerBillion = partsPerBillion }

    /// `part / whole`, rounded half up to a billionth; 0 when `whole` is 0 or less.
    package init(_ part: Int, of whole: Int) {
        guard whole > 0 else {
            self.partsPerBillion = 0
            return
        }
        partsPerBillion = (Int128(part) * Self.billion * 2 + Int128(whole)) / (Int128(whole) * 2)
    }

    package static let zero = EstimateRatio(partsPerBillion: 0)
    package static let one = EstimateRatio(partsPerBillion: billion)

    package static func < (left: EstimateRatio, right: EstimateRatio) -> Bool { left.partsPerBillion < right.partsPerBillion }

    /// `1 − self`, never below 0.
    package var complement: EstimateRatio { EstimateRatio(partsPerBillion: max(0, Self.billion - partsPerBillion)) }

    /// The product of two ratios, rounded half up to a billionth.
    package static func * (left: EstimateRatio, right: EstimateRatio) -> EstimateRatio {
        EstimateRatio(partsPerBillion: (left.partsPerBillion * right.partsPerBillion * 2 + billion) / (billion * 2))
    }

    /// Expected attempts of one analysis when each attempt fails with probability `self` and a failed
    /// one is tried again, up to `maxAttempts` in all: 1 + p + p² + … + p^(maxAttempts − 1).
    package func attemptsPerAnalysis(maxAttempts: Int) -> EstimateRatio {
        var sum = EstimateRatio.zero
        var term = EstimateRatio.one
        for _ in 0..<max(1, maxAttempts) {
            sum.partsPerBillion += term.partsPerBillion
            term = term * self
        }
        return sum
    }

    /// The ratio rounded half up to `digits` places (0...9), trailing zeros dropped: `0.25`, `1`.
    package func formatted(fractionDigits digits: Int) -> String {
        var divisor: Int128 = 1
        for _ in 0..<(9 - min(max(digits, 0), 9)) { divisor *= 10 }
        let scaled = (partsPerBillion * 2 + divisor) / (divisor * 2)
        return Self.decimal(scaled, scale: Self.billion / divisor)
    }

    /// `value / scale` (scale a power of ten) as a plain decimal without trailing zeros.
    static func decimal(_ value: Int128, scale: Int128) -> String {
        let negative = value < 0
        let magnitude = value.magnitude
        let whole = magnitude / UInt128(scale)
        var fraction = magnitude % UInt128(scale)
        var text = (negative ? "-" : "") + String(whole)
        guard fraction != 0 else { return text }
        var digits = String(UInt128(scale)).count - 1
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let fractionText = String(fraction)
        text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        return text
    }
}
