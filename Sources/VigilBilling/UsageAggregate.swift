package import VigilCore

/// Usage rows added up: calls, tokens by kind, and exact provider cost.
package struct UsageAggregate: Sendable, Equatable, Codable {
    /// What the rows share: a model, a camera or group id, a day ...
    package var key: String
    /// `camera` or `group` for a per-source aggregate; empty otherwise.
    package var kind: String
    /// Rows of an earlier, already invoiced month that arrived after its invoice was issued.
    package var late: Bool
    package var calls: Int
    package var failedCalls: Int
    package var promptTokens: Int
    package var cachedTokens: Int
    package var completionTokens: Int
    package var thoughtsTokens: Int
    package var toolUseTokens: Int
    package var totalTokens: Int
    /// The exact sum of the priced rows' costs.
    package var providerCost: Money
    /// Rows with no price: their cost is unknown, not zero.
    package var unpricedCalls: Int
    /// Rows whose tokens are estimates (the response reported none).
    package var estimatedCalls: Int

    package init(
        key: String, kind: String = "", late: Bool = false, calls: Int = 0, failedCalls: Int = 0, promptTokens: Int = 0,
        cachedTokens: Int = 0, completionTokens: Int = 0, thoughtsTokens: Int = 0, toolUseTokens: Int = 0,
        totalTokens: Int = 0, providerCost: Money = .zero, unpricedCalls: Int = 0, estimatedCalls: Int = 0
    ) {
        self.key = key
        self.kind = kind
        self.late = late
        self.calls = calls
        self.failedCalls = failedCalls
        self.promptTokens = promptTokens
        self.cachedTokens = cachedTokens
        self.completionTokens = completionTokens
        self.thoughtsTokens = thoughtsTokens
        self.toolUseTokens = toolUseTokens
        self.totalTokens = totalTokens
        self.providerCost = providerCost
        self.unpricedCalls = unpricedCalls
        self.estimatedCalls = estimatedCalls
    }

    /// The sum of two aggregates (keeping this one's key).
    package static func + (lhs: UsageAggregate, rhs: UsageAggregate) -> UsageAggregate {
        var sum = lhs
        sum.calls += rhs.calls
        sum.failedCalls += rhs.failedCalls
        sum.promptTokens += rhs.promptTokens
        sum.cachedTokens += rhs.cachedTokens
        sum.completionTokens += rhs.completionTokens
        sum.thoughtsTokens += rhs.thoughtsTokens
        sum.toolUseTokens += rhs.toolUseTokens
        sum.totalTokens += rhs.totalTokens
        sum.providerCost += rhs.providerCost
        sum.unpricedCalls += rhs.unpricedCalls
        sum.estimatedCalls += rhs.estimatedCalls
        return sum
    }
}
