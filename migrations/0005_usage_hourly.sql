-- Usage added up per client, UTC hour, model and source, kept current by a trigger on every insert,
-- so a month's invoice reads a few thousand rows instead of millions. Exact: the same sums as the
-- rows (NUMERIC cost), and rows are never deleted. Repricing updates it in the same transaction.
CREATE TABLE IF NOT EXISTS usage_hourly (
    client_id    integer NOT NULL,
    hour         timestamptz NOT NULL,
    model        text NOT NULL,
    source_id    text NOT NULL,
    source_kind  text NOT NULL,
    calls        bigint NOT NULL,
    failed       bigint NOT NULL,
    prompt       bigint NOT NULL,
    cached       bigint NOT NULL,
    completion   bigint NOT NULL,
    thoughts     bigint NOT NULL,
    tool_use     bigint NOT NULL,
    total        bigint NOT NULL,
    cost         numeric NOT NULL,
    unpriced     bigint NOT NULL,
    estimated    bigint NOT NULL,
    duration_sum bigint NOT NULL,
    PRIMARY KEY (client_id, hour, model, source_id, source_kind)
);

CREATE OR REPLACE FUNCTION vigil_hourly_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_hourly AS h
    SELECT coalesce(r.client_id, 0), date_trunc('hour', r."timestamp", 'UTC'), coalesce(r.model, 'legacy'),
           coalesce(r.source_id, 'legacy'), coalesce(r.source_kind, ''),
           count(*), count(*) FILTER (WHERE r.success IS FALSE),
           coalesce(sum(r.prompt_tokens), 0), coalesce(sum(r.cached_tokens), 0), coalesce(sum(r.completion_tokens), 0),
           coalesce(sum(r.thoughts_tokens), 0), coalesce(sum(r.tool_use_tokens), 0), coalesce(sum(r.total_tokens), 0),
           coalesce(sum(r.cost) FILTER (WHERE NOT r.unpriced), 0),
           count(*) FILTER (WHERE r.unpriced), count(*) FILTER (WHERE r.estimated), coalesce(sum(r.duration_ms), 0)
    FROM inserted_rows r
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (client_id, hour, model, source_id, source_kind) DO UPDATE SET
        calls = h.calls + EXCLUDED.calls, failed = h.failed + EXCLUDED.failed, prompt = h.prompt + EXCLUDED.prompt,
        cached = h.cached + EXCLUDED.cached, completion = h.completion + EXCLUDED.completion,
        thoughts = h.thoughts + EXCLUDED.thoughts, tool_use = h.tool_use + EXCLUDED.tool_use, total = h.total + EXCLUDED.total,
        cost = h.cost + EXCLUDED.cost, unpriced = h.unpriced + EXCLUDED.unpriced, estimated = h.estimated + EXCLUDED.estimated,
        duration_sum = h.duration_sum + EXCLUDED.duration_sum;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS api_usage_hourly ON api_usage;
CREATE TRIGGER api_usage_hourly AFTER INSERT ON api_usage
    REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION vigil_hourly_on_insert();

-- The rows already there (a predecessor's, or earlier Vigil's).
TRUNCATE usage_hourly;
INSERT INTO usage_hourly
SELECT coalesce(r.client_id, 0), date_trunc('hour', r."timestamp", 'UTC'), coalesce(r.model, 'legacy'),
       coalesce(r.source_id, 'legacy'), coalesce(r.source_kind, ''),
       count(*), count(*) FILTER (WHERE r.success IS FALSE),
       coalesce(sum(r.prompt_tokens), 0), coalesce(sum(r.cached_tokens), 0), coalesce(sum(r.completion_tokens), 0),
       coalesce(sum(r.thoughts_tokens), 0), coalesce(sum(r.tool_use_tokens), 0), coalesce(sum(r.total_tokens), 0),
       coalesce(sum(r.cost) FILTER (WHERE NOT r.unpriced), 0),
       count(*) FILTER (WHERE r.unpriced), count(*) FILTER (WHERE r.estimated), coalesce(sum(r.duration_ms), 0)
FROM api_usage r
WHERE r."timestamp" IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
