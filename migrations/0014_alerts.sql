-- 0014: incidents that reach people. The picture behind an incident verdict is kept on disk and
-- named on its row; alerts go through an outbox with one delivery row per channel, so a restart (or
-- another daemon) resumes what is pending and every attempt is on record.

ALTER TABLE analyses ADD COLUMN IF NOT EXISTS evidence_path text;

CREATE TABLE IF NOT EXISTS alerts (
    alert_id      uuid PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('incident', 'camera_offline', 'camera_online', 'budget', 'test')),
    client_id     text,  -- the client's code (clients.code), as configured
    camera_id     text,
    source_id     text,
    created_at    timestamptz NOT NULL,
    -- What the receivers are told beyond the common fields (incident type, confidence, outage,
    -- budget level...), as the alert was made; never a secret.
    details       jsonb NOT NULL DEFAULT '{}',
    evidence_path text,
    -- The daemon that raised it (its host name, or --node).
    node          text,
    inserted_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS alerts_created ON alerts (created_at);
CREATE INDEX IF NOT EXISTS alerts_client_created ON alerts (client_id, created_at);

-- One row per alert and channel (operator.webhook.NAME, client.ID.webhook.NAME, operator.email,
-- client.ID.email). Pending: neither delivered_at nor failed_at. A sender claims a due row by
-- moving its next_attempt_at forward (FOR UPDATE SKIP LOCKED), so two senders never send one at once.
CREATE TABLE IF NOT EXISTS alert_deliveries (
    alert_id        uuid NOT NULL REFERENCES alerts (alert_id),
    channel         text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    last_attempt_at timestamptz,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    failed_at       timestamptz,
    PRIMARY KEY (alert_id, channel)
);
CREATE INDEX IF NOT EXISTS alert_deliveries_pending ON alert_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
