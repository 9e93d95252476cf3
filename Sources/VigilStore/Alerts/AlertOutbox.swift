package import Foundation
package import Logging
package import VigilCore

/// Alerts between being raised and being delivered: a spool on disk, then the `alerts` and
/// `alert_deliveries` tables.
///
/// ``enqueue(_:channels:)`` makes an alert durable before anything is attempted: a JSON file in
/// `<spool>/alerts/`, fsync'd and renamed into place (``OutboxEntry``). ``flush()`` moves spooled
/// alerts into PostgreSQL (alert and deliveries in one transaction, `ON CONFLICT DO NOTHING`, so a
/// file whose commit was not followed by its removal is harmless) and removes their files. While
/// PostgreSQL is unreachable the spool is the outbox: ``spooledDue(now:)`` hands out its due
/// deliveries and ``record(_:attempt:)`` rewrites their file, so incidents still reach people.
/// Once in PostgreSQL a delivery is claimed with ``claimDue(now:limit:lease:)`` (`FOR UPDATE SKIP
/// LOCKED`, moving its due time past the lease), so two daemons never send one at the same time, and
/// a sender killed mid-attempt leaves it to be tried again when the lease runs out: at least once.
///
/// Blocking work (files, libpq) runs on the outbox's own thread and the database client's.
package final class AlertOutbox: Sendable {
    /// `<spool>/alerts`.
    package let directory: String
    /// Who raises the alerts (the host name, or `vigil run --node`).
    package let node: String
    private let client: DatabaseClient?
    private let files: WorkerPool
    private let spooled = LockedEntries()
    private let logger: Logger

    /// - Parameters:
    ///   - spoolDirectory: the usage spool's folder; alerts go in its `alerts` subfolder.
    ///   - client: nil for an outbox that only spools (no database configured).
    package init(spoolDirectory: String, node: String, client: DatabaseClient?, logger: Logger) {
        directory = (spoolDirectory as NSString).appendingPathComponent("alerts")
        self.node = node
        self.client = client
        self.logger = logger
        files = WorkerPool(name: "vigil-outbox", threads: 1)
    }

    deinit {
        files.shutdown()
    }

    /// Loads the alerts a previous run left spooled. A file that cannot be read as an alert is
    /// renamed `.rejected` and logged, never deleted. The folder is made when an alert is first
    /// spooled.
    package func open() async throws {
        let directory = self.directory
        let (loaded, rejected): ([OutboxEntry], [String]) = try await files.run { _ in
            var entries: [OutboxEntry] = []
            var rejected: [String] = []
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() {
                let path = directory + "/" + name
                if name.hasSuffix(".alert.tmp") {
                    unlink(path)
                    continue
                }
                guard name.hasSuffix(".alert") else { continue }
                if let data = FileManager.default.contents(atPath: path), let entry = OutboxEntry(decoding: Array(data)) {
                    entries.append(entry)
                } else {
                    rename(path, path + ".rejected")
                    rejected.append(path + ".rejected")
                }
            }
            return (entries, rejected)
        }
        for path in rejected {
            logger.error("a spooled alert cannot be read; kept aside, not delivered", metadata: ["file": "\(path)"])
        }
        spooled.withLock { entries in
            for entry in loaded { entries[entry.alert.id] = entry }
        }
        if !loaded.isEmpty { logger.info("\(loaded.count) alert(s) waiting in the spool from an earlier run") }
    }

    /// Makes `alert` durable with one pending delivery per channel, due now. Throws when the spool
    /// cannot take it; the alert is then written straight to PostgreSQL if that works.
    package func enqueue(_ alert: Alert, channels: [String], now: Date = Date()) async throws {
        let entry = OutboxEntry(
            alert: alert, node: node, deliveries: channels.map { AlertDeliveryState(channel: $0, nextAttemptAt: now) })
        do {
            try await write(entry)
            spooled.withLock { $0[alert.id] = entry }
        } catch {
            guard let client else { throw error }
            do {
                try await client.withConnection { connection in try Self.insert(entry, on: connection) }
            } catch {
                throw error
            }
        }
    }

    /// Writes `alert` and its deliveries, as they stand, straight into PostgreSQL (the record of a
    /// `vigil alerts test`, whose attempts were made at once).
    package func store(_ alert: Alert, deliveries: [AlertDeliveryState]) async throws {
        guard let client else { return }
        let entry = OutboxEntry(alert: alert, node: node, deliveries: deliveries)
        try await client.withConnection { connection in try Self.insert(entry, on: connection) }
    }

    /// Moves every spooled alert into PostgreSQL; returns how many moved, or nil when PostgreSQL was
    /// unreachable (they stay spooled).
    @discardableResult
    package func flush() async -> Int? {
        guard let client else { return nil }
        let entries = spooled.withLock { Array($0.values) }.sorted { $0.alert.id < $1.alert.id }
        guard !entries.isEmpty else { return 0 }
        var moved = 0
        for entry in entries {
            do {
                try await client.withConnection { connection in try Self.insert(entry, on: connection) }
            } catch {
                logger.debug("alerts stay spooled: \(error)")
                return moved == 0 ? nil : moved
            }
            spooled.withLock { _ = $0.removeValue(forKey: entry.alert.id) }
            let path = self.path(entry.alert.id)
            let directory = self.directory
            _ = try? await files.run { _ in
                unlink(path)
                DurableFile.syncDirectory(directory)
                // The folder goes when it is empty (it is made again for the next alert spooled):
                // an empty spool is an empty folder.
                rmdir(directory)
            }
            moved += 1
        }
        return moved
    }

    /// The spooled deliveries due at `now` (while PostgreSQL is unreachable).
    package func spooledDue(now: Date = Date()) -> [PendingAlertDelivery] {
        spooled.withLock { entries in
            entries.values.sorted { $0.alert.id < $1.alert.id }.flatMap { entry in
                entry.deliveries.filter { $0.isPending && $0.nextAttemptAt <= now }.map {
                    PendingAlertDelivery(alert: entry.alert, state: $0, holder: .spool)
                }
            }
        }
    }

    /// Claims up to `limit` deliveries due at `now` from PostgreSQL, oldest due first: each is
    /// not due again before `lease` seconds have passed, so no other sender takes it meanwhile.
    package func claimDue(now: Date = Date(), limit: Int = 32, lease: TimeInterval = 300) async throws -> [PendingAlertDelivery] {
        guard let client else { return [] }
        return try await client.withConnection { connection in
            let rows = try connection.query(
                """
                WITH due AS (
                    SELECT alert_id, channel FROM alert_deliveries
                    WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
                    ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
                ), claimed AS (
                    UPDATE alert_deliveries d SET next_attempt_at = $1::timestamptz + $3 * interval '1 second'
                    FROM due WHERE d.alert_id = due.alert_id AND d.channel = due.channel
                    RETURNING d.alert_id, d.channel, d.attempts, d.last_attempt_at, d.last_status, d.last_error
                )
                SELECT c.alert_id::text AS alert_id, c.channel, c.attempts, c.last_attempt_at, c.last_status, c.last_error,
                       a.kind, a.client_id, a.camera_id, a.source_id, a.created_at, a.details::text AS details, a.evidence_path
                FROM claimed c JOIN alerts a ON a.alert_id = c.alert_id
                ORDER BY a.created_at, c.channel
                """, [now, limit, Int(lease)])
            return rows.rows.compactMap { row -> PendingAlertDelivery? in
                guard let id = row.string("alert_id"), let channel = row.string("channel"),
                    let kind = row.string("kind").flatMap(AlertKind.init(rawValue:)), let created = row.date("created_at")
                else { return nil }
                let details = row.string("details").flatMap { try? JSONParser.parse($0) } ?? .object(pairs: [])
                let alert = Alert(
                    id: id, kind: kind, clientID: row.string("client_id"), cameraID: row.string("camera_id"),
                    sourceID: row.string("source_id"), time: created, details: details, evidencePath: row.string("evidence_path"))
                let state = AlertDeliveryState(
                    channel: channel, attempts: row.int("attempts") ?? 0, nextAttemptAt: now, lastAttemptAt: row.date("last_attempt_at"),
                    lastStatus: row.int("last_status"), lastError: row.string("last_error"))
                return PendingAlertDelivery(alert: alert, state: state, holder: .database)
            }
        }
    }

    /// Records an attempt's outcome where the delivery is held.
    package func record(_ delivery: PendingAlertDelivery, attempt: AlertAttempt) async throws {
        switch delivery.holder {
        case .spool:
            let updated: OutboxEntry? = spooled.withLock { entries in
                guard var entry = entries[delivery.alert.id],
                    let index = entry.deliveries.firstIndex(where: { $0.channel == delivery.state.channel })
                else { return nil }
                entry.deliveries[index] = attempt.applied(to: entry.deliveries[index])
                entries[delivery.alert.id] = entry
                return entry
            }
            if let updated { try await write(updated) }
        case .database:
            guard let client else { return }
            let state = attempt.applied(to: delivery.state)
            try await client.withConnection { connection in
                _ = try connection.query(
                    """
                    UPDATE alert_deliveries SET attempts = attempts + 1, last_attempt_at = $3, last_status = $4, last_error = $5,
                        delivered_at = $6, failed_at = $7, next_attempt_at = $8
                    WHERE alert_id = $1::uuid AND channel = $2
                    """,
                    [
                        delivery.alert.id, delivery.state.channel, attempt.at, attempt.status, attempt.error, state.deliveredAt,
                        state.failedAt,
                        state.nextAttemptAt,
                    ])
            }
        }
    }

    /// Pending deliveries: in PostgreSQL (nil when unreachable) and in the spool.
    package func pendingCount() async -> (database: Int?, spooled: Int) {
        let spooledCount = spooled.withLock { entries in entries.values.reduce(0) { $0 + $1.deliveries.filter(\.isPending).count } }
        guard let client else { return (nil, spooledCount) }
        let database = try? await client.withConnection { connection in
            try connection.query("SELECT count(*) AS n FROM alert_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL").first?
                .int("n") ?? 0
        }
        return (database, spooledCount)
    }

    /// How many alerts are spooled (not yet in PostgreSQL).
    package var spooledAlerts: Int { spooled.withLock { $0.count } }

    // MARK: - Private

    private func path(_ id: String) -> String { directory + "/" + id + ".alert" }

    private func write(_ entry: OutboxEntry) async throws {
        let path = self.path(entry.alert.id)
        let directory = self.directory
        let bytes = entry.encoded()
        let failure: String? = try await files.run { _ in
            if !FileManager.default.fileExists(atPath: directory) {
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    return "cannot create the folder: \(error.localizedDescription)"
                }
            }
            return DurableFile.replace(path, with: bytes)
        }
        if let failure { throw SpoolError(directory: directory, reason: "an alert cannot be spooled: \(failure)") }
    }

    private static func insert(_ entry: OutboxEntry, on connection: PostgresConnection) throws {
        try connection.transaction { connection in
            let alert = entry.alert
            _ = try connection.query(
                """
                INSERT INTO alerts (alert_id, kind, client_id, camera_id, source_id, created_at, details, evidence_path, node)
                VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::jsonb, $8, $9) ON CONFLICT (alert_id) DO NOTHING
                """,
                [
                    alert.id, alert.kind.rawValue, alert.clientID, alert.cameraID, alert.sourceID, alert.time,
                    alert.details.serializedString, alert.evidencePath, entry.node,
                ])
            for state in entry.deliveries {
                _ = try connection.query(
                    """
                    INSERT INTO alert_deliveries (alert_id, channel, attempts, next_attempt_at, last_attempt_at, last_status,
                        last_error, delivered_at, failed_at)
                    VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (alert_id, channel) DO NOTHING
                    """,
                    [
                        alert.id, state.channel, state.attempts, state.nextAttemptAt, state.lastAttemptAt, state.lastStatus,
                        state.lastError,
                        state.deliveredAt, state.failedAt,
                    ])
            }
        }
    }
}

/// The spooled entries by alert id, behind a lock (read from the sender and the pipeline's tasks).
private final class LockedEntries: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: OutboxEntry] = [:]

    func withLock<T>(_ body: (inout [String: OutboxEntry]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&entries)
    }
}
