-- Invalid usage, reviewed. A call whose usageMetadata could not be true is a row with no tokens and
-- no cost (0009). After review (Gemini's billing console, Google support), an operator gives the
-- counts the call really had with `vigil invalid-usage correct`: the row takes them, is costed at the
-- price in effect at its time, and leaves the invalid count of its hour. usage_corrected keeps what
-- the row said before (its reason) and when it was corrected; raw_usage keeps Gemini's answer.

ALTER TABLE api_usage ADD COLUMN IF NOT EXISTS usage_corrected text;
