-- Samples the scene-change gate kept from Gemini, per client, UTC hour and source. No call was made,
-- so they are never api_usage rows; reports show them beside the calls. cost_avoided is an estimate:
-- each skip counts the mean cost of the source's recent calls at the time it was skipped.
CREATE TABLE IF NOT EXISTS scene_gate_hourly (
    client_id    integer NOT NULL,
    hour         timestamptz NOT NULL,
    source_id    text NOT NULL,
    source_kind  text NOT NULL,
    skipped      bigint NOT NULL,
    cost_avoided numeric NOT NULL,
    PRIMARY KEY (client_id, hour, source_id)
);
CREATE INDEX IF NOT EXISTS scene_gate_hourly_hour ON scene_gate_hourly (hour);

-- Each crossing of a client's monthly budget (a warning level, degraded sampling, the limit, a
-- resume after the limit was raised), once per client, month and limit: several daemons insert
-- the same crossing, one row stays (ON CONFLICT DO NOTHING), and only the daemon whose insert made
-- it logs it. month is the first day of the client's calendar month in the client's time zone.
CREATE TABLE IF NOT EXISTS budget_events (
    id            bigserial PRIMARY KEY,
    client_id     integer NOT NULL,
    month         date NOT NULL,
    event         text NOT NULL,
    monthly_limit numeric NOT NULL,
    spent         numeric NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (client_id, month, event, monthly_limit)
);
