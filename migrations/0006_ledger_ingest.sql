-- The ledger's write path, cheaper per row (scripts/bench-store measures it). Each change below
-- was measured on a 5,000-row ledger statement with EXPLAIN ANALYZE.

-- Session reports find a session's rows by its time range (below) and filter them; the GIN index on
-- session_ids cost about 5 µs per inserted row for that one report.
DROP INDEX IF EXISTS api_usage_sessions;

-- Rows arrive in time order, so a BRIN index serves time ranges (usage reports' partial hours) at a
-- fraction of a B-tree's upkeep. By-client and by-source time ranges keep their B-trees.
DROP INDEX IF EXISTS api_usage_time;
CREATE INDEX IF NOT EXISTS api_usage_time_brin ON api_usage USING brin ("timestamp");

-- analyses rows are written only by the ledger statement that inserts their usage row, from that
-- row's own id and client, and neither table is ever deleted from. The per-row foreign-key checks
-- (each locks the referenced row) cost more than the insert itself: about 20 µs of a row's 85.
ALTER TABLE analyses DROP CONSTRAINT IF EXISTS analyses_usage_id_fkey;
ALTER TABLE analyses DROP CONSTRAINT IF EXISTS analyses_client_id_fkey;

-- One verdict per camera per call, keyed by the usage row's id (increasing, so the index grows at
-- its right edge) rather than by the request id text.
ALTER TABLE analyses DROP CONSTRAINT IF EXISTS analyses_request_id_camera_id_key;
CREATE UNIQUE INDEX IF NOT EXISTS analyses_usage_camera ON analyses (usage_id, camera_id);

-- api_usage.client_id comes from the ledger statement's own join on clients, and invoice_id only
-- from the transaction that issues an invoice. Their per-row foreign-key checks cost 12 µs of a
-- row's 52. What kept those references valid is that a client or an invoice never goes away: that
-- is now enforced once per statement instead of checked once per usage row.
ALTER TABLE api_usage DROP CONSTRAINT IF EXISTS api_usage_client_id_fkey;
ALTER TABLE api_usage DROP CONSTRAINT IF EXISTS api_usage_invoice_id_fkey;

CREATE OR REPLACE FUNCTION vigil_refuse_removal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are referenced by the usage ledger and are never deleted or renumbered', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'A client removed from the configuration keeps its row, usage and invoices; issued invoices are permanent.';
END
$$;

DROP TRIGGER IF EXISTS clients_never_removed ON clients;
CREATE TRIGGER clients_never_removed BEFORE DELETE OR UPDATE OF id ON clients
    FOR EACH ROW EXECUTE FUNCTION vigil_refuse_removal();
DROP TRIGGER IF EXISTS invoices_never_removed ON invoices;
CREATE TRIGGER invoices_never_removed BEFORE DELETE OR UPDATE OF id ON invoices
    FOR EACH ROW EXECUTE FUNCTION vigil_refuse_removal();
DROP TRIGGER IF EXISTS clients_never_truncated ON clients;
CREATE TRIGGER clients_never_truncated BEFORE TRUNCATE ON clients
    FOR EACH STATEMENT EXECUTE FUNCTION vigil_refuse_removal();
DROP TRIGGER IF EXISTS invoices_never_truncated ON invoices;
CREATE TRIGGER invoices_never_truncated BEFORE TRUNCATE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION vigil_refuse_removal();
