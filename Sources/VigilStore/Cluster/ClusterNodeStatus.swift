package import Foundation

/// One node of the cluster (a `cluster_nodes` row) as `vigil cluster status` shows it. Its text
/// (name, version, host) is not escaped: showing it safely is the caller's job.
package struct ClusterNodeStatus: Sendable, Equatable, Encodable {
    /// Whether a node runs, by its row: `live` (its heartbeat is within a lease), `stopped` (it left
    /// the cluster at shutdown), `silent` (no heartbeat for a lease: killed, hung or cut off).
    package enum State: String, Sendable, Equatable, Encodable {
        case live, stopped, silent
    }

    package var name: String
    package var state: State
    package var lastHeartbeat: Date
    /// Seconds since the last heartbeat, by the database's clock.
    package var secondsSinceHeartbeat: Double
    /// Sources whose lease it holds now (unexpired rows of `source_leases` naming it).
    package var sourcesHeld: Int
    /// What it reported at its last heartbeat (`cluster_nodes.sources_held`).
    package var sourcesReported: Int
    package var version: String?
    package var host: String?
    package var pid: Int?
    package var startedAt: Date
    /// When it left the cluster; nil unless stopped.
    package var stoppedAt: Date?

    package init(
        name: String, state: State, lastHeartbeat: Date, secondsSinceHeartbeat: Double, sourcesHeld: Int, sourcesReported: Int,
        version: String?, host: String?, pid: Int?, startedAt: Date, stoppedAt: Date?
    ) {
        self.name = name
        self.state = state
        self.lastHeartbeat = lastHeartbeat
        self.secondsSinceHeartbeat = secondsSinceHeartbeat
        self.sourcesHeld = sourcesHeld
        self.sourcesReported = sourcesReported
        self.version = version
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.stoppedAt = stoppedAt
    }

    enum CodingKeys: String, CodingKey {
        case name, state, version, host, pid
        case lastHeartbeat = "last_heartbeat"
        case secondsSinceHeartbeat = "seconds_since_heartbeat"
        case sourcesHeld = "sources_held"
        case sourcesReported = "sources_reported"
        case startedAt = "started_at"
        case stoppedAt = "stopped_at"
    }

    /// Snake-case keys; an absent value is written as `null`, not left out.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(state, forKey: .state)
        try container.encode(lastHeartbeat, forKey: .lastHeartbeat)
        try container.encode(ClusterStatus.rounded(secondsSinceHeartbeat), forKey: .secondsSinceHeartbeat)
        try container.encode(sourcesHeld, forKey: .sourcesHeld)
        try container.encode(sourcesReported, forKey: .sourcesReported)
        try container.encode(version, forKey: .version)
        try container.encode(host, forKey: .host)
        try container.encode(pid, forKey: .pid)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(stoppedAt, forKey: .stoppedAt)
    }
}
