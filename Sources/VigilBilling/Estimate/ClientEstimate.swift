package import VigilCore

/// One client's forecast: its sources and their sums.
package struct ClientEstimate: Sendable, Equatable {
    /// The client's id in the configuration.
    package var id: String
    package var name: String
    package var sources: [SourceEstimate]

    package init(id: String, name: String, sources: [SourceEstimate]) {
        self.id = id
        self.name = name
        self.sources = sources
    }

    /// Calls of every source.
    package var callsPerMonth: MonthlyRate { sources.reduce(.zero) { $0 + $1.callsPerMonth } }
    /// Cost of every source.
    package var costPerMonth: Money { sources.reduce(.zero) { $0 + $1.costPerMonth } }
}
