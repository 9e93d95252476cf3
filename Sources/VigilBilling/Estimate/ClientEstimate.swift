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
    /// Cost of every priced source (an unpriced one's is unknown and not in it).
    package var costPerMonth: Money { sources.reduce(.zero) { $0 + ($1.isUnpriced ? .zero : $1.costPerMonth) } }
    /// Sources whose tier has no price.
    package var unpricedSources: Int { sources.filter(\.isUnpriced).count }
}
