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
    /// The temporary tables the batches are copied into; emptied by every commit.
    static let createIncoming = """
        CREATE TEMP TABLE IF NOT EXISTS vigil_incoming_usage (
            request_id text, ts_us bigint, client text, source_id text, source_kind text, endpoint text,
            method text, status_code integer, model text, model_version text, response_id text,
            prompt_tokens integer, cached_tokens integer, completion_tokens integer, thoughts_tokens integer,
            tool_use_tokens integer, total_tokens integer, image_tokens integer, estimated boolean,
            success boolean, error text, finish_reason text, attempt integer, duration_ms integer,
            cost numeric, price_id integer, session_ids uuid[], camera_count integer, image_width integer,
            image_height integer) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS vigil_incoming_verdicts (
            request_id text, camera_id text, quadrant integer, incident_detected boolean, incident_type text,
            confidence text, description text, frame_size text, frame_count integer, analysis_text text)
            ON COMMIT DELETE ROWS
        """

    /// Encodes `records` in the column order of the temporary tables.
    static func encode(_ records: [UsageRecord]) -> SpooledBatch {
        var usage = CopyTextWriter(reservingCapacity: records.count * 320)
        var verdicts = CopyTextWriter(reservingCapacity: records.count * 120)
        var verdictCount = 0
        for record in records {
            usage.field(record.requestID)
            usage.field(Int64((record.timestamp.timeIntervalSince1970 * 1_000_000).rounded()))
            usage.field(record.clientID)
            usage.field(record.sourceID)
            usage.field(record.sourceKind)
            usage.field(record.endpoint)
            usage.field(record.method)
            usage.field(record.statusCode)
            usage.field(record.model)
            usage.field(record.usage.modelVersion)
            usage.field(record.usage.responseID)
            usage.field(record.usage.promptTokens)
            usage.field(record.usage.cachedTokens)
            usage.field(record.usage.candidatesTokens)
            usage.field(record.usage.thoughtsTokens)
            usage.field(record.usage.toolUsePromptTokens)
            usage.field(record.usage.totalTokens)
            usage.field(record.usage.imageTokens)
            usage.field(record.usage.estimated)
            usage.field(record.success)
            usage.field(record.error)
            usage.field(record.finishReason)
            usage.field(record.attempt)
            usage.field(record.durationMilliseconds)
            usage.field(record.cost?.description)
            usage.field(record.priceID)
            usage.arrayField(record.sessionIDs.map { $0.uuidString.lowercased() })
            usage.field(record.cameraCount)
            usage.field(record.imageWidth)
            usage.field(record.imageHeight)
            usage.endRow()
            for verdict in record.verdicts {
                verdicts.field(record.requestID)
                verdicts.field(verdict.cameraID)
                verdicts.field(verdict.quadrant)
                verdicts.field(verdict.incidentDetected)
                verdicts.field(verdict.incidentType)
                verdicts.field(verdict.confidence)
                verdicts.field(verdict.description)
                verdicts.field(verdict.frameSize)
                verdicts.field(verdict.frameCount)
                verdicts.field(verdict.analysisText)
                verdicts.endRow()
                verdictCount += 1
            }
        }
        return SpooledBatch(usage: usage.bytes, rows: records.count, verdicts: verdicts.bytes, verdictCount: verdictCount)
    }

    static let insertClients = """
        INSERT INTO clients (code, name)
        SELECT DISTINCT r.client, r.client FROM vigil_incoming_usage r
        WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.code = r.client)
        ON CONFLICT (code) DO NOTHING
        """

    static let insertRows = """
        WITH input AS (
            SELECT r.*, timestamptz 'epoch' + r.ts_us * interval '1 microsecond' AS ts FROM vigil_incoming_usage r
        ),
        priced AS (
            -- Rows costed by the daemon keep their cost; the price book is consulted only for the others.
            SELECT i.*, c.id AS client_key,
                   CASE WHEN i.cost IS NULL THEN (vigil_price_at(i.model, i.ts)).id END AS book_price_id,
                   CASE WHEN i.cost IS NULL THEN vigil_call_cost(vigil_price_at(i.model, i.ts), i.prompt_tokens, i.cached_tokens,
                                                                 i.completion_tokens + i.thoughts_tokens, i.tool_use_tokens) END AS book_cost
            FROM input i
            LEFT JOIN clients c ON c.code = i.client
        ),
        inserted AS (
            INSERT INTO api_usage (
                request_id, "timestamp", client_id, source_id, source_kind, endpoint, method, status_code, model,
                model_version, response_id, prompt_tokens, cached_tokens, completion_tokens, thoughts_tokens,
                tool_use_tokens, total_tokens, image_tokens, estimated, success, error, finish_reason, attempt,
                duration_ms, cost, price_id, unpriced, session_ids, camera_count, image_width, image_height)
            SELECT request_id, ts, client_key, source_id, source_kind, endpoint, method, status_code, model,
                   model_version, response_id, prompt_tokens, cached_tokens, completion_tokens, thoughts_tokens,
                   tool_use_tokens, total_tokens, image_tokens, estimated, success, error, finish_reason, attempt,
                   duration_ms,
                   CASE WHEN cost IS NOT NULL THEN cost ELSE book_cost END,
                   CASE WHEN cost IS NOT NULL THEN price_id ELSE book_price_id END,
                   cost IS NULL AND book_cost IS NULL,
                   session_ids, camera_count, image_width, image_height
            FROM priced
            ON CONFLICT (request_id) DO NOTHING
            RETURNING id, request_id, "timestamp", client_id, source_id
        ),
        verdicts AS (
            -- Only for rows this statement inserted, so never a verdict already there: no ON CONFLICT
            -- (its speculative insertion doubled the cost of a verdict). A call spooled twice in one
            -- transaction brings its verdicts twice: DISTINCT ON keeps one.
            INSERT INTO analyses (usage_id, request_id, "timestamp", client_id, camera_id, source_id, quadrant,
                                  frame_count, frame_size, incident_detected, incident_type, confidence, description,
                                  analysis_text)
            SELECT DISTINCT ON (ins.id, v.camera_id)
                   ins.id, ins.request_id, ins."timestamp", ins.client_id, v.camera_id, ins.source_id, v.quadrant,
                   v.frame_count, v.frame_size, v.incident_detected, v.incident_type, v.confidence::numeric,
                   v.description, v.analysis_text
            FROM inserted ins
            JOIN vigil_incoming_verdicts v ON v.request_id = ins.request_id
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM inserted) AS rows, (SELECT count(*) FROM verdicts) AS verdicts
        """

    /// Writes `batches` in one transaction; returns how many usage rows were new (the rest were
    /// already there).
    static func write(_ batches: [SpooledBatch], on connection: PostgresConnection) throws -> Int {
        try connection.transaction { connection in
            try connection.executeScript(createIncoming)
            try connection.copy("COPY vigil_incoming_usage FROM STDIN", from: batches.map(\.usage))
            if batches.contains(where: { $0.verdictCount > 0 }) {
                try connection.copy("COPY vigil_incoming_verdicts FROM STDIN", from: batches.map(\.verdicts))
            }
            try connection.query(insertClients)
            return try connection.query(insertRows).first?.int("rows") ?? 0
        }
    }
}
