package import Foundation
import VigilCore

/// The cluster's tables: nodes' heartbeats (`cluster_nodes`) and leases on analysis sources
/// (`source_leases`, with every epoch in `source_lease_epochs`). Every time is the database's clock,
/// so nodes whose clocks disagree still agree on when a lease ends.
package struct LeaseRepository: Sendable {
    /// One lease held: its source and epoch (the fencing token its rows carry).
    package struct Lease: Sendable, Equatable {
        package var source: String
        package var epoch: Int64
        /// Seconds to wait before the first call (a claim only): until an interval has passed since
        /// the previous owner's last possible call.
        package var wait: Double = 0
    }

    /// A node that is running with the same name.
    package struct NameInUse: Error, CustomStringConvertible {
        package var node: String
        package var description: String {
            "another live node is named \(node.escapingControlCharacters()) (its heartbeat is recent): give this one another --node, or stop the other"
        }
    }

    let client: DatabaseClient
    package let node: String
    package let instance: UUID
    /// Seconds a lease lasts without renewal.
    package let leaseSeconds: Double

    package init(client: DatabaseClient, node: String, instance: UUID = UUID(), leaseSeconds: Double) {
        self.client = client
        self.node = node
        self.instance = instance
        self.leaseSeconds = leaseSeconds
    }

    /// Registers this run of the node; throws ``NameInUse`` while another run of the same name
    /// heartbeats (stopped, or silent for a lease, it is replaced).
    package func register(version: String, host: String, pid: Int) async throws {
        let (node, instance, lease) = (self.node, instance.uuidString.lowercased(), Int(leaseSeconds.rounded(.up)))
        let taken = try await client.withConnection { connection in
            try connection.query(
                """
                INSERT INTO cluster_nodes (name, instance_id, started_at, heartbeat_at, version, host, pid)
                VALUES ($1, $2::uuid, now(), now(), $3, $4, $5)
                ON CONFLICT (name) DO UPDATE SET instance_id = EXCLUDED.instance_id, started_at = now(), heartbeat_at = now(),
                    stopped_at = NULL, version = EXCLUDED.version, host = EXCLUDED.host, pid = EXCLUDED.pid, sources_held = 0
                WHERE cluster_nodes.stopped_at IS NOT NULL OR cluster_nodes.heartbeat_at < now() - $6 * interval '1 second'
                RETURNING name
                """, [node, instance, version, host, pid, lease]
            ).rows.isEmpty
        }
        if taken { throw NameInUse(node: node) }
    }

    /// Heartbeats with the number of sources held; returns the live nodes (heartbeat within
    /// `liveWithin` seconds, not stopped), nil when another run has taken this node's name.
    package func heartbeat(held: Int, liveWithin: Double) async throws -> Int? {
        let (node, instance, lease) = (self.node, instance.uuidString.lowercased(), liveWithin)
        return try await client.withConnection { connection in
            let row = try connection.query(
                """
                WITH me AS (
                    UPDATE cluster_nodes SET heartbeat_at = now(), sources_held = $3
                    WHERE name = $1 AND instance_id = $2::uuid AND stopped_at IS NULL RETURNING name
                )
                SELECT (SELECT count(*) FROM me) AS me,
                       (SELECT count(*) FROM cluster_nodes WHERE stopped_at IS NULL AND (name IN (SELECT name FROM me)
                            OR heartbeat_at > now() - $4 * interval '1 second')) AS live
                """, [node, instance, held, String(lease)]
            ).first
            guard row?.int("me") == 1 else { return nil }
            return row?.int("live")
        }
    }

    /// Renews the leases on `sources` this run still holds (not expired); returns those renewed.
    package func renew(_ sources: [String]) async throws -> [Lease] {
        guard !sources.isEmpty else { return [] }
        let (node, instance, lease) = (self.node, instance.uuidString.lowercased(), leaseSeconds)
        return try await client.withConnection { connection in
            try connection.query(
                """
                UPDATE source_leases SET renewed_at = now(), expires_at = now() + $4 * interval '1 second'
                WHERE node = $1 AND instance_id = $2::uuid AND source_id = ANY($3::text[]) AND expires_at > now()
                RETURNING source_id, epoch
                """, [node, instance, ConfigurationSync.array(sources), String(lease)]
            ).rows.compactMap { row in
                guard let source = row.string("source_id"), let epoch = row.string("epoch").flatMap(Int64.init) else { return nil }
                return Lease(source: source, epoch: epoch)
            }
        }
    }

    /// The sources whose lease is held (not expired) by another node or run, by source.
    package func ownedElsewhere() async throws -> Set<String> {
        let (node, instance) = (self.node, instance.uuidString.lowercased())
        return try await client.withConnection { connection in
            Set(
                try connection.query(
                    "SELECT source_id FROM source_leases WHERE expires_at > now() AND NOT (node = $1 AND instance_id = $2::uuid)",
                    [node, instance]
                ).rows.compactMap { $0.string("source_id") })
        }
    }

    /// Tries to take `source` (free, or its lease expired): a new epoch, recorded with when it
    /// began. Nil when another node holds it.
    ///
    /// The previous owner called for the last time before it released the lease, or, if it never
    /// did (killed, cut off), at least `safetyMargin` before the lease expired; the claim's
    /// ``Lease/wait`` makes the first call come an `interval` after that, so no interval is
    /// analysed by two nodes.
    package func claim(_ source: String, interval: Double, safetyMargin: Double) async throws -> Lease? {
        let (node, instance, lease) = (self.node, instance.uuidString.lowercased(), leaseSeconds)
        return try await client.withConnection { connection in
            try connection.transaction { connection in
                let previous = try connection.query(
                    """
                    SELECT greatest(0, extract(epoch FROM
                        coalesce(released_at, expires_at - $2 * interval '1 second') + $3 * interval '1 second' - now()))::text AS wait
                    FROM source_leases WHERE source_id = $1 FOR UPDATE
                    """, [source, String(safetyMargin), String(interval)]
                ).first
                guard
                    let row = try connection.query(
                        """
                        INSERT INTO source_leases (source_id, node, instance_id, epoch, acquired_at, renewed_at, expires_at)
                        VALUES ($1, $2, $3::uuid, coalesce((SELECT max(epoch) FROM source_lease_epochs WHERE source_id = $1), 0) + 1,
                                now(), now(), now() + $4 * interval '1 second')
                        ON CONFLICT (source_id) DO UPDATE SET node = EXCLUDED.node, instance_id = EXCLUDED.instance_id,
                            epoch = source_leases.epoch + 1, acquired_at = now(), renewed_at = now(), expires_at = EXCLUDED.expires_at,
                            released_at = NULL
                        WHERE source_leases.expires_at <= now()
                        RETURNING source_id, epoch
                        """, [source, node, instance, String(lease)]
                    ).first, let epoch = row.string("epoch").flatMap(Int64.init)
                else { return nil }
                _ = try connection.query(
                    "INSERT INTO source_lease_epochs (source_id, epoch, node, started_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING",
                    [source, epoch, node])
                return Lease(source: source, epoch: epoch, wait: previous?.string("wait").flatMap(Double.init) ?? 0)
            }
        }
    }

    /// Ends this run's leases on `sources` now, so another node may take them at once.
    package func release(_ sources: [String]) async throws {
        guard !sources.isEmpty else { return }
        let (node, instance) = (self.node, instance.uuidString.lowercased())
        _ = try await client.withConnection { connection in
            try connection.query(
                """
                UPDATE source_leases SET expires_at = now(), released_at = now()
                WHERE node = $1 AND instance_id = $2::uuid AND source_id = ANY($3::text[]) AND expires_at > now()
                """,
                [node, instance, ConfigurationSync.array(sources)])
        }
    }

    /// Ends every lease of this run and marks the node stopped.
    package func leave() async throws {
        let (node, instance) = (self.node, instance.uuidString.lowercased())
        _ = try await client.withConnection { connection in
            try connection.transaction { connection in
                _ = try connection.query(
                    "UPDATE source_leases SET expires_at = now(), released_at = now() WHERE node = $1 AND instance_id = $2::uuid AND expires_at > now()",
                    [node, instance])
                _ = try connection.query(
                    "UPDATE cluster_nodes SET stopped_at = now(), sources_held = 0 WHERE name = $1 AND instance_id = $2::uuid",
                    [node, instance])
            }
        }
    }
}
