package import VigilCore

/// A client's spend against its budget, and what follows for its calls.
package struct BudgetStanding: Sendable, Equatable {
    /// How the client's sources are sampled.
    package enum Sampling: Sendable, Equatable {
        /// Every interval.
        case normal
        /// `factor` times less often.
        case degraded(factor: Int)
        /// Not at all: the limit is reached and `at_limit` is `pause`.
        case paused
    }

    package var spent: Money
    package var limit: Money
    /// Spent / limit, in percent, for display and the metric (the crossings are decided exactly).
    package var percent: Double
    /// Every crossing the spend has reached, in order: `warn_50`, …, `degrade`, `limit`.
    package var crossings: [String]
    package var sampling: Sampling

    package init(spent: Money, budget: BudgetConfiguration) {
        self.spent = spent
        limit = budget.monthlyLimit
        percent = limit > .zero ? Double(spent.units) / Double(limit.units) * 100 : 0
        // spent × 100 ≥ limit × level, exactly in Money's units.
        func reached(_ level: Int) -> Bool { spent * 100 >= budget.monthlyLimit * level }
        var crossings = budget.warnAtPercent.filter(reached).map { "warn_\($0)" }
        if reached(budget.degradeAtPercent) { crossings.append("degrade") }
        let atLimit = spent >= budget.monthlyLimit
        if atLimit { crossings.append("limit") }
        self.crossings = crossings
        if atLimit && budget.atLimit == .pause {
            sampling = .paused
        } else if reached(budget.degradeAtPercent) || (atLimit && budget.atLimit == .degrade) {
            sampling = .degraded(factor: budget.degradeFactor)
        } else {
            sampling = .normal
        }
    }
}
