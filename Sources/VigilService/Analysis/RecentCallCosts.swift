package import VigilCore

/// The last 20 call costs of each source, and their mean: what a skipped sample avoided (the scene
/// gate) and what a call is expected to cost (the budget's reservation). A pure value.
package struct RecentCallCosts: Sendable {
    private var costs: [String: [Money]] = [:]

    package init() {}

    /// Adds a call's cost (nil or negative counts nothing).
    package mutating func add(_ cost: Money?, source: String) {
        guard let cost, cost >= .zero else { return }
        var recent = costs[source] ?? []
        recent.append(cost)
        if recent.count > 20 { recent.removeFirst(recent.count - 20) }
        costs[source] = recent
    }

    /// The mean of the source's recent costs; nil before its first priced call.
    package func mean(_ source: String) -> Money? {
        guard let recent = costs[source], !recent.isEmpty else { return nil }
        return recent.reduce(Money.zero, +).scaled(by: 1, over: Int128(recent.count))
    }

    /// Forgets sources not in `sources`.
    package mutating func keep(_ sources: Set<String>) {
        costs = costs.filter { sources.contains($0.key) }
    }
}
