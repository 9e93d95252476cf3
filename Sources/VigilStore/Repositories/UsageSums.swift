/// The SQL that adds `api_usage` rows (aliased `u`) up: one definition for invoices and reports,
/// read back by ``InvoiceRepository/aggregate(_:kind:)``.
enum UsageSums {
    /// Calls, failures, tokens by kind, exact cost of the priced rows, unpriced and estimated counts.
    static let columns = """
        count(*) AS calls, count(*) FILTER (WHERE u.success IS FALSE) AS failed,
        coalesce(sum(u.prompt_tokens), 0) AS prompt, coalesce(sum(u.cached_tokens), 0) AS cached,
        coalesce(sum(u.completion_tokens), 0) AS completion, coalesce(sum(u.thoughts_tokens), 0) AS thoughts,
        coalesce(sum(u.tool_use_tokens), 0) AS tool_use, coalesce(sum(u.total_tokens), 0) AS total,
        coalesce(sum(u.cost) FILTER (WHERE NOT u.unpriced), 0)::text AS cost,
        count(*) FILTER (WHERE u.unpriced) AS unpriced, count(*) FILTER (WHERE u.estimated) AS estimated
        """

    /// The same sums read from `usage_hourly` (aliased `h`).
    static let hourlyColumns = """
        coalesce(sum(h.calls), 0) AS calls, coalesce(sum(h.failed), 0) AS failed, coalesce(sum(h.prompt), 0) AS prompt,
        coalesce(sum(h.cached), 0) AS cached, coalesce(sum(h.completion), 0) AS completion, coalesce(sum(h.thoughts), 0) AS thoughts,
        coalesce(sum(h.tool_use), 0) AS tool_use, coalesce(sum(h.total), 0) AS total, coalesce(sum(h.cost), 0)::text AS cost,
        coalesce(sum(h.unpriced), 0) AS unpriced, coalesce(sum(h.estimated), 0) AS estimated
        """

    /// Average and 95th-percentile call duration in milliseconds.
    static let latency = """
        avg(u.duration_ms) AS avg_ms, percentile_cont(0.95) WITHIN GROUP (ORDER BY u.duration_ms) AS p95_ms
        """
}
