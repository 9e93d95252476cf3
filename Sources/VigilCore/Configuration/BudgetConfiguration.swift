/// A client's monthly budget (`clients[].budget`): a limit on the provider cost of its calls in its
/// calendar month (its `time_zone`), in the price book's currency (USD), with warnings before it,
/// sampling that slows down near it, and what happens at it.
package struct BudgetConfiguration: Sendable, Equatable {
    /// What Vigil does once the month's spend reaches the limit.
    package enum AtLimit: String, Sendable, CaseIterable {
        /// No more calls for the client until its month ends or the limit is raised (SIGHUP).
        case pause
        /// Stay degraded (sampled `degrade_factor` times less often) to the month's end.
        case degrade
        /// Keep calling as before the limit (degraded from `degrade_at_percent`, which may then be set
        /// above 100); the crossing is only recorded and logged.
        case `continue`
    }

    /// The month's limit (provider cost, USD).
    package var monthlyLimit: Money
    /// Percentages of the limit whose crossing is recorded and logged as a warning. Default 50, 80, 95.
    package var warnAtPercent: [Int]
    /// From this percentage on, the client's sources are sampled ``degradeFactor`` times less often.
    /// Default 90; 1 to 1,000 (above 100 only matters with `at_limit: continue`).
    package var degradeAtPercent: Int
    /// How much less often a degraded client's sources are sampled. Default 4.
    package var degradeFactor: Int
    package var atLimit: AtLimit

    package init(
        monthlyLimit: Money, warnAtPercent: [Int] = [50, 80, 95], degradeAtPercent: Int = 90, degradeFactor: Int = 4,
        atLimit: AtLimit = .pause
    ) {
        self.monthlyLimit = monthlyLimit
        self.warnAtPercent = warnAtPercent
        self.degradeAtPercent = degradeAtPercent
        self.degradeFactor = degradeFactor
        self.atLimit = atLimit
    }

    static let keys = ["monthly_limit", "warn_at_percent", "degrade_at_percent", "degrade_factor", "at_limit"]

    static func read(_ object: ConfigurationObject?) -> BudgetConfiguration? {
        guard let object else { return nil }
        let limit = object.money("monthly_limit")
        if limit == nil && !object.has("monthly_limit") {
            object.reader.report(
                object.path("monthly_limit"), line: object.line, "is missing",
                hint: "a budget needs its monthly limit in USD, such as \"monthly_limit\": \"150.00\"")
        }
        if let limit, limit <= .zero {
            object.reader.report(
                object.path("monthly_limit"), line: object.line("monthly_limit"), "must be more than 0",
                hint: "to stop a client's calls, disable its cameras; to have no limit, remove the budget")
        }
        var warnings = [50, 80, 95]
        if let nodes = object.array("warn_at_percent") {
            var read: [Int] = []
            for (index, node) in nodes.enumerated() {
                guard case .number(let text) = node.value, let value = Int(text), (1...100).contains(value) else {
                    object.reader.report(
                        object.path("warn_at_percent") + "[\(index)]", line: node.line, "must be a whole percentage from 1 to 100")
                    continue
                }
                read.append(value)
            }
            warnings = Array(Set(read)).sorted()
        }
        let degradeAt = object.integer("degrade_at_percent", in: 1...1000) ?? 90
        let factor = object.integer("degrade_factor", in: 2...1000) ?? 4
        let atLimit = object.choice("at_limit", from: AtLimit.allCases.map(\.rawValue)).flatMap(AtLimit.init) ?? .pause
        guard let limit, limit > .zero else { return nil }
        return BudgetConfiguration(
            monthlyLimit: limit, warnAtPercent: warnings, degradeAtPercent: degradeAt, degradeFactor: factor, atLimit: atLimit)
    }
}
