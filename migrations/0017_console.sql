-- The web console (`vigil serve`): API tokens, stored only as the SHA-256 of the token, and the
-- browser sessions a token's login opens (the cookie's SHA-256, never the cookie itself).
CREATE TABLE IF NOT EXISTS console_tokens (
    id           serial PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    role         text NOT NULL CHECK (role IN ('viewer', 'billing', 'admin')),
    client_code  text,
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE IF NOT EXISTS console_sessions (
    id_hash    bytea PRIMARY KEY,
    token_id   integer NOT NULL REFERENCES console_tokens (id) ON DELETE CASCADE,
    csrf       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS console_sessions_expiry ON console_sessions (expires_at);
