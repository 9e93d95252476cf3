/// Several daemons sharing the analysis sources of one configuration through PostgreSQL (`cluster`).
///
/// Off by default: one daemon analyses every source, exactly as without the section. On, each
/// `vigil run` is a node (`--node NAME`, default the host name) that heartbeats in `cluster_nodes`
/// and analyses only the sources it holds a lease on (`source_leases`): at most its fair share
/// (sources ÷ live nodes, rounded up, and never more than ``maxSources``), renewed every third of
/// ``leaseSeconds``, released at shutdown, and taken over by the others within a lease when it dies.
package struct ClusterConfiguration: Sendable, Equatable {
    package var enabled: Bool
    /// How long a lease lasts without renewal (the database's clock). Default 15.
    package var leaseSeconds: Double
    /// The most sources one node holds, whatever its fair share; nil: no cap.
    package var maxSources: Int?

    package init(enabled: Bool = false, leaseSeconds: Double = 15, maxSources: Int? = nil) {
        self.enabled = enabled
        self.leaseSeconds = leaseSeconds
        self.maxSources = maxSources
    }

    /// How often a node renews its leases and heartbeats: a third of a lease.
    package var renewInterval: Double { leaseSeconds / 3 }

    static let keys = ["enabled", "lease_seconds", "max_sources"]

    static func read(_ object: ConfigurationObject?) -> ClusterConfiguration {
        var result = ClusterConfiguration()
        guard let object else { return result }
        if let enabled = object.bool("enabled") { result.enabled = enabled }
        if let seconds = object.seconds("lease_seconds", in: 3...600) { result.leaseSeconds = seconds }
        if let most = object.integer("max_sources", in: 1...100_000) { result.maxSources = most }
        return result
    }
}
