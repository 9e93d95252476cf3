-- Each camera's share of the calls it appeared in. A group call tiles four cameras into one image
-- and costs one call; its cost is split in equal shares over the cameras that were in the image
-- (api_usage.camera_ids, in quadrant order). A dark quadrant (a camera with no fresh frame) was
-- not in the image and takes no share. Each share is kept to 12 decimal places, the remainder in
-- units of 10^-12 goes one unit each to the first cameras, and any digits of the cost beyond the
-- 12th (a cost has at most 15) go to the first camera: the shares add up to the call's cost to the
-- last digit. A single camera's call has one share, its whole cost.
--
-- analyses.cost_share is the share of the camera's verdict (0 for a camera of a dark quadrant, NULL
-- while the call has no cost). camera_hourly adds the shares up per client, UTC hour, camera and
-- source, as usage_hourly adds the calls up: an insert trigger keeps it, and the statements that
-- cost a row later (vigil prices reprice, vigil invalid-usage correct) update it in the same
-- statement, as they update usage_hourly. (An UPDATE trigger with transition tables cannot name
-- its columns, so it would run on every update of api_usage, such as the one that marks a month's
-- rows when an invoice is issued: measured on 10 M rows, marking them took 222 s with such a
-- trigger against 184 s without.)

-- No ledger transaction may add rows between the backfill below and the new trigger.
LOCK TABLE api_usage IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE analyses IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS camera_ids text[] NOT NULL DEFAULT '{}';
ALTER TABLE analyses ADD COLUMN IF NOT EXISTS cost_share numeric;

-- Share number `share` (1-based) of `shares` equal shares of `call_cost`, as above. NULL when the
-- cost is NULL (unpriced, invalid usage, unknown outcome); 0 for a position outside 1..shares (a
-- camera that was not in the image).
CREATE OR REPLACE FUNCTION vigil_cost_share(call_cost numeric, share integer, shares integer) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN call_cost IS NULL THEN NULL
        WHEN share IS NULL OR shares IS NULL OR share < 1 OR share > shares THEN 0
        -- u = floor(cost × 10^12) units; r = u mod n (0 ≤ r < n); share = (u - r) / n units, one more
        -- for the first r cameras, and the digits beyond the 12th for the first.
        ELSE (div(floor(call_cost * 1000000000000) - mod(mod(floor(call_cost * 1000000000000), shares) + shares, shares), shares)
              + CASE WHEN share <= mod(mod(floor(call_cost * 1000000000000), shares) + shares, shares) THEN 1 ELSE 0 END)
             * 0.000000000001
             + CASE WHEN share = 1 THEN call_cost - floor(call_cost * 1000000000000) * 0.000000000001 ELSE 0 END
    END
$$;

-- The cameras a call's cost is split over, each with its share: the cameras of `ids` in order, or,
-- when a row does not know its cameras (a group call recorded before this migration without
-- verdicts; a predecessor's row), its source as a whole (`legacy` for a row without one).
CREATE OR REPLACE FUNCTION vigil_camera_shares(ids text[], source text, call_cost numeric)
RETURNS TABLE (camera_id text, share numeric)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT c.id, vigil_cost_share(call_cost, c.position::integer, greatest(cardinality(ids), 1))
    FROM unnest(CASE WHEN cardinality(ids) > 0 THEN ids ELSE ARRAY[coalesce(source, 'legacy')] END) WITH ORDINALITY AS c(id, position)
$$;

-- Per client, UTC hour, camera and source (the source a group member's calls came through):
-- analyses = calls the camera appeared in, cost_share = the sum of its shares of the priced ones,
-- and the calls that were failed, unpriced (their shares unknown, not zero), estimated, of invalid
-- usage or of unknown outcome. A row whose cameras are unknown counts under camera_id = source_id.
CREATE TABLE IF NOT EXISTS camera_hourly (
    client_id   integer NOT NULL,
    hour        timestamptz NOT NULL,
    camera_id   text NOT NULL,
    source_id   text NOT NULL,
    source_kind text NOT NULL,
    analyses    bigint NOT NULL,
    failed      bigint NOT NULL,
    cost_share  numeric NOT NULL,
    unpriced    bigint NOT NULL,
    estimated   bigint NOT NULL,
    invalid     bigint NOT NULL,
    unknown     bigint NOT NULL,
    PRIMARY KEY (client_id, hour, camera_id, source_id, source_kind)
);
CREATE INDEX IF NOT EXISTS camera_hourly_hour ON camera_hourly (hour);

-- In key order, like usage_hourly's trigger, so two ledger transactions never wait on each other's
-- rows in opposite orders. The trigger is named to fire after api_usage_hourly (triggers fire in
-- name order): every statement that changes both rollups changes usage_hourly first.
CREATE OR REPLACE FUNCTION vigil_camera_hourly_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO camera_hourly AS h (client_id, hour, camera_id, source_id, source_kind, analyses, failed, cost_share,
                                    unpriced, estimated, invalid, unknown)
    SELECT coalesce(i.client_id, 0), date_trunc('hour', i."timestamp", 'UTC'), s.camera_id, coalesce(i.source_id, 'legacy'),
           coalesce(i.source_kind, ''), count(*), count(*) FILTER (WHERE i.success IS FALSE),
           coalesce(sum(s.share) FILTER (WHERE NOT i.unpriced), 0), count(*) FILTER (WHERE i.unpriced),
           count(*) FILTER (WHERE i.estimated), count(*) FILTER (WHERE i.usage_invalid IS NOT NULL),
           count(*) FILTER (WHERE i.outcome = 'unknown')
    FROM inserted_rows i CROSS JOIN LATERAL vigil_camera_shares(i.camera_ids, i.source_id, i.cost) s
    WHERE i."timestamp" IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (client_id, hour, camera_id, source_id, source_kind) DO UPDATE SET
        analyses = h.analyses + EXCLUDED.analyses, failed = h.failed + EXCLUDED.failed,
        cost_share = h.cost_share + EXCLUDED.cost_share, unpriced = h.unpriced + EXCLUDED.unpriced,
        estimated = h.estimated + EXCLUDED.estimated, invalid = h.invalid + EXCLUDED.invalid, unknown = h.unknown + EXCLUDED.unknown;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS api_usage_hourly_cameras ON api_usage;
CREATE TRIGGER api_usage_hourly_cameras AFTER INSERT ON api_usage
    REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION vigil_camera_hourly_on_insert();

-- The rows already there. A camera's row shows its camera. A group row's cameras are those of its
-- verdicts (one per camera of the group, dark quadrants included) that had a frame (frame_size is
-- recorded only for a camera present in the image), in quadrant order; all of them if none says.
-- A group row without verdicts (a failed call) keeps '{}': which cameras it showed is unknown, and
-- its cost stays with the group (vigil_camera_shares). The ledger reads segments spooled before
-- spool format 4 by the same rules (LedgerBatch.swift). Each verdict then takes its share.
--
-- Both columns are filled by rewriting their table (ALTER COLUMN ... TYPE ... USING), each row
-- looking up what it needs through a function used only here: on 10 M rows and 14 M verdicts the
-- whole migration took 265 s, against 562 s with UPDATE statements, which also left every row of
-- both tables dead behind them.
CREATE FUNCTION vigil_0012_verdict_cameras(usage_row bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(a.camera_id ORDER BY a.quadrant, a.id) FILTER (WHERE a.frame_size IS NOT NULL),
                    array_agg(a.camera_id ORDER BY a.quadrant, a.id), '{}')
    FROM analyses a WHERE a.usage_id = usage_row
$$;

CREATE FUNCTION vigil_0012_verdict_share(usage_row bigint, camera text) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT vigil_cost_share(u.cost, array_position(u.camera_ids, camera), cardinality(u.camera_ids))
    FROM api_usage u WHERE u.id = usage_row
$$;

ALTER TABLE api_usage ALTER COLUMN camera_ids TYPE text[] USING
    CASE WHEN source_kind = 'camera' AND source_id IS NOT NULL THEN ARRAY[source_id]
         WHEN source_kind IS NOT NULL THEN vigil_0012_verdict_cameras(id)
         ELSE camera_ids END;

ALTER TABLE analyses ALTER COLUMN cost_share TYPE numeric USING vigil_0012_verdict_share(usage_id, camera_id);

DROP FUNCTION vigil_0012_verdict_cameras(bigint);
DROP FUNCTION vigil_0012_verdict_share(bigint, text);

TRUNCATE camera_hourly;
INSERT INTO camera_hourly AS h (client_id, hour, camera_id, source_id, source_kind, analyses, failed, cost_share,
                                unpriced, estimated, invalid, unknown)
SELECT coalesce(i.client_id, 0), date_trunc('hour', i."timestamp", 'UTC'), s.camera_id, coalesce(i.source_id, 'legacy'),
       coalesce(i.source_kind, ''), count(*), count(*) FILTER (WHERE i.success IS FALSE),
       coalesce(sum(s.share) FILTER (WHERE NOT i.unpriced), 0), count(*) FILTER (WHERE i.unpriced),
       count(*) FILTER (WHERE i.estimated), count(*) FILTER (WHERE i.usage_invalid IS NOT NULL),
       count(*) FILTER (WHERE i.outcome = 'unknown')
FROM api_usage i CROSS JOIN LATERAL vigil_camera_shares(i.camera_ids, i.source_id, i.cost) s
WHERE i."timestamp" IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5;
