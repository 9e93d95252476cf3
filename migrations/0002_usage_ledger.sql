-- Vigil's usage ledger on top of the predecessor's api_usage: exact money, time zones, token kinds.
-- Every change keeps old rows and their meaning: costs keep their value (now exact NUMERIC), times
-- stored without a zone are read as UTC (what the predecessor wrote), token columns the old scripts
-- may already have added are kept.

-- Clients get the id the configuration uses for them.
ALTER TABLE clients ADD COLUMN IF NOT EXISTS code text;
ALTER TABLE clients ADD COLUMN IF NOT EXISTS time_zone text NOT NULL DEFAULT 'UTC';
ALTER TABLE clients ADD COLUMN IF NOT EXISTS updated_at timestamptz;
CREATE UNIQUE INDEX IF NOT EXISTS clients_code_key ON clients (code);

-- api_usage: one row per Gemini call attempt that reached the network.
ALTER TABLE api_usage ALTER COLUMN "timestamp" TYPE timestamptz USING "timestamp" AT TIME ZONE 'UTC';
ALTER TABLE api_usage ALTER COLUMN "timestamp" SET DEFAULT now();
ALTER TABLE api_usage ALTER COLUMN id TYPE bigint;
-- float8 -> text -> numeric keeps the shortest text that reads back as the same double: no cost changes.
ALTER TABLE api_usage ALTER COLUMN cost TYPE numeric USING cost::text::numeric;
ALTER TABLE api_usage ALTER COLUMN api_key_id DROP NOT NULL;

ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS prompt_tokens integer DEFAULT 0;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS completion_tokens integer DEFAULT 0;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS total_tokens integer DEFAULT 0;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS request_id text;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS client_id integer REFERENCES clients (id);
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS source_id text;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS source_kind text;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS model text;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS model_version text;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS response_id text;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS cached_tokens integer NOT NULL DEFAULT 0;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS thoughts_tokens integer NOT NULL DEFAULT 0;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS tool_use_tokens integer NOT NULL DEFAULT 0;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS image_tokens integer NOT NULL DEFAULT 0;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS estimated boolean NOT NULL DEFAULT false;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS success boolean;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS error text;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS finish_reason text;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS attempt integer NOT NULL DEFAULT 1;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS duration_ms integer;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS price_id integer;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS unpriced boolean NOT NULL DEFAULT false;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS session_ids uuid[] NOT NULL DEFAULT '{}';
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS camera_count integer;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS image_width integer;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS image_height integer;
ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS recorded_at timestamptz NOT NULL DEFAULT now();

-- Old rows: the predecessor's client through its API key, success from the HTTP status.
UPDATE api_usage u SET client_id = k.client_id FROM api_keys k WHERE u.client_id IS NULL AND u.api_key_id = k.id;
UPDATE api_usage SET success = (status_code BETWEEN 200 AND 299) WHERE success IS NULL AND status_code IS NOT NULL;

CREATE UNIQUE INDEX IF NOT EXISTS api_usage_request_id_key ON api_usage (request_id);
CREATE INDEX IF NOT EXISTS api_usage_client_time ON api_usage (client_id, "timestamp");
CREATE INDEX IF NOT EXISTS api_usage_source_time ON api_usage (source_id, "timestamp");
CREATE INDEX IF NOT EXISTS api_usage_time ON api_usage ("timestamp");
CREATE INDEX IF NOT EXISTS api_usage_sessions ON api_usage USING gin (session_ids);

-- Cameras and groups, synced from the configuration at start.
CREATE TABLE IF NOT EXISTS cameras (
    id         text PRIMARY KEY,
    client_id  integer NOT NULL REFERENCES clients (id),
    name       text NOT NULL,
    stream     text NOT NULL,
    enabled    boolean NOT NULL DEFAULT true,
    active     boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS camera_groups (
    id         text PRIMARY KEY,
    client_id  integer NOT NULL REFERENCES clients (id),
    name       text NOT NULL,
    camera_ids text[] NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One camera connection's life: from connecting to disconnecting or shutdown.
CREATE TABLE IF NOT EXISTS stream_sessions (
    id         uuid PRIMARY KEY,
    camera_id  text NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at   timestamptz,
    end_reason text
);
CREATE INDEX IF NOT EXISTS stream_sessions_camera ON stream_sessions (camera_id, started_at);

-- The verdict of each successful call, one row per camera (four for a group).
CREATE TABLE IF NOT EXISTS analyses (
    id                bigserial PRIMARY KEY,
    usage_id          bigint NOT NULL REFERENCES api_usage (id),
    request_id        text NOT NULL,
    "timestamp"       timestamptz NOT NULL,
    client_id         integer REFERENCES clients (id),
    camera_id         text NOT NULL,
    source_id         text NOT NULL,
    quadrant          integer,
    frame_count       integer NOT NULL DEFAULT 1,
    frame_size        text,
    incident_detected boolean NOT NULL,
    incident_type     text NOT NULL,
    confidence        numeric,
    description       text,
    analysis_text     text,
    UNIQUE (request_id, camera_id)
);
CREATE INDEX IF NOT EXISTS analyses_camera_time ON analyses (camera_id, "timestamp");
CREATE INDEX IF NOT EXISTS analyses_incidents ON analyses ("timestamp") WHERE incident_detected;

-- Effective-dated model prices in USD per million tokens; the billing migrations fill it.
CREATE TABLE IF NOT EXISTS model_prices (
    id                     serial PRIMARY KEY,
    model                  text NOT NULL,
    effective_from         timestamptz NOT NULL,
    input_per_million      numeric NOT NULL CHECK (input_per_million >= 0),
    output_per_million     numeric NOT NULL CHECK (output_per_million >= 0),
    cached_per_million     numeric CHECK (cached_per_million >= 0),
    long_context_threshold integer,
    input_long_per_million  numeric,
    output_long_per_million numeric,
    cached_long_per_million numeric,
    note                   text,
    created_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (model, effective_from)
);

-- The predecessor's serial id is 32-bit; the ledger outgrows that.
DO $$
DECLARE sequence_name text := pg_get_serial_sequence('api_usage', 'id');
BEGIN
    IF sequence_name IS NOT NULL THEN
        EXECUTE format('ALTER SEQUENCE %s AS bigint', sequence_name);
    END IF;
END
$$;
