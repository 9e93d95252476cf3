-- The price book and the one formula that costs a call from it.

-- The price of a model in effect at a time: the newest row whose effective_from is not after it.
CREATE OR REPLACE FUNCTION vigil_price_at(p_model text, p_at timestamptz) RETURNS model_prices
LANGUAGE sql STABLE AS $$
    SELECT * FROM model_prices
    WHERE model = p_model AND effective_from <= p_at
    ORDER BY effective_from DESC
    LIMIT 1
$$;

-- The provider cost of one call, exact, in USD:
--   (prompt - cached + tool_use) x input + cached x cached_input + (candidates + thoughts) x output,
-- each price per million tokens; above long_context_threshold prompt tokens the long-context prices
-- apply to the whole request. A model without a cached rate bills cached tokens at its input rate.
-- NULL when there is no price (the row is then unpriced, never $0).
CREATE OR REPLACE FUNCTION vigil_call_cost(p model_prices, prompt_tokens bigint, cached_tokens bigint,
                                           output_tokens bigint, tool_use_tokens bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p.id IS NULL THEN NULL ELSE
        ((prompt_tokens - cached_tokens + tool_use_tokens)
            * CASE WHEN long_context THEN coalesce(p.input_long_per_million, p.input_per_million) ELSE p.input_per_million END
         + cached_tokens
            * CASE WHEN long_context
                   THEN coalesce(p.cached_long_per_million, p.cached_per_million, p.input_long_per_million, p.input_per_million)
                   ELSE coalesce(p.cached_per_million, p.input_per_million) END
         + output_tokens
            * CASE WHEN long_context THEN coalesce(p.output_long_per_million, p.output_per_million) ELSE p.output_per_million END
        ) * 0.000001
    END
    FROM (SELECT p.long_context_threshold IS NOT NULL AND prompt_tokens > p.long_context_threshold AS long_context) AS tier
$$;

-- List prices, USD per million tokens, standard tier (shared/gemini/README.md). Later changes are
-- new rows with a later effective_from, added with `vigil prices set`.
INSERT INTO model_prices (model, effective_from, input_per_million, output_per_million, cached_per_million,
                          long_context_threshold, input_long_per_million, output_long_per_million, cached_long_per_million, note)
VALUES
    ('gemini-2.0-flash',        '2025-01-01T00:00:00Z', 0.10,  0.40, 0.025, NULL,   NULL, NULL, NULL, 'retired 2026-06'),
    ('gemini-2.0-flash-lite',   '2025-01-01T00:00:00Z', 0.075, 0.30, NULL,  NULL,   NULL, NULL, NULL, 'retired 2026-06'),
    ('gemini-2.5-flash',        '2025-01-01T00:00:00Z', 0.30,  2.50, 0.03,  NULL,   NULL, NULL, NULL, NULL),
    ('gemini-2.5-flash-lite',   '2025-01-01T00:00:00Z', 0.10,  0.40, 0.01,  NULL,   NULL, NULL, NULL, NULL),
    ('gemini-2.5-pro',          '2025-01-01T00:00:00Z', 1.25, 10.00, 0.125, 200000, 2.50, 15.00, 0.25, NULL),
    ('gemini-3-flash-preview',  '2025-01-01T00:00:00Z', 0.50,  3.00, 0.05,  NULL,   NULL, NULL, NULL, NULL),
    ('gemini-3.1-pro-preview',  '2025-01-01T00:00:00Z', 2.00, 12.00, 0.20,  200000, 4.00, 18.00, 0.40, NULL),
    ('gemini-3.1-flash-lite',   '2025-01-01T00:00:00Z', 0.25,  1.50, 0.025, NULL,   NULL, NULL, NULL, NULL),
    ('gemini-3.5-flash',        '2025-01-01T00:00:00Z', 1.50,  9.00, 0.15,  NULL,   NULL, NULL, NULL, NULL),
    ('gemini-3.5-flash-lite',   '2025-01-01T00:00:00Z', 0.30,  2.50, 0.03,  NULL,   NULL, NULL, NULL, NULL)
ON CONFLICT (model, effective_from) DO NOTHING;
