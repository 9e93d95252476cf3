-- The tables Vigil shares with the predecessor system. On a fresh database this creates them; on a
-- predecessor's database they already exist and nothing here changes them.
CREATE TABLE IF NOT EXISTS clients (
    id         serial PRIMARY KEY,
    name       text NOT NULL,
    email      text UNIQUE,
    created_at timestamp DEFAULT now()
);

CREATE TABLE IF NOT EXISTS api_keys (
    id         serial PRIMARY KEY,
    client_id  integer REFERENCES clients (id),
    key_hash   text,
    name       text,
    is_active  boolean DEFAULT true,
    created_at timestamp DEFAULT now()
);

CREATE TABLE IF NOT EXISTS api_usage (
    id           serial PRIMARY KEY,
    api_key_id   integer REFERENCES api_keys (id),
    endpoint     text,
    method       text,
    status_code  integer,
    cost         double precision,
    "timestamp"  timestamp DEFAULT now(),
    request_data text
);
