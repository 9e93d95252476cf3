import Foundation
package import VigilCore

/// One cell of a CSV file Vigil writes, text or number, said where the cell is made.
///
/// Text is what came from data (a name, an id, a model, a description, an error): ``written``
/// prefixes it with `'` when it begins with `=`, `+`, `-`, `@`, a tab or a carriage return
/// (OWASP's rule against CSV injection), so a spreadsheet shows it instead of evaluating it. A number
/// is one Vigil formatted itself, from an `Int`, a `Money` or a `Double`, and is written as it is,
/// a leading minus included, so a spreadsheet reads it as a number. Either is quoted per RFC 4180
/// when it holds a comma, a double quote, a carriage return or a line feed.
package struct CSVField: Sendable, Equatable {
    private let value: String
    private let isText: Bool

    private init(value: String, isText: Bool) {
        self.value = value
        self.isText = isText
    }

    /// Text from data, or a label: prefixed with `'` if a spreadsheet would take it for a formula.
    package static func text(_ text: some StringProtocol) -> CSVField { CSVField(value: String(text), isText: true) }

    /// A count, written in full: `-12`.
    package static func number(_ number: Int) -> CSVField { CSVField(value: String(number), isText: false) }

    /// An exact amount with no trailing zeros: `-0.05`, `0.000597` (``Money/description``).
    package static func number(_ amount: Money) -> CSVField { CSVField(value: amount.description, isText: false) }

    /// An amount rounded half-up to `fractionDigits` places and padded: `-0.05`, `12.50`.
    package static func number(_ amount: Money, fractionDigits: Int) -> CSVField {
        CSVField(value: amount.formatted(fractionDigits: fractionDigits), isText: false)
    }

    /// A measurement rounded to `fractionDigits` places: `1500.0`.
    package static func number(_ number: Double, fractionDigits: Int) -> CSVField {
        CSVField(value: String(format: "%.\(fractionDigits)f", number), isText: false)
    }

    /// An empty cell: a value that does not apply to the row.
    package static let empty = CSVField(value: "", isText: false)

    /// The cell as it appears in the file: text that starts like a formula gets its `'`, then any
    /// cell holding `,`, `"`, CR or LF is put in double quotes with its quotes doubled.
    package var written: String {
        var cell = value
        if isText, let first = cell.unicodeScalars.first, Self.formulaStarts.contains(first) { cell = "'" + cell }
        guard cell.unicodeScalars.contains(where: Self.needsQuotes.contains) else { return cell }
        return "\"" + cell.replacingAll("\"", with: "\"\"") + "\""
    }

    /// First characters that make a spreadsheet evaluate a cell: `=`, `+`, `-`, `@`, tab, CR.
    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// Characters that need the cell quoted (RFC 4180).
    private static let needsQuotes: Set<Unicode.Scalar> = [",", "\"", "\r", "\n"]
}
