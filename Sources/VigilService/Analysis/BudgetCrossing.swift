/// A client's month crossing a level of its budget, as recorded in `budget_events`: amounts as
/// their exact decimal text (USD, the provider's cost).
package struct BudgetCrossing: Sendable, Equatable {
    package var client: String
    /// `2026-11`.
    package var month: String
    /// `warn_80`, `degrade`, `limit`, `resume`, as in `budget_events.event`.
    package var event: String
    package var spent: String
    package var limit: String
}
