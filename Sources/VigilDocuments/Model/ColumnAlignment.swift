/// Where text sits in a table column, for left-to-right text.
package enum ColumnAlignment: Sendable, Equatable {
    /// Against the left edge: descriptions, names.
    case leading
    /// Centred: short codes, units.
    case center
    /// Against the right edge: amounts, quantities, rates.
    case trailing
}
