-- Usage per stream session and UTC hour, for reports by session (`vigil usage --by session`, the
-- console's usage explorer and `/api/v1/usage?by=session`), which read every row of the period
-- before: seconds for a month of millions of rows. A call counts for each session in its
-- `session_ids` (a group's call for each of its cameras' sessions), with all its tokens and cost, as
-- the report by session always counted it. The same sums as `usage_hourly`: exact, kept by the insert
-- trigger below, and by the statements that reprice or correct a row (in the same statement).
-- Its triggers fire after `usage_hourly`'s and `camera_hourly`'s (PostgreSQL fires them by name), so
-- every writer locks the three rollups' rows in the same order.

-- No ledger transaction may add rows between the backfill and the trigger.
LOCK TABLE api_usage IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE IF NOT EXISTS session_hourly (
    client_id      integer NOT NULL,
    hour           timestamptz NOT NULL,
    session_id     uuid NOT NULL,
    calls          bigint NOT NULL DEFAULT 0,
    failed         bigint NOT NULL DEFAULT 0,
    prompt         bigint NOT NULL DEFAULT 0,
    cached         bigint NOT NULL DEFAULT 0,
    completion     bigint NOT NULL DEFAULT 0,
    thoughts       bigint NOT NULL DEFAULT 0,
    tool_use       bigint NOT NULL DEFAULT 0,
    total          bigint NOT NULL DEFAULT 0,
    cost           numeric NOT NULL DEFAULT 0,
    unpriced       bigint NOT NULL DEFAULT 0,
    estimated      bigint NOT NULL DEFAULT 0,
    invalid        bigint NOT NULL DEFAULT 0,
    unknown        bigint NOT NULL DEFAULT 0,
    duration_sum   bigint NOT NULL DEFAULT 0,
    duration_count bigint NOT NULL DEFAULT 0,
    duration_max   integer,
    latency_00     bigint NOT NULL DEFAULT 0,
    latency_01     bigint NOT NULL DEFAULT 0,
    latency_02     bigint NOT NULL DEFAULT 0,
    latency_03     bigint NOT NULL DEFAULT 0,
    latency_04     bigint NOT NULL DEFAULT 0,
    latency_05     bigint NOT NULL DEFAULT 0,
    latency_06     bigint NOT NULL DEFAULT 0,
    latency_07     bigint NOT NULL DEFAULT 0,
    latency_08     bigint NOT NULL DEFAULT 0,
    latency_09     bigint NOT NULL DEFAULT 0,
    latency_10     bigint NOT NULL DEFAULT 0,
    latency_11     bigint NOT NULL DEFAULT 0,
    latency_12     bigint NOT NULL DEFAULT 0,
    latency_13     bigint NOT NULL DEFAULT 0,
    latency_14     bigint NOT NULL DEFAULT 0,
    latency_15     bigint NOT NULL DEFAULT 0,
    latency_16     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, hour, session_id)
);
CREATE INDEX IF NOT EXISTS session_hourly_hour ON session_hourly (hour);

CREATE OR REPLACE FUNCTION vigil_session_hourly_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO session_hourly AS h (client_id, hour, session_id, calls, failed, prompt, cached, completion, thoughts, tool_use, total,
                                 cost, unpriced, estimated, invalid, unknown, duration_sum, duration_count, duration_max,
                                 latency_00, latency_01, latency_02, latency_03, latency_04, latency_05, latency_06, latency_07, latency_08, latency_09, latency_10, latency_11, latency_12, latency_13, latency_14, latency_15, latency_16)
    SELECT r.client_key, r.hour, r.session_id,
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
    FROM (SELECT i.*, s.session_id, coalesce(i.client_id, 0) AS client_key, date_trunc('hour', i."timestamp", 'UTC') AS hour,
                 width_bucket(i.duration_ms, ARRAY[250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000, 15000, 20000, 30000, 60000]) AS bucket
          FROM inserted_rows i CROSS JOIN LATERAL unnest(i.session_ids) AS s(session_id) WHERE i."timestamp" IS NOT NULL) r
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (client_id, hour, session_id) DO UPDATE SET
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

DROP TRIGGER IF EXISTS api_usage_hourly_sessions ON api_usage;
CREATE TRIGGER api_usage_hourly_sessions AFTER INSERT ON api_usage
    REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION vigil_session_hourly_on_insert();

-- The rows already there.
TRUNCATE session_hourly;
INSERT INTO session_hourly AS h (client_id, hour, session_id, calls, failed, prompt, cached, completion, thoughts, tool_use, total,
                                 cost, unpriced, estimated, invalid, unknown, duration_sum, duration_count, duration_max,
                                 latency_00, latency_01, latency_02, latency_03, latency_04, latency_05, latency_06, latency_07, latency_08, latency_09, latency_10, latency_11, latency_12, latency_13, latency_14, latency_15, latency_16)
    SELECT r.client_key, r.hour, r.session_id,
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
    FROM (SELECT i.*, s.session_id, coalesce(i.client_id, 0) AS client_key, date_trunc('hour', i."timestamp", 'UTC') AS hour,
                 width_bucket(i.duration_ms, ARRAY[250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000, 15000, 20000, 30000, 60000]) AS bucket
          FROM api_usage i CROSS JOIN LATERAL unnest(i.session_ids) AS s(session_id) WHERE i."timestamp" IS NOT NULL) r
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (client_id, hour, session_id) DO UPDATE SET
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
