-- 0016: several daemons, one fleet. Each `vigil run` in cluster mode is a node that heartbeats in
-- cluster_nodes and analyses only the sources it leases in source_leases. A lease's epoch grows at
-- every change of owner (a fencing token): the rows of a call carry the node and the epoch it held,
-- and a row whose epoch was already superseded when its call was made is marked (never dropped: a
-- call that was made is always recorded).

CREATE TABLE IF NOT EXISTS cluster_nodes (
    name          text PRIMARY KEY,
    -- Which run of that name: a second process with the same name is refused while this one lives.
    instance_id   uuid NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    stopped_at    timestamptz,
    version       text,
    host          text,
    pid           integer,
    sources_held  integer NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS source_leases (
    source_id    text PRIMARY KEY,
    node         text NOT NULL,
    instance_id  uuid NOT NULL,
    -- Grows by one at every change of owner; never reused.
    epoch        bigint NOT NULL,
    acquired_at  timestamptz NOT NULL,
    renewed_at   timestamptz NOT NULL,
    -- The database's clock: a lease is free once now() has passed it.
    expires_at   timestamptz NOT NULL,
    -- Set when its node gave it up (shutdown, rebalance): its last call was before then, so the next
    -- owner waits an interval from here rather than from expires_at less the safety margin.
    released_at  timestamptz
);

-- Every epoch of every source, with when it began: what the ledger checks a row's epoch against.
CREATE TABLE IF NOT EXISTS source_lease_epochs (
    source_id   text NOT NULL,
    epoch       bigint NOT NULL,
    node        text NOT NULL,
    started_at  timestamptz NOT NULL,
    PRIMARY KEY (source_id, epoch)
);

-- No ledger transaction may add rows between the new columns and the new function.
LOCK TABLE api_usage IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS node text;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS lease_epoch bigint;
-- Set when the call was made under a lease a newer owner already held: an analysis made twice.
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS lease_superseded boolean NOT NULL DEFAULT false;

-- The hourly rollup keeps nodes apart (a single daemon's rows have none: ''), for `vigil usage --by node`.
ALTER TABLE usage_hourly ADD COLUMN IF NOT EXISTS node text NOT NULL DEFAULT '';
ALTER TABLE usage_hourly DROP CONSTRAINT IF EXISTS usage_hourly_pkey;
ALTER TABLE usage_hourly ADD PRIMARY KEY (client_id, hour, model, source_id, source_kind, operation, service_tier, node);

CREATE OR REPLACE FUNCTION vigil_hourly_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_hourly AS h (client_id, hour, model, source_id, source_kind, operation, service_tier, node, calls, failed, prompt, cached,
                                   completion, thoughts, tool_use, total, cost, unpriced, estimated, invalid, unknown, duration_sum,
                                   duration_count, duration_max, latency_00, latency_01, latency_02, latency_03, latency_04,
                                   latency_05, latency_06, latency_07, latency_08, latency_09, latency_10, latency_11,
                                   latency_12, latency_13, latency_14, latency_15, latency_16)
    SELECT r.client_key, r.hour, r.model_key, r.source_key, r.kind_key, r.operation_key, r.tier_key, r.node_key,
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
                 coalesce(i.service_tier, 'standard') AS tier_key, coalesce(i.node, '') AS node_key,
                 width_bucket(i.duration_ms, ARRAY[250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000, 15000, 20000, 30000, 60000]) AS bucket
          FROM inserted_rows i WHERE i."timestamp" IS NOT NULL) r
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (client_id, hour, model, source_id, source_kind, operation, service_tier, node) DO UPDATE SET
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
