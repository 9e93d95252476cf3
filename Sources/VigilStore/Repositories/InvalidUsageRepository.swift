package import Foundation
package import VigilCore

/// The calls whose usage could not be true (`api_usage.usage_invalid`), for an operator to review and
/// correct. Such a row has no tokens and no cost, and stays off invoices until it is corrected.
package struct InvalidUsageRepository: Sendable {
    /// One call awaiting review.
    package struct Row: Sendable, Equatable, Codable {
        package var requestID: String
        package var timestamp: Date?
        package var client: String?
        package var source: String?
        package var model: String?
        /// Why the usage was refused, e.g. `promptTokenCount is -500`.
        package var reason: String
        /// Gemini's `usageMetadata` as it arrived (untrusted text).
        package var rawUsage: String?

        enum CodingKeys: String, CodingKey {
            case requestID = "request_id"
            case timestamp, client, source, model, reason
            case rawUsage = "raw_usage"
        }
    }

    /// The result of a correction.
    package enum Correction: Sendable, Equatable {
        /// The row took the counts; `cost` is nil when its model had no price at its time (it is now unpriced).
        case corrected(cost: Money?)
        /// No row has this request id.
        case noSuchCall
        /// The row's usage is not invalid (never was, or was corrected already).
        case notInvalid
        /// The row is on an issued invoice: a correction would change a document already sent.
        case invoiced
    }

    let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// Every call whose usage is invalid, oldest first.
    package func list(limit: Int = 10_000) async throws -> [Row] {
        try await client.withConnection { connection in
            try connection.query(
                """
                SELECT u.request_id, u."timestamp", c.code AS client, u.source_id, u.model, u.usage_invalid, u.raw_usage
                FROM api_usage u LEFT JOIN clients c ON c.id = u.client_id
                WHERE u.usage_invalid IS NOT NULL ORDER BY u."timestamp", u.id LIMIT $1
                """, [limit]
            ).rows.map { row in
                Row(
                    requestID: row.string("request_id") ?? "", timestamp: row.date("timestamp"), client: row.string("client"),
                    source: row.string("source_id"), model: row.string("model"), reason: row.string("usage_invalid") ?? "",
                    rawUsage: row.string("raw_usage"))
            }
        }
    }

    /// Gives the call `requestID` the counts an operator established for it: the row takes them
    /// (total = prompt + candidates + thoughts + tool use, as Gemini counts), is costed at the price
    /// in effect at its time (unpriced if there is none), keeps its old reason in `usage_corrected`,
    /// and its hour in `usage_hourly` takes the tokens and cost and counts one invalid call fewer, as
    /// do its cameras' hours in `camera_hourly` (with their shares of the cost) and its verdicts'
    /// shares — all in one transaction. The counts' bounds are the caller's to check.
    package func correct(requestID: String, usage: TokenUsage, at now: Date = Date()) async throws -> Correction {
        try await client.withConnection { connection in
            try connection.transaction { connection in
                guard
                    let row = try connection.query(
                        "SELECT usage_invalid IS NOT NULL AS invalid, invoice_id IS NOT NULL AS invoiced FROM api_usage WHERE request_id = $1 FOR UPDATE",
                        [requestID]
                    ).first
                else { return .noSuchCall }
                guard row.bool("invalid") == true else { return .notInvalid }
                guard row.bool("invoiced") != true else { return .invoiced }
                let result = try connection.query(
                    """
                    WITH priced AS (
                        SELECT u2.id, p.id AS price_id, vigil_call_cost(p, $2::bigint, $3::bigint, $4::bigint + $5::bigint, $6::bigint) AS cost
                        FROM api_usage u2 CROSS JOIN LATERAL vigil_price_at(u2.model, u2.service_tier, u2."timestamp") p
                        WHERE u2.request_id = $1 AND u2.usage_invalid IS NOT NULL
                    ),
                    updated AS (
                        UPDATE api_usage u SET prompt_tokens = $2, cached_tokens = $3, completion_tokens = $4, thoughts_tokens = $5,
                            tool_use_tokens = $6, total_tokens = $7, cost = p.cost, price_id = p.price_id, unpriced = p.price_id IS NULL,
                            usage_corrected = 'was invalid: ' || u.usage_invalid || '; corrected ' || $8,
                            usage_invalid = NULL
                        FROM priced p WHERE u.id = p.id
                        RETURNING u.id, u.client_id, u."timestamp", u.model, u.source_id, u.source_kind, u.method, u.endpoint, u.service_tier, u.node, u.cost,
                                  u.unpriced, u.camera_ids, u.session_ids
                    ),
                    hourly AS (
                        INSERT INTO usage_hourly AS h (client_id, hour, model, source_id, source_kind, operation, service_tier, node, calls, failed,
                                                       prompt, cached, completion, thoughts, tool_use, total, cost, unpriced,
                                                       estimated, invalid, duration_sum, duration_count)
                        SELECT coalesce(client_id, 0), date_trunc('hour', "timestamp", 'UTC'), coalesce(model, 'legacy'),
                               coalesce(source_id, 'legacy'), coalesce(source_kind, ''), coalesce(method, '') || ' ' || coalesce(endpoint, ''), service_tier, coalesce(node, ''),
                               0, 0, $2, $3, $4, $5, $6, $7, coalesce(cost, 0), CASE WHEN unpriced THEN 1 ELSE 0 END, 0, -1, 0, 0
                        FROM updated WHERE "timestamp" IS NOT NULL
                        ON CONFLICT (client_id, hour, model, source_id, source_kind, operation, service_tier, node) DO UPDATE SET
                            prompt = h.prompt + EXCLUDED.prompt, cached = h.cached + EXCLUDED.cached,
                            completion = h.completion + EXCLUDED.completion, thoughts = h.thoughts + EXCLUDED.thoughts,
                            tool_use = h.tool_use + EXCLUDED.tool_use, total = h.total + EXCLUDED.total,
                            cost = h.cost + EXCLUDED.cost, unpriced = h.unpriced + EXCLUDED.unpriced, invalid = h.invalid + EXCLUDED.invalid
                        RETURNING 1
                    ),
                    cameras AS (
                        \(CameraShares.rollUp("updated", unpriced: "count(*) FILTER (WHERE r.unpriced)", invalid: "-count(*)"))
                    ),
                    verdicts AS (
                        \(CameraShares.verdictShares("updated"))
                    ),
                    sessions AS (
                        \(SessionHourly.rollUp("updated", deltas: [
                            "prompt": "sum($2::bigint)", "cached": "sum($3::bigint)", "completion": "sum($4::bigint)",
                            "thoughts": "sum($5::bigint)", "tool_use": "sum($6::bigint)", "total": "sum($7::bigint)",
                            "cost": "coalesce(sum(r.cost), 0)", "unpriced": "count(*) FILTER (WHERE r.unpriced)", "invalid": "-count(*)",
                        ]))
                    )
                    -- In this order: usage_hourly's row is locked before camera_hourly's and session_hourly's, as by the insert triggers.
                    SELECT (SELECT cost FROM updated) AS cost, (SELECT count(*) FROM hourly) AS hours,
                           (SELECT count(*) FROM cameras) AS camera_hours, (SELECT count(*) FROM verdicts) AS verdicts,
                           (SELECT count(*) FROM sessions) AS session_hours
                    """,
                    [
                        requestID, usage.promptTokens, usage.cachedTokens, usage.candidatesTokens, usage.thoughtsTokens,
                        usage.toolUsePromptTokens, usage.computedTotal, ISO8601DateFormatter().string(from: now),
                    ])
                return .corrected(cost: result.first?.money("cost"))
            }
        }
    }
}
