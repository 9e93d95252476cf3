package import VigilCore

/// What the same cameras would cost arranged another way: every camera alone, or every client's
/// cameras tiled in fours.
package struct EstimateComparison: Sendable, Equatable {
    /// Calls each interval (sources).
    package var sources: Int
    /// Cameras shown.
    package var cameras: Int
    package var callsPerMonth: MonthlyRate
    /// The cost of the priced sources.
    package var costPerMonth: Money
    /// Sources whose tier has no price: their cost is unknown and not in ``costPerMonth``.
    package var unpricedSources: Int

    package init(sources: Int, cameras: Int, callsPerMonth: MonthlyRate, costPerMonth: Money, unpricedSources: Int = 0) {
        self.sources = sources
        self.cameras = cameras
        self.callsPerMonth = callsPerMonth
        self.costPerMonth = costPerMonth
        self.unpricedSources = unpricedSources
    }

    /// The sums of `sources` (the cost of the priced ones).
    package init(_ sources: [SourceEstimate]) {
        self.init(
            sources: sources.count, cameras: sources.reduce(0) { $0 + $1.cameras.count },
            callsPerMonth: sources.reduce(.zero) { $0 + $1.callsPerMonth },
            costPerMonth: sources.reduce(.zero) { $0 + ($1.isUnpriced ? .zero : $1.costPerMonth) },
            unpricedSources: sources.filter(\.isUnpriced).count)
    }
}
