import Foundation
import VigilCore

/// Writes a batch of usage records in one transaction, idempotently on `request_id`.
///
/// The records travel as two JSON parameters (rows and verdicts) expanded by `json_to_recordset`:
/// one statement per batch whatever its size, and no value ever spliced into SQL. A record without
/// a cost is costed in SQL by `vigil_call_cost` from the price in effect at its time, or left
/// unpriced when there is none.
enum LedgerBatch {
    private struct Row: Encodable {
        var request_id: String
        var ts_us: Int64
        var client: String
        var source_id: String
        var source_kind: String
        var endpoint: String
        var method: String
        var status_code: Int?
        var model: String
        var model_version: String?
        var response_id: String?
        var prompt_tokens: Int
        var cached_tokens: Int
        var completion_tokens: Int
        var thoughts_tokens: Int
        var tool_use_tokens: Int
        var total_tokens: Int
        var image_tokens: Int
        var estimated: Bool
        var success: Bool
        var error: String?
        var finish_reason: String?
        var attempt: Int
        var duration_ms: Int
        var cost: String?
        var price_id: Int?
        var session_ids: [String]
        var camera_count: Int
        var image_width: Int?
        var image_height: Int?
    }

    private struct Verdict: Encodable {
        var request_id: String
        var camera_id: String
        var quadrant: Int?
        var incident_detected: Bool
        var incident_type: String
        var confidence: String?
        var description: String
        var frame_size: String?
        var frame_count: Int
        var analysis_text: String?
    }

    static let insertClients = """
        INSERT INTO clients (code, name)
        SELECT DISTINCT r.client, r.client FROM json_to_recordset($1::json) AS r(client text)
        WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.code = r.client)
        ON CONFLICT (code) DO NOTHING
        """

    static let insertRows = """
        WITH input AS (
            SELECT r.*, timestamptz 'epoch' + r.ts_us * interval '1 microsecond' AS ts
            FROM json_to_recordset($1::json) AS r(
                request_id text, ts_us bigint, client text, source_id text, source_kind text, endpoint text,
                method text, status_code integer, model text, model_version text, response_id text,
                prompt_tokens integer, cached_tokens integer, completion_tokens integer, thoughts_tokens integer,
                tool_use_tokens integer, total_tokens integer, image_tokens integer, estimated boolean,
                success boolean, error text, finish_reason text, attempt integer, duration_ms integer,
                cost numeric, price_id integer, session_ids uuid[], camera_count integer, image_width integer,
                image_height integer)
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
            INSERT INTO analyses (usage_id, request_id, "timestamp", client_id, camera_id, source_id, quadrant,
                                  frame_count, frame_size, incident_detected, incident_type, confidence, description,
                                  analysis_text)
            SELECT ins.id, ins.request_id, ins."timestamp", ins.client_id, v.camera_id, ins.source_id, v.quadrant,
                   v.frame_count, v.frame_size, v.incident_detected, v.incident_type, v.confidence::numeric,
                   v.description, v.analysis_text
            FROM inserted ins
            JOIN json_to_recordset($2::json) AS v(
                request_id text, camera_id text, quadrant integer, incident_detected boolean, incident_type text,
                confidence text, description text, frame_size text, frame_count integer, analysis_text text)
              ON v.request_id = ins.request_id
            ON CONFLICT (request_id, camera_id) DO NOTHING
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM inserted) AS rows, (SELECT count(*) FROM verdicts) AS verdicts
        """

    /// Writes `records`; returns how many rows were new (the rest were already there).
    static func write(_ records: [UsageRecord], on connection: PostgresConnection) throws -> Int {
        let encoder = JSONEncoder()
        let rows = records.map { record in
            Row(request_id: record.requestID, ts_us: Int64((record.timestamp.timeIntervalSince1970 * 1_000_000).rounded()),
                client: record.clientID, source_id: record.sourceID, source_kind: record.sourceKind,
                endpoint: record.endpoint, method: record.method, status_code: record.statusCode, model: record.model,
                model_version: record.usage.modelVersion, response_id: record.usage.responseID,
                prompt_tokens: record.usage.promptTokens, cached_tokens: record.usage.cachedTokens,
                completion_tokens: record.usage.candidatesTokens, thoughts_tokens: record.usage.thoughtsTokens,
                tool_use_tokens: record.usage.toolUsePromptTokens, total_tokens: record.usage.totalTokens,
                image_tokens: record.usage.imageTokens, estimated: record.usage.estimated, success: record.success,
                error: record.error, finish_reason: record.finishReason, attempt: record.attempt,
                duration_ms: record.durationMilliseconds, cost: record.cost?.description, price_id: record.priceID,
                session_ids: record.sessionIDs.map { $0.uuidString.lowercased() }, camera_count: record.cameraCount,
                image_width: record.imageWidth, image_height: record.imageHeight)
        }
        let verdicts = records.flatMap { record in
            record.verdicts.map { verdict in
                Verdict(request_id: record.requestID, camera_id: verdict.cameraID, quadrant: verdict.quadrant,
                        incident_detected: verdict.incidentDetected, incident_type: verdict.incidentType,
                        confidence: verdict.confidence, description: verdict.description, frame_size: verdict.frameSize,
                        frame_count: verdict.frameCount, analysis_text: verdict.analysisText)
            }
        }
        let rowsJSON = String(decoding: try encoder.encode(rows), as: UTF8.self)
        let verdictsJSON = String(decoding: try encoder.encode(verdicts), as: UTF8.self)
        return try connection.transaction { connection in
            try connection.query(insertClients, [rowsJSON])
            return try connection.query(insertRows, [rowsJSON, verdictsJSON]).first?.int("rows") ?? 0
        }
    }
}
