package import Foundation
package import VigilCore

/// Every model's effective-dated prices, for costing calls as they are made.
package struct PriceBook: Sendable, Equatable {
    package private(set) var prices: [ModelPrice]

    package init(prices: [ModelPrice]) {
        self.prices = prices.sorted { ($0.model, $0.tier.rawValue, $0.effectiveFrom) < ($1.model, $1.tier.rawValue, $1.effectiveFrom) }
    }

    /// The price of `model` at `tier` in effect at `date`: the latest whose `effectiveFrom` is not
    /// after it. A tier is never priced at another tier's rates.
    package func price(model: String, tier: ServiceTier = .standard, at date: Date) -> ModelPrice? {
        prices.last { $0.model == model && $0.tier == tier && $0.effectiveFrom <= date }
    }

    /// The cost of a call and the price used; nil when the model has no price at that tier and time,
    /// or the tier is not known (the call is then recorded unpriced, never as $0).
    package func cost(of usage: TokenUsage, model: String, tier: ServiceTier? = .standard, at date: Date) -> (cost: Money, priceID: Int)? {
        guard let tier, let price = price(model: model, tier: tier, at: date) else { return nil }
        return (price.cost(of: usage), price.id)
    }
}
