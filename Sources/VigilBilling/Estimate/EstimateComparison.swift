package import VigilCore

/// What the same cameras would cost arranged another way: every camera alone, or every client's
/// cameras tiled in fours.
package struct EstimateComparison: Sendable, Equatable {
    /// Calls each interval (sources).
    package var sources: Int
    /// Cameras shown.
    package var cameras: Int
    package var callsPerMonth: MonthlyRate
    package var costPerMonth: Money

    package init(sources: Int, cameras: Int, callsPerMonth: MonthlyRate, costPerMonth: Money) {
        self.sources = sources
        self.cameras = cameras
        self.callsPerMonth = callsPerMonth
        self.costPerMonth = costPerMonth
    }

    /// The sums of `sources`.
    package init(_ sources: [SourceEstimate]) {
        self.init(
            sources: sources.count, cameras: sources.reduce(0) { $0 + $1.cameras.count },
            callsPerMonth: sources.reduce(.zero) { $0 + $1.callsPerMonth }, costPerMonth: sources.reduce(.zero) { $0 + $1.costPerMonth })
    }
}
