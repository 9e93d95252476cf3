-- Token counts as bigint. A count of 2^31 or more (a hostile or broken answer, or a row re-queued
-- from a .rejected file) was refused by the integer columns: the row waited aside, missing from
-- api_usage and unbilled. Vigil itself flags implausible counts before they are stored; the
-- columns no longer refuse a row whatever it holds. Rewrites api_usage once (about a minute for
-- ten million rows); the ledger waits meanwhile, its rows safe in the spool.

LOCK TABLE api_usage IN ACCESS EXCLUSIVE MODE;

ALTER TABLE api_usage
    ALTER COLUMN prompt_tokens TYPE bigint,
    ALTER COLUMN completion_tokens TYPE bigint,
    ALTER COLUMN total_tokens TYPE bigint,
    ALTER COLUMN cached_tokens TYPE bigint,
    ALTER COLUMN thoughts_tokens TYPE bigint,
    ALTER COLUMN tool_use_tokens TYPE bigint,
    ALTER COLUMN image_tokens TYPE bigint;
