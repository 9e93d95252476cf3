import Foundation
import VigilCore

/// Writes batches of usage records in one transaction, idempotently on `request_id`.
///
/// The records travel in PostgreSQL's COPY text format (``SpooledBatch``, the spool's own bytes)
/// into two session-local temporary tables, and one statement moves them into `api_usage` and
/// `analyses`: no value is ever spliced into SQL, and COPY parses a row in a few microseconds where
/// `json_to_recordset` took about thirty. A record without a cost is costed in SQL by
/// `vigil_call_cost` from the price in effect at its time, or left unpriced when there is none.
enum LedgerBatch {
    /// The `api_usage` row as the ledger writes it, column by column: the incoming table, the spool
    /// line's field order (never reordered: each format adds columns at the end), the INSERT and the SELECT are all derived from
    /// this one list. `ts` and `client_key`, `book_cost` and `book_price_id` are computed by
    /// ``insertRows`` from the incoming row: the client's key, and the price book's cost for a row
    /// that came without one.
    static let usageColumns: [CopyColumn<UsageRecord>] = [
        .init("request_id", "text") { $0.field($1.requestID) },
        .init("ts_us", "bigint", into: "\"timestamp\"", as: "ts") {
            $0.field(Int64((($1.timestamp.timeIntervalSince1970 * 1_000_000).rounded())))
        },
        .init("client", "text", into: "client_id", as: "client_key") { $0.field($1.clientID) },
        .init("source_id", "text") { $0.field($1.sourceID) },
        .init("source_kind", "text") { $0.field($1.sourceKind) },
        .init("endpoint", "text") { $0.field($1.endpoint) },
        .init("method", "text") { $0.field($1.method) },
        .init("status_code", "integer") { $0.field($1.statusCode) },
        .init("model", "text") { $0.field($1.model) },
        .init("model_version", "text") { $0.field($1.usage.modelVersion) },
        .init("response_id", "text") { $0.field($1.usage.responseID) },
        .init("prompt_tokens", "bigint") { $0.field($1.usage.promptTokens) },
        .init("cached_tokens", "bigint") { $0.field($1.usage.cachedTokens) },
        .init("completion_tokens", "bigint") { $0.field($1.usage.candidatesTokens) },
        .init("thoughts_tokens", "bigint") { $0.field($1.usage.thoughtsTokens) },
        .init("tool_use_tokens", "bigint") { $0.field($1.usage.toolUsePromptTokens) },
        .init("total_tokens", "bigint") { $0.field($1.usage.totalTokens) },
        .init("image_tokens", "bigint") { $0.field($1.usage.imageTokens) },
        .init("estimated", "boolean") { $0.field($1.usage.estimated) },
        .init("success", "boolean") { $0.field($1.success) },
        .init("error", "text") { $0.field($1.error) },
        .init("finish_reason", "text") { $0.field($1.finishReason) },
        .init("attempt", "integer") { $0.field($1.attempt) },
        .init("duration_ms", "integer") { $0.field($1.durationMilliseconds) },
        .init("cost", "numeric", as: "CASE WHEN cost IS NOT NULL THEN cost ELSE book_cost END") { $0.field($1.cost?.description) },
        .init("price_id", "integer", as: "CASE WHEN cost IS NOT NULL THEN price_id ELSE book_price_id END") { $0.field($1.priceID) },
        .init("session_ids", "uuid[]") { $0.arrayField($1.sessionIDs.map { $0.uuidString.lowercased() }) },
        .init("camera_count", "integer") { $0.field($1.cameraCount) },
        .init("image_width", "integer") { $0.field($1.imageWidth) },
        .init("image_height", "integer") { $0.field($1.imageHeight) },
        // Format 3 (migration 0009): usage Gemini reported that cannot be true, kept raw; a call
        // whose outcome is unknown.
        .init("usage_invalid", "text") { $0.field($1.usage.invalidReason) },
        .init("raw_usage", "text") { $0.field($1.usage.rawUsageMetadata) },
        .init("outcome", "text") { $0.field($1.outcome) },
        // Format 4 (migration 0012): the cameras present in the image, which share the call's cost.
        // A record that does not know them (a segment of an earlier format, where the column is
        // NULL, or a record decoded from one) gets them from ``insertRows``: a camera's own id, or
        // the group's verdicts that had a frame, by the rules of migration 0012's backfill.
        .init(
            "camera_ids", "text[]",
            as: "CASE WHEN cardinality(camera_ids) > 0 THEN camera_ids WHEN source_kind = 'camera' THEN ARRAY[source_id] "
                + "ELSE coalesce(verdict_camera_ids, '{}') END"
        ) { $0.quotedArrayField($1.cameraIDs) },
        // Format 6 (migration 0015): the tier that served the call (which prices it) and the one asked.
        .init("service_tier", "text", as: "coalesce(service_tier, 'standard')") { $0.field($1.servedTierName) },
        .init("requested_service_tier", "text") { $0.field($1.requestedTier.rawValue) },
        // Also format 6 (migration 0016): the cluster node and its lease's epoch (fencing token).
        .init("node", "text") { $0.field($1.node) },
        .init("lease_epoch", "bigint") { $0.field($1.leaseEpoch) },
    ]

    /// How many of ``usageColumns`` a spool line of each format holds: a segment of an earlier
    /// format is copied with its own, shorter column list (the columns it lacks stay NULL).
    static let usageColumnCount: [Int: Int] = [2: 30, 3: 33, 4: 34, 5: 34, 6: 38]

    /// A verdict as the ledger writes it into `analyses`, after its call's `request_id`. The
    /// `analyses` row takes its call's id, time, client and source from the inserted `api_usage` row,
    /// and its `cost_share` from that row's cost and the camera's place in its `camera_ids`.
    static let verdictColumns: [CopyColumn<(requestID: String, verdict: CameraVerdict)>] = [
        .init("request_id", "text", into: "request_id", as: "ins.request_id") { $0.field($1.requestID) },
        .init("camera_id", "text", as: "v.camera_id") { $0.field($1.verdict.cameraID) },
        .init("quadrant", "integer", as: "v.quadrant") { $0.field($1.verdict.quadrant) },
        .init("incident_detected", "boolean", as: "v.incident_detected") { $0.field($1.verdict.incidentDetected) },
        .init("incident_type", "text", as: "v.incident_type") { $0.field($1.verdict.incidentType) },
        .init("confidence", "text", as: "v.confidence::numeric") { $0.field($1.verdict.confidence) },
        .init("description", "text", as: "v.description") { $0.field($1.verdict.description) },
        .init("frame_size", "text", as: "v.frame_size") { $0.field($1.verdict.frameSize) },
        .init("frame_count", "integer", as: "v.frame_count") { $0.field($1.verdict.frameCount) },
        .init("analysis_text", "text", as: "v.analysis_text") { $0.field($1.verdict.analysisText) },
        .init("evidence_path", "text", as: "v.evidence_path") { $0.field($1.verdict.evidencePath) },
    ]

    /// How many of ``verdictColumns`` a spool line of each format holds (format 5 added the evidence).
    static let verdictColumnCount: [Int: Int] = [2: 10, 3: 10, 4: 10, 5: 11, 6: 11]

    /// The temporary tables the batches are copied into; emptied by every commit.
    static let createIncoming =
        usageColumns.createIncoming("vigil_incoming_usage") + ";\n"
        + verdictColumns.createIncoming("vigil_incoming_verdicts")

    /// Encodes `records` in the column order of the temporary tables.
    static func encode(_ records: [UsageRecord]) -> SpooledBatch {
        var usage = CopyTextWriter(reservingCapacity: records.count * 320)
        var verdicts = CopyTextWriter(reservingCapacity: records.count * 120)
        var verdictCount = 0
        for record in records {
            usageColumns.encode(record, into: &usage)
            for verdict in record.verdicts {
                verdictColumns.encode((record.requestID, verdict), into: &verdicts)
                verdictCount += 1
            }
        }
        return SpooledBatch(usage: usage.bytes, rows: records.count, verdicts: verdicts.bytes, verdictCount: verdictCount)
    }

    /// Clients the rows name that the table lacks, added in code order: two of the ledger's
    /// transactions adding the same new clients in different orders deadlocked (SQLSTATE 40P01, seen
    /// when a test wrote rows of several new clients over both connections at once).
    static let insertClients = """
        INSERT INTO clients (code, name)
        SELECT DISTINCT r.client, r.client FROM vigil_incoming_usage r
        WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.code = r.client)
        ORDER BY 1
        ON CONFLICT (code) DO NOTHING
        """

    static let insertRows = """
        WITH input AS (
            SELECT r.*, timestamptz 'epoch' + r.ts_us * interval '1 microsecond' AS ts FROM vigil_incoming_usage r
        ),
        verdict_cameras AS (
            -- The cameras of a group call spooled without camera_ids (before format 4): its verdicts'
            -- cameras that had a frame (frame_size), in quadrant order, or all of them if none says.
            SELECT v.request_id,
                   coalesce(array_agg(v.camera_id ORDER BY v.quadrant, v.camera_id) FILTER (WHERE v.frame_size IS NOT NULL),
                            array_agg(v.camera_id ORDER BY v.quadrant, v.camera_id)) AS camera_ids
            FROM (SELECT DISTINCT request_id, camera_id, quadrant, frame_size FROM vigil_incoming_verdicts) v
            WHERE v.request_id IN (SELECT r.request_id FROM vigil_incoming_usage r
                                   WHERE coalesce(cardinality(r.camera_ids), 0) = 0 AND r.source_kind IS DISTINCT FROM 'camera')
            GROUP BY v.request_id
        ),
        priced AS (
            -- Rows costed by the daemon keep their cost; the price book is consulted only for the others,
            -- never for a row whose usage is invalid or whose outcome is unknown (no cost until reviewed).
            SELECT i.*, c.id AS client_key, vc.camera_ids AS verdict_camera_ids,
                   -- A call made under an epoch a newer owner of its source had already begun by then:
                   -- an analysis made twice (a node that lost its lease without knowing). Marked, kept.
                   (i.lease_epoch IS NOT NULL AND EXISTS (
                       SELECT 1 FROM source_lease_epochs e
                       WHERE e.source_id = i.source_id AND e.epoch > i.lease_epoch AND e.started_at <= i.ts)) AS superseded,
                   CASE WHEN i.cost IS NULL AND i.usage_invalid IS NULL AND i.outcome IS NULL
                        THEN (vigil_price_at(i.model, i.service_tier, i.ts)).id END AS book_price_id,
                   CASE WHEN i.cost IS NULL AND i.usage_invalid IS NULL AND i.outcome IS NULL THEN vigil_call_cost(vigil_price_at(i.model, i.service_tier, i.ts), i.prompt_tokens, i.cached_tokens,
                                                                 i.completion_tokens + i.thoughts_tokens, i.tool_use_tokens) END AS book_cost
            FROM input i
            LEFT JOIN clients c ON c.code = i.client
            LEFT JOIN verdict_cameras vc ON vc.request_id = i.request_id
        ),
        inserted AS (
            INSERT INTO api_usage (\(usageColumns.insertList(extra: ["unpriced", "lease_superseded"])))
            SELECT \(usageColumns.selectList(extra: ["cost IS NULL AND book_cost IS NULL AND usage_invalid IS NULL AND outcome IS NULL", "superseded"]))
            FROM priced
            ON CONFLICT (request_id) DO NOTHING
            RETURNING id, request_id, "timestamp", client_id, source_id, cost, camera_ids
        ),
        verdicts AS (
            -- Only for rows this statement inserted, so never a verdict already there: no ON CONFLICT
            -- (its speculative insertion doubled the cost of a verdict). A call spooled twice in one
            -- transaction brings its verdicts twice: DISTINCT ON keeps one.
            INSERT INTO analyses (usage_id, "timestamp", client_id, source_id, \(verdictColumns.insertList(extra: ["cost_share"])))
            SELECT DISTINCT ON (ins.id, v.camera_id)
                   ins.id, ins."timestamp", ins.client_id, ins.source_id, \(verdictColumns.selectList(extra: [verdictCostShare]))
            FROM inserted ins
            JOIN vigil_incoming_verdicts v ON v.request_id = ins.request_id
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM inserted) AS rows, (SELECT count(*) FROM verdicts) AS verdicts
        """

    /// A verdict's share of its call's cost (`vigil_cost_share`, migration 0012), by the camera's place
    /// among the cameras in the image: 0 for a dark quadrant's camera, NULL while the call has no cost.
    static let verdictCostShare = "vigil_cost_share(ins.cost, array_position(ins.camera_ids, v.camera_id), cardinality(ins.camera_ids))"

    /// Writes `batches` in one transaction; returns how many usage rows were new (the rest were
    /// already there).
    static func write(_ batches: [SpooledBatch], on connection: PostgresConnection) throws -> Int {
        try connection.transaction { connection in
            try connection.executeScript(createIncoming)
            // Each format with its own column list: a segment spooled by an earlier version holds fewer.
            for (format, group) in Dictionary(grouping: batches, by: \.format).sorted(by: { $0.key < $1.key }) {
                let count = usageColumnCount[format] ?? usageColumns.count
                let names = usageColumns.prefix(count).map(\.name).joined(separator: ", ")
                try connection.copy("COPY vigil_incoming_usage (\(names)) FROM STDIN", from: group.map(\.usage))
            }
            for (format, group) in Dictionary(grouping: batches.filter { $0.verdictCount > 0 }, by: \.format).sorted(by: { $0.key < $1.key }
            ) {
                let count = verdictColumnCount[format] ?? verdictColumns.count
                let names = verdictColumns.prefix(count).map(\.name).joined(separator: ", ")
                try connection.copy("COPY vigil_incoming_verdicts (\(names)) FROM STDIN", from: group.map(\.verdicts))
            }
            try connection.query(insertClients)
            return try connection.query(insertRows).first?.int("rows") ?? 0
        }
    }
}
