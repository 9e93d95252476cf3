/// Why a forecast cannot be made.
package struct EstimateError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case unpriced(model: String)
    }

    private let code: Code

    /// The model has no price in effect now: a forecast at $0 would be a lie.
    package static func unpriced(model: String) -> EstimateError { EstimateError(code: .unpriced(model: model)) }

    /// The model without a price, when that is the problem.
    package var unpricedModel: String? {
        switch code {
        case .unpriced(let model): model
        }
    }

    package var description: String {
        switch code {
        case .unpriced(let model):
            "gemini.model \(model) has no price in effect today in the price book, so its cost cannot be forecast "
                + "(it is unknown, not $0): add one with vigil prices set --model \(model) --from YYYY-MM-DD --input … --output …, "
                + "or choose a priced model (vigil prices list)"
        }
    }
}
