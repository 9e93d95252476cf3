package import Foundation

/// The cluster as its tables show it at one instant of the database's clock: nodes, every source
/// with its lease, and the calls made twice (``supersededLastDay``). Built by ``ClusterStatusQuery``.
package struct ClusterStatus: Sendable, Equatable, Encodable {
    /// The database's `now()`: every age and time left is measured from it.
    package var databaseTime: Date
    /// The lease length a node's heartbeat is judged by (live within it).
    package var leaseSeconds: Double
    /// By name.
    package var nodes: [ClusterNodeStatus]
    /// Configured sources in the configuration's order, then leased sources no longer configured
    /// (or, with no configuration, every source with a lease row), by id.
    package var sources: [ClusterSourceStatus]
    /// `api_usage` rows marked `lease_superseded` in the last 24 hours: calls made under a lease a
    /// newer owner already held (an analysis made twice). Should be 0.
    package var supersededLastDay: Int

    package init(
        databaseTime: Date, leaseSeconds: Double, nodes: [ClusterNodeStatus], sources: [ClusterSourceStatus], supersededLastDay: Int
    ) {
        self.databaseTime = databaseTime
        self.leaseSeconds = leaseSeconds
        self.nodes = nodes
        self.sources = sources
        self.supersededLastDay = supersededLastDay
    }

    /// The sources no node holds, in ``sources``' order.
    package var unowned: [String] { sources.filter(\.isUnowned).map(\.source) }

    enum CodingKeys: String, CodingKey {
        case nodes, sources, unowned
        case databaseTime = "database_time"
        case leaseSeconds = "lease_seconds"
        case supersededLastDay = "lease_superseded_last_24h"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(databaseTime, forKey: .databaseTime)
        try container.encode(leaseSeconds, forKey: .leaseSeconds)
        try container.encode(nodes, forKey: .nodes)
        try container.encode(sources, forKey: .sources)
        try container.encode(unowned, forKey: .unowned)
        try container.encode(supersededLastDay, forKey: .supersededLastDay)
    }

    /// Seconds to the millisecond, for JSON (no float noise like 4.999999999).
    static func rounded(_ seconds: Double) -> Double {
        (seconds * 1000).rounded() / 1000
    }
}
