import Foundation

/// Reads the cluster's tables (`cluster_nodes`, `source_leases`) and the calls made twice
/// (`api_usage.lease_superseded`) for `vigil cluster status`, in one read-only snapshot, every age
/// and time left by the database's clock (the one leases are kept by).
package struct ClusterStatusQuery: Sendable {
    /// A source the configuration has: its id and kind (`camera` or `group`).
    package struct ConfiguredSource: Sendable, Equatable {
        package var id: String
        package var kind: String

        package init(id: String, kind: String) {
            self.id = id
            self.kind = kind
        }
    }

    let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// The status now. A node is live when its heartbeat is within `leaseSeconds`; `configured` (the
    /// configuration's sources, in order) lists every one of them, owned or not, then the sources
    /// with an unexpired lease the configuration no longer has; nil lists every lease row.
    package func status(configured: [ConfiguredSource]?, leaseSeconds: Double) async throws -> ClusterStatus {
        let lease = String(leaseSeconds)
        let (clock, nodeRows, leaseRows) = try await client.withConnection { connection in
            try connection.transaction { connection in
                // One snapshot, one now(): the nodes, leases and count agree with each other.
                _ = try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let clock = try connection.query(
                    """
                    SELECT (extract(epoch FROM now()) * 1000000)::bigint AS now,
                           (SELECT count(*) FROM api_usage WHERE lease_superseded AND "timestamp" >= now() - interval '24 hours') AS superseded
                    """
                ).first
                let nodes = try connection.query(
                    """
                    SELECT n.name, n.version, n.host, n.pid, n.sources_held AS reported,
                           (extract(epoch FROM n.started_at) * 1000000)::bigint AS started,
                           (extract(epoch FROM n.heartbeat_at) * 1000000)::bigint AS heartbeat,
                           (extract(epoch FROM n.stopped_at) * 1000000)::bigint AS stopped,
                           extract(epoch FROM now() - n.heartbeat_at)::float8 AS ago,
                           CASE WHEN n.stopped_at IS NOT NULL THEN 'stopped'
                                WHEN n.heartbeat_at > now() - $1::float8 * interval '1 second' THEN 'live'
                                ELSE 'silent' END AS state,
                           (SELECT count(*) FROM source_leases l WHERE l.node = n.name AND l.expires_at > now()) AS held
                    FROM cluster_nodes n ORDER BY n.name
                    """, [lease]
                ).rows
                let leases = try connection.query(
                    """
                    SELECT source_id, node, epoch, (extract(epoch FROM expires_at) * 1000000)::bigint AS expires,
                           extract(epoch FROM expires_at - now())::float8 AS seconds_left, expires_at > now() AS held
                    FROM source_leases ORDER BY source_id
                    """
                ).rows
                return (clock, nodes, leases)
            }
        }
        let nodes = nodeRows.map { row in
            ClusterNodeStatus(
                name: row.string("name") ?? "", state: row.string("state").flatMap(ClusterNodeStatus.State.init) ?? .silent,
                lastHeartbeat: row.date("heartbeat") ?? Date(timeIntervalSince1970: 0),
                secondsSinceHeartbeat: row.string("ago").flatMap(Double.init) ?? 0, sourcesHeld: row.int("held") ?? 0,
                sourcesReported: row.int("reported") ?? 0, version: row.string("version"), host: row.string("host"), pid: row.int("pid"),
                startedAt: row.date("started") ?? Date(timeIntervalSince1970: 0), stoppedAt: row.date("stopped"))
        }
        let states = Dictionary(nodes.map { ($0.name, $0.state) }, uniquingKeysWith: { first, _ in first })
        var leases: [String: ClusterSourceStatus] = [:]
        var leaseOrder: [String] = []
        for row in leaseRows {
            guard let source = row.string("source_id") else { continue }
            let node = row.string("node")
            let held = row.bool("held") == true
            leases[source] = ClusterSourceStatus(
                source: source, owner: held ? node : nil, ownerState: held ? node.flatMap { states[$0] } : nil,
                epoch: row.string("epoch").flatMap(Int64.init), lastNode: node, expiresAt: row.date("expires"),
                secondsLeft: held ? row.string("seconds_left").flatMap(Double.init) : nil)
            leaseOrder.append(source)
        }
        var sources: [ClusterSourceStatus] = []
        if let configured {
            var seen: Set<String> = []
            for item in configured where seen.insert(item.id).inserted {
                var status = leases[item.id] ?? ClusterSourceStatus(source: item.id)
                status.kind = item.kind
                status.configured = true
                sources.append(status)
            }
            // Leased, but no longer configured: its owner still holds it until it sheds or the lease ends.
            for source in leaseOrder where !seen.contains(source) {
                guard var status = leases[source], !status.isUnowned else { continue }
                status.configured = false
                sources.append(status)
            }
        } else {
            sources = leaseOrder.compactMap { leases[$0] }
        }
        return ClusterStatus(
            databaseTime: clock?.date("now") ?? Date(), leaseSeconds: leaseSeconds, nodes: nodes, sources: sources,
            supersededLastDay: clock?.int("superseded") ?? 0)
    }
}
