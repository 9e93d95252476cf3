-- Invoices a business can send, and credit notes.
--
-- exchange_rates: USD → currency rates, effective from a date (the price book is in USD). An invoice
-- in another currency converts at the rate in effect on the last day of its period, and stores the
-- rate, its date and its source, so later rates never change it.
CREATE TABLE IF NOT EXISTS exchange_rates (
    currency       text NOT NULL,
    effective_from date NOT NULL,
    rate           numeric NOT NULL CHECK (rate > 0),
    source         text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (currency, effective_from)
);

-- Credit notes are rows of invoices (kind 'credit_note') in a numbering series of their own,
-- referencing the invoice they credit. An issued document never changes.
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'invoice';
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS credits integer REFERENCES invoices (id);
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS issue_date date;
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS due_date date;
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS exchange_rate numeric;
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS rate_date date;
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS rate_source text;
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS reason text;

-- One invoice per client and month; a month may have any number of credit notes.
ALTER TABLE invoices DROP CONSTRAINT IF EXISTS invoices_client_id_month_key;
CREATE UNIQUE INDEX IF NOT EXISTS invoices_one_per_month ON invoices (client_id, month) WHERE kind = 'invoice';
-- Gapless per series and year.
ALTER TABLE invoices DROP CONSTRAINT IF EXISTS invoices_year_sequence_key;
CREATE UNIQUE INDEX IF NOT EXISTS invoices_series_sequence ON invoices (kind, year, sequence);
CREATE INDEX IF NOT EXISTS invoices_credits ON invoices (credits) WHERE credits IS NOT NULL;

CREATE TABLE IF NOT EXISTS credit_note_numbers (
    year        integer PRIMARY KEY,
    last_number integer NOT NULL
);
