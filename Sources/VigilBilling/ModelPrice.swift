package import Foundation
package import VigilCore

/// A model's prices from a date on, in USD per million tokens (a `model_prices` row).
package struct ModelPrice: Sendable, Equatable {
    package var id: Int
    package var model: String
    /// The service tier these rates are for (`model_prices.tier`).
    package var tier: ServiceTier
    /// The first instant the price applies.
    package var effectiveFrom: Date
    package var inputPerMillion: Money
    package var outputPerMillion: Money
    /// Nil when the model has no cached rate: cached tokens are then billed at the input rate.
    package var cachedPerMillion: Money?
    /// Prompts above this many tokens are billed at the long-context prices, the whole request.
    package var longContextThreshold: Int?
    package var inputLongPerMillion: Money?
    package var outputLongPerMillion: Money?
    package var cachedLongPerMillion: Money?

    package init(
        id: Int, model: String, effectiveFrom: Date, inputPerMillion: Money, outputPerMillion: Money,
        cachedPerMillion: Money? = nil, longContextThreshold: Int? = nil, inputLongPerMillion: Money? = nil,
        outputLongPerMillion: Money? = nil, cachedLongPerMillion: Money? = nil, tier: ServiceTier = .standard
    ) {
        self.id = id
        self.model = model
        self.tier = tier
        self.effectiveFrom = effectiveFrom
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.cachedPerMillion = cachedPerMillion
        self.longContextThreshold = longContextThreshold
        self.inputLongPerMillion = inputLongPerMillion
        self.outputLongPerMillion = outputLongPerMillion
        self.cachedLongPerMillion = cachedLongPerMillion
    }

    /// The exact provider cost of a call with `usage` at these prices:
    /// (prompt − cached + tool-use) × input + cached × cached-input + (candidates + thoughts) × output,
    /// per million tokens; above the threshold every rate is the long-context one. Exact as long as
    /// prices have at most 9 decimals (``PriceBook`` refuses others), and equal to the database's
    /// `vigil_call_cost` to the last digit.
    package func cost(of usage: TokenUsage) -> Money {
        let long = longContextThreshold.map { usage.promptTokens > $0 } ?? false
        let input = long ? (inputLongPerMillion ?? inputPerMillion) : inputPerMillion
        let cached =
            long
            ? (cachedLongPerMillion ?? cachedPerMillion ?? inputLongPerMillion ?? inputPerMillion)
            : (cachedPerMillion ?? inputPerMillion)
        let output = long ? (outputLongPerMillion ?? outputPerMillion) : outputPerMillion
        let total =
            Int128(usage.inputBilledTokens) * input.units + Int128(usage.cachedBilledTokens) * cached.units
            + Int128(usage.outputBilledTokens) * output.units
        return Money(units: 0).adding(scaled: total, divisor: 1_000_000)
    }

    /// Whether every price has at most 9 decimals, so costs are exact at 15.
    package var isExactlyRepresentable: Bool {
        [inputPerMillion, outputPerMillion, cachedPerMillion, inputLongPerMillion, outputLongPerMillion, cachedLongPerMillion]
            .compactMap { $0 }.allSatisfy { $0.units % 1_000_000 == 0 }
    }
}

extension Money {
    /// `self + units / divisor`, rounded half away from zero at 15 places (exact when divisible).
    func adding(scaled units: Int128, divisor: Int128) -> Money {
        self + Money(units: units).scaled(by: 1, over: divisor)
    }
}
