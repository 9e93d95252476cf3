package import VigilCore

/// Samples the scene-change gate kept from Gemini (`scene_gate_hourly`): no call was made for them,
/// so they are never `api_usage` rows, and what they saved is an estimate.
package struct SkippedSamples: Sendable, Equatable {
    /// How many samples were skipped.
    package var count: Int
    /// What their calls would have cost, estimated by the daemon: each skip counts the mean cost of
    /// its source's recent calls at the time. Never billed, never part of a cost total.
    package var estimatedCostAvoided: Money

    package init(count: Int = 0, estimatedCostAvoided: Money = .zero) {
        self.count = count
        self.estimatedCostAvoided = estimatedCostAvoided
    }

    package static func + (lhs: SkippedSamples, rhs: SkippedSamples) -> SkippedSamples {
        SkippedSamples(count: lhs.count + rhs.count, estimatedCostAvoided: lhs.estimatedCostAvoided + rhs.estimatedCostAvoided)
    }
}
