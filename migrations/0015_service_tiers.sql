-- 0015: Gemini's service tiers. The same generateContent is served at three prices: standard, flex
-- (50 % off, best-effort, may be shed) and priority (75-100 % more; a priority request over its limit
-- is served, and billed, as standard). The request names a tier (top-level "serviceTier"); the
-- response's usageMetadata.serviceTier names the one that served, and that one prices the call.

-- No ledger transaction may add rows between the new columns and the new functions.
LOCK TABLE api_usage IN SHARE ROW EXCLUSIVE MODE;

-- The tier that served each call (absent from the response: standard, the API's default) and the
-- one Vigil asked for. A row from before this migration was served at standard.
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS service_tier text NOT NULL DEFAULT 'standard';
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS requested_service_tier text;

-- Prices per tier, effective-dated like the others. A tier with no price for a model leaves its
-- calls unpriced (flagged everywhere), never priced at standard by accident.
ALTER TABLE model_prices ADD COLUMN IF NOT EXISTS tier text NOT NULL DEFAULT 'standard';
-- Whatever its name (a predecessor's table may have its own), the one-price-per-model-and-date
-- constraint goes: a flex price starts on the same date as its standard one.
DO $$
DECLARE constraint_name text;
BEGIN
    FOR constraint_name IN
        SELECT c.conname FROM pg_constraint c
        WHERE c.conrelid = 'model_prices'::regclass AND c.contype = 'u'
          AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
               WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)) = ARRAY['effective_from', 'model']
    LOOP
        EXECUTE format('ALTER TABLE model_prices DROP CONSTRAINT %I', constraint_name);
    END LOOP;
END
$$;
CREATE UNIQUE INDEX IF NOT EXISTS model_prices_model_tier_effective ON model_prices (model, tier, effective_from);

-- The price of a model at a tier in effect at a time.
CREATE OR REPLACE FUNCTION vigil_price_at(p_model text, p_tier text, p_at timestamptz) RETURNS model_prices
LANGUAGE sql STABLE AS $$
    SELECT * FROM model_prices
    WHERE model = p_model AND tier = coalesce(p_tier, 'standard') AND effective_from <= p_at
    ORDER BY effective_from DESC
    LIMIT 1
$$;

-- The two-argument form is the standard tier's (as it always was).
CREATE OR REPLACE FUNCTION vigil_price_at(p_model text, p_at timestamptz) RETURNS model_prices
LANGUAGE sql STABLE AS $$
    SELECT * FROM model_prices
    WHERE model = p_model AND tier = 'standard' AND effective_from <= p_at
    ORDER BY effective_from DESC
    LIMIT 1
$$;

-- Flex is published as 50 % off standard, for every rate: each standard price gets its flex row
-- from the same date. Priority is published as a range (75-100 % more), not a rate: it is not
-- seeded; an operator sets it (vigil prices set MODEL --tier priority ...) before using priority,
-- and until then priority calls are unpriced.
INSERT INTO model_prices (model, tier, effective_from, input_per_million, output_per_million, cached_per_million,
                          long_context_threshold, input_long_per_million, output_long_per_million, cached_long_per_million, note)
SELECT model, 'flex', effective_from, input_per_million * 0.5, output_per_million * 0.5, cached_per_million * 0.5,
       long_context_threshold, input_long_per_million * 0.5, output_long_per_million * 0.5, cached_long_per_million * 0.5,
       'flex: 50 % of the standard list price'
FROM model_prices WHERE tier = 'standard'
ON CONFLICT (model, tier, effective_from) DO NOTHING;

-- The hourly rollup keeps tiers apart, so reports and invoices show cost by tier.
ALTER TABLE usage_hourly ADD COLUMN IF NOT EXISTS service_tier text NOT NULL DEFAULT 'standard';
ALTER TABLE usage_hourly DROP CONSTRAINT IF EXISTS usage_hourly_pkey;
ALTER TABLE usage_hourly ADD PRIMARY KEY (client_id, hour, model, source_id, source_kind, operation, service_tier);

CREATE OR REPLACE FUNCTION vigil_hourly_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_hourly AS h (client_id, hour, model, source_id, source_kind, operation, service_tier, calls, failed, prompt, cached,
                                   completion, thoughts, tool_use, total, cost, unpriced, estimated, invalid, unknown, duration_sum,
                                   duration_count, duration_max, latency_00, latency_01, latency_02, latency_03, latency_04,
                                   latency_05, latency_06, latency_07, latency_08, latency_09, latency_10, latency_11,
                                   latency_12, latency_13, latency_14, latency_15, latency_16)
    SELECT r.client_key, r.hour, r.model_key, r.source_key, r.kind_key, r.operation_key, r.tier_key,
           count(*), count(*) FILTER (WHERE r.success IS FALSE),
           coalesce(sum(r.prompt_tokens), 0), coalesce(sum(r.cached_tokens), 0), coalesce(sum(r.completion_tokens), 0),
           coalesce(sum(r.thoughts_tokens), 0), coalesce(sum(r.tool_use_tokens), 0), coalesce(sum(r.total_tokens), 0),
           coalesce(sum(r.cost) FILTER (WHERE NOT r.unpriced), 0),
           count(*) FILTER (WHERE r.unpriced), count(*) FILTER (WHERE r.estimated), count(*) FILTER (WHERE r.usage_invalid IS NOT NULL),
           count(*) FILTER (WHERE r.outcome = 'unknown'),
           coalesce(sum(r.duration_ms), 0), count(r.duration_ms), max(r.duration_ms),
           count(*) FILTER (WHERE r.bucket = 0), count(*) FILTER (WHERE r.bucket = 1), count(*) FILTER (WHERE r.bucket = 2), count(*) FILTER (WHERE r.bucket = 3),
               count(*) FILTER (WHERE r.bucket = 4), count(*) FILTER (WHERE r.bucket = 5), count(*) FILTER (WHERE r.bucket = 6), count(*) FILTER (WHERE r.bucket = 7),
               count(*) FILTER (WHERE r.bucket = 8), count(*) FILTER (WHERE r.bucket = 9), count(*) FILTER (WHERE r.bucket = 10), count(*) FILTER (WHERE r.bucket = 11),
               count(*) FILTER (WHERE r.bucket = 12), count(*) FILTER (WHERE r.bucket = 13), count(*) FILTER (WHERE r.bucket = 14), count(*) FILTER (WHERE r.bucket = 15),
               count(*) FILTER (WHERE r.bucket = 16)
    FROM (SELECT i.*, coalesce(i.client_id, 0) AS client_key, date_trunc('hour', i."timestamp", 'UTC') AS hour,
                 coalesce(i.model, 'legacy') AS model_key, coalesce(i.source_id, 'legacy') AS source_key,
                 coalesce(i.source_kind, '') AS kind_key, coalesce(i.method, '') || ' ' || coalesce(i.endpoint, '') AS operation_key,
                 coalesce(i.service_tier, 'standard') AS tier_key,
                 width_bucket(i.duration_ms, ARRAY[250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000, 15000, 20000, 30000, 60000]) AS bucket
          FROM inserted_rows i WHERE i."timestamp" IS NOT NULL) r
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (client_id, hour, model, source_id, source_kind, operation, service_tier) DO UPDATE SET
        calls = h.calls + EXCLUDED.calls, failed = h.failed + EXCLUDED.failed, prompt = h.prompt + EXCLUDED.prompt,
        cached = h.cached + EXCLUDED.cached, completion = h.completion + EXCLUDED.completion,
        thoughts = h.thoughts + EXCLUDED.thoughts, tool_use = h.tool_use + EXCLUDED.tool_use, total = h.total + EXCLUDED.total,
        cost = h.cost + EXCLUDED.cost, unpriced = h.unpriced + EXCLUDED.unpriced, estimated = h.estimated + EXCLUDED.estimated,
        invalid = h.invalid + EXCLUDED.invalid, unknown = h.unknown + EXCLUDED.unknown,
        duration_sum = h.duration_sum + EXCLUDED.duration_sum, duration_count = h.duration_count + EXCLUDED.duration_count,
        duration_max = greatest(h.duration_max, EXCLUDED.duration_max),
        latency_00 = h.latency_00 + EXCLUDED.latency_00, latency_01 = h.latency_01 + EXCLUDED.latency_01, latency_02 = h.latency_02 + EXCLUDED.latency_02,
            latency_03 = h.latency_03 + EXCLUDED.latency_03, latency_04 = h.latency_04 + EXCLUDED.latency_04, latency_05 = h.latency_05 + EXCLUDED.latency_05,
            latency_06 = h.latency_06 + EXCLUDED.latency_06, latency_07 = h.latency_07 + EXCLUDED.latency_07, latency_08 = h.latency_08 + EXCLUDED.latency_08,
            latency_09 = h.latency_09 + EXCLUDED.latency_09, latency_10 = h.latency_10 + EXCLUDED.latency_10, latency_11 = h.latency_11 + EXCLUDED.latency_11,
            latency_12 = h.latency_12 + EXCLUDED.latency_12, latency_13 = h.latency_13 + EXCLUDED.latency_13, latency_14 = h.latency_14 + EXCLUDED.latency_14,
            latency_15 = h.latency_15 + EXCLUDED.latency_15, latency_16 = h.latency_16 + EXCLUDED.latency_16;
    RETURN NULL;
END
$$;
