import Foundation
package import VigilBilling
package import VigilCore

/// Reads and writes the price book (`model_prices`).
package struct PriceRepository: Sendable {
    private let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// Every price, as a ``PriceBook``.
    package func load() async throws -> PriceBook {
        try await client.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT id, model, tier, (extract(epoch FROM effective_from) * 1000000)::bigint AS effective_from,
                       input_per_million::text AS input, output_per_million::text AS output, cached_per_million::text AS cached,
                       long_context_threshold, input_long_per_million::text AS input_long,
                       output_long_per_million::text AS output_long, cached_long_per_million::text AS cached_long
                FROM model_prices ORDER BY model, tier, effective_from
                """
            ).rows
            return PriceBook(
                prices: rows.compactMap { row in
                    // A tier this version does not know is left out: its calls stay unpriced.
                    guard let id = row.int("id"), let model = row["model"], let from = row.date("effective_from"),
                        let input = row.money("input"), let output = row.money("output"),
                        let tier = row["tier"].flatMap(ServiceTier.init(rawValue:))
                    else { return nil }
                    return ModelPrice(
                        id: id, model: model, effectiveFrom: from, inputPerMillion: input, outputPerMillion: output,
                        cachedPerMillion: row.money("cached"), longContextThreshold: row.int("long_context_threshold"),
                        inputLongPerMillion: row.money("input_long"), outputLongPerMillion: row.money("output_long"),
                        cachedLongPerMillion: row.money("cached_long"), tier: tier)
                })
        }
    }

    /// Adds a price (or replaces one with the same model, tier and date that no row uses yet).
    ///
    /// - Throws: ``PriceError`` when the same model, tier and date is already used by costed rows.
    @discardableResult
    package func set(_ price: ModelPrice, note: String? = nil) async throws -> Int {
        try await client.withConnection { connection in
            try connection.transaction { connection in
                let used =
                    try connection.query(
                        """
                        SELECT count(*) AS n FROM api_usage u JOIN model_prices p ON p.id = u.price_id
                        WHERE p.model = $1 AND p.effective_from = $2::timestamptz AND p.tier = $3
                        """, [price.model, price.effectiveFrom, price.tier.rawValue]
                    ).first?.int("n") ?? 0
                if used > 0 {
                    throw PriceError(
                        message:
                            "a \(price.tier.rawValue) price for \(price.model) from that date already costed \(used) rows; add one with a later date instead"
                    )
                }
                let row = try connection.query(
                    """
                    INSERT INTO model_prices (model, effective_from, input_per_million, output_per_million, cached_per_million,
                                              long_context_threshold, input_long_per_million, output_long_per_million,
                                              cached_long_per_million, note, tier)
                    VALUES ($1, $2::timestamptz, $3::numeric, $4::numeric, $5::numeric, $6::integer, $7::numeric, $8::numeric, $9::numeric, $10, $11)
                    ON CONFLICT (model, tier, effective_from) DO UPDATE SET
                        input_per_million = EXCLUDED.input_per_million, output_per_million = EXCLUDED.output_per_million,
                        cached_per_million = EXCLUDED.cached_per_million, long_context_threshold = EXCLUDED.long_context_threshold,
                        input_long_per_million = EXCLUDED.input_long_per_million, output_long_per_million = EXCLUDED.output_long_per_million,
                        cached_long_per_million = EXCLUDED.cached_long_per_million, note = EXCLUDED.note
                    RETURNING id
                    """,
                    [
                        price.model, price.effectiveFrom, price.inputPerMillion, price.outputPerMillion, price.cachedPerMillion,
                        price.longContextThreshold, price.inputLongPerMillion, price.outputLongPerMillion,
                        price.cachedLongPerMillion, note, price.tier.rawValue,
                    ])
                return row.first?.int("id") ?? 0
            }
        }
    }

    /// Costs every unpriced row whose model now has a price in effect at its time; returns how many.
    package func repriceUnpriced() async throws -> Int {
        try await cost(rowsWhere: "u2.unpriced", wereUnpriced: true)
    }

    /// Costs the calls whose outcome is unknown (Vigil stopped while they were in flight), on no
    /// issued invoice yet, at the price in effect at their time and their estimated tokens, so that
    /// the next invoices include them: the operator's choice, since Gemini may or may not have billed
    /// them. Returns how many were costed.
    package func priceUnknownOutcomes() async throws -> Int {
        try await cost(rowsWhere: "u2.outcome = 'unknown' AND u2.cost IS NULL AND u2.invoice_id IS NULL", wereUnpriced: false)
    }

    /// Costs the rows matching `condition` (over `api_usage u2`, a fixed SQL text, never input)
    /// whose model has a price at their time, and adds their cost to their hours in `usage_hourly`
    /// and their cameras' shares to `camera_hourly` and to their verdicts, in the same statement
    /// (taking them off the hours' unpriced counts when `wereUnpriced`).
    private func cost(rowsWhere condition: String, wereUnpriced: Bool) async throws -> Int {
        try await client.withConnection { connection in
            try connection.query(
                """
                WITH changed AS (
                    SELECT u2.id, p.id AS price_id,
                           vigil_call_cost(p, u2.prompt_tokens, u2.cached_tokens, u2.completion_tokens + u2.thoughts_tokens, u2.tool_use_tokens) AS cost
                    FROM api_usage u2 CROSS JOIN LATERAL vigil_price_at(u2.model, u2.service_tier, u2."timestamp") p
                    WHERE \(condition) AND p.id IS NOT NULL
                ),
                updated AS (
                    UPDATE api_usage u SET cost = c.cost, price_id = c.price_id, unpriced = false
                    FROM changed c WHERE u.id = c.id
                    RETURNING u.id, u.client_id, u."timestamp", u.model, u.source_id, u.source_kind, u.method, u.endpoint, u.service_tier, u.node, u.cost,
                              u.camera_ids, u.session_ids
                ),
                hourly AS (
                    -- The rows' hours: their cost now counts (and they are no longer unpriced).
                    INSERT INTO usage_hourly AS h (client_id, hour, model, source_id, source_kind, operation, service_tier, node, calls, failed,
                                                   prompt, cached, completion, thoughts, tool_use, total, cost, unpriced,
                                                   estimated, duration_sum, duration_count)
                    SELECT coalesce(client_id, 0), date_trunc('hour', "timestamp", 'UTC'), coalesce(model, 'legacy'),
                           coalesce(source_id, 'legacy'), coalesce(source_kind, ''), coalesce(method, '') || ' ' || coalesce(endpoint, ''), service_tier, coalesce(node, ''),
                           0, 0, 0, 0, 0, 0, 0, 0, sum(cost), \(wereUnpriced ? "-count(*)" : "0"), 0, 0, 0
                    FROM updated WHERE "timestamp" IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
                    ON CONFLICT (client_id, hour, model, source_id, source_kind, operation, service_tier, node) DO UPDATE SET
                        cost = h.cost + EXCLUDED.cost, unpriced = h.unpriced + EXCLUDED.unpriced
                    RETURNING 1
                ),
                cameras AS (
                    -- Each camera's share of the rows' cost (and the calls it appeared in are no longer unpriced).
                    \(CameraShares.rollUp("updated", unpriced: wereUnpriced ? "-count(*)" : "0"))
                ),
                verdicts AS (
                    \(CameraShares.verdictShares("updated"))
                ),
                sessions AS (
                    -- Each stream session's hours: the whole cost of each of its calls, as its report counts it.
                    \(SessionHourly.rollUp("updated", deltas: ["cost": "coalesce(sum(r.cost), 0)", "unpriced": wereUnpriced ? "-count(*)" : "0"]))
                )
                -- In this order: usage_hourly's rows are locked before camera_hourly's and session_hourly's, as by the insert triggers.
                SELECT (SELECT count(*) FROM updated) AS costed, (SELECT count(*) FROM hourly) AS hours,
                       (SELECT count(*) FROM cameras) AS camera_hours, (SELECT count(*) FROM verdicts) AS verdicts,
                       (SELECT count(*) FROM sessions) AS session_hours
                """
            ).first?.int("costed") ?? 0
        }
    }
}

/// A price that cannot be set.
package struct PriceError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
