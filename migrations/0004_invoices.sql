-- Issued invoices: numbered gaplessly per year, frozen, and linked to the usage rows they bill.

CREATE TABLE IF NOT EXISTS invoice_numbers (
    year        integer PRIMARY KEY,
    last_number integer NOT NULL
);

CREATE TABLE IF NOT EXISTS invoices (
    id            serial PRIMARY KEY,
    number        text NOT NULL UNIQUE,
    year          integer NOT NULL,
    sequence      integer NOT NULL,
    client_id     integer NOT NULL REFERENCES clients (id),
    month         text NOT NULL,
    period_start  timestamptz NOT NULL,
    period_end    timestamptz NOT NULL,
    currency      text NOT NULL,
    provider_cost numeric NOT NULL,
    subtotal      numeric NOT NULL,
    vat           numeric NOT NULL,
    total         numeric NOT NULL,
    document      text NOT NULL,
    issued_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (client_id, month),
    UNIQUE (year, sequence)
);

ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS invoice_id integer REFERENCES invoices (id);
CREATE INDEX IF NOT EXISTS api_usage_uninvoiced ON api_usage (client_id, "timestamp") WHERE invoice_id IS NULL;
CREATE INDEX IF NOT EXISTS api_usage_invoice ON api_usage (invoice_id) WHERE invoice_id IS NOT NULL;
