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
    /// Rows whose reported usage could not be true: no tokens, no cost, off invoices until reviewed.
    package var invalidCalls: Int
    /// Calls whose outcome is unknown (Vigil stopped while they were in flight): estimated tokens,
    /// no cost unless an operator prices them in (`vigil prices reprice --unknown`).
    package var unknownCalls: Int

    package init(
        key: String, kind: String = "", late: Bool = false, calls: Int = 0, failedCalls: Int = 0, promptTokens: Int = 0,
        cachedTokens: Int = 0, completionTokens: Int = 0, thoughtsTokens: Int = 0, toolUseTokens: Int = 0,
        totalTokens: Int = 0, providerCost: Money = .zero, unpricedCalls: Int = 0, estimatedCalls: Int = 0,
        invalidCalls: Int = 0, unknownCalls: Int = 0
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
        self.invalidCalls = invalidCalls
        self.unknownCalls = unknownCalls
    }

    private enum CodingKeys: String, CodingKey {
        case key, kind, late, calls, failedCalls, promptTokens, cachedTokens, completionTokens, thoughtsTokens, toolUseTokens
        case totalTokens, providerCost, unpricedCalls, estimatedCalls, invalidCalls, unknownCalls
    }

    /// Decodes an aggregate, also one frozen in an invoice issued before ``invalidCalls`` and
    /// ``unknownCalls`` existed (it counts none).
    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            key: try values.decode(String.self, forKey: .key), kind: try values.decode(String.self, forKey: .kind),
            late: try values.decode(Bool.self, forKey: .late), calls: try values.decode(Int.self, forKey: .calls),
            failedCalls: try values.decode(Int.self, forKey: .failedCalls),
            promptTokens: try values.decode(Int.self, forKey: .promptTokens),
            cachedTokens: try values.decode(Int.self, forKey: .cachedTokens),
            completionTokens: try values.decode(Int.self, forKey: .completionTokens),
            thoughtsTokens: try values.decode(Int.self, forKey: .thoughtsTokens),
            toolUseTokens: try values.decode(Int.self, forKey: .toolUseTokens),
            totalTokens: try values.decode(Int.self, forKey: .totalTokens),
            providerCost: try values.decode(Money.self, forKey: .providerCost),
            unpricedCalls: try values.decode(Int.self, forKey: .unpricedCalls),
            estimatedCalls: try values.decode(Int.self, forKey: .estimatedCalls),
            invalidCalls: try values.decodeIfPresent(Int.self, forKey: .invalidCalls) ?? 0,
            unknownCalls: try values.decodeIfPresent(Int.self, forKey: .unknownCalls) ?? 0)
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
        sum.invalidCalls += rhs.invalidCalls
        sum.unknownCalls += rhs.unknownCalls
        return sum
    }
}
