package import VigilBilling
import VigilCore

/// The SQL that adds `api_usage` rows (aliased `u`) up: one definition for invoices and reports,
/// read back by ``InvoiceRepository/aggregate(_:kind:)``.
enum UsageSums {
    /// Calls, failures, tokens by kind, exact cost of the priced rows, unpriced, estimated and
    /// invalid-usage counts.
    static let columns = """
        count(*) AS calls, count(*) FILTER (WHERE u.success IS FALSE) AS failed,
        coalesce(sum(u.prompt_tokens), 0) AS prompt, coalesce(sum(u.cached_tokens), 0) AS cached,
        coalesce(sum(u.completion_tokens), 0) AS completion, coalesce(sum(u.thoughts_tokens), 0) AS thoughts,
        coalesce(sum(u.tool_use_tokens), 0) AS tool_use, coalesce(sum(u.total_tokens), 0) AS total,
        coalesce(sum(u.cost) FILTER (WHERE NOT u.unpriced), 0)::text AS cost,
        count(*) FILTER (WHERE u.unpriced) AS unpriced, count(*) FILTER (WHERE u.estimated) AS estimated,
        count(*) FILTER (WHERE u.usage_invalid IS NOT NULL) AS invalid, count(*) FILTER (WHERE u.outcome = 'unknown') AS unknown
        """

    /// The same sums read from `usage_hourly` (aliased `h`).
    static let hourlyColumns = """
        coalesce(sum(h.calls), 0) AS calls, coalesce(sum(h.failed), 0) AS failed, coalesce(sum(h.prompt), 0) AS prompt,
        coalesce(sum(h.cached), 0) AS cached, coalesce(sum(h.completion), 0) AS completion, coalesce(sum(h.thoughts), 0) AS thoughts,
        coalesce(sum(h.tool_use), 0) AS tool_use, coalesce(sum(h.total), 0) AS total, coalesce(sum(h.cost), 0)::text AS cost,
        coalesce(sum(h.unpriced), 0) AS unpriced, coalesce(sum(h.estimated), 0) AS estimated,
        coalesce(sum(h.invalid), 0) AS invalid, coalesce(sum(h.unknown), 0) AS unknown
        """

    /// Timed calls, their summed duration and their latency histogram (``LatencyHistogram``), from the rows.
    static let latency: String = {
        let thresholds = "ARRAY[" + LatencyHistogram.thresholds.map(String.init).joined(separator: ",") + "]"
        return
            "coalesce(sum(u.duration_ms), 0) AS duration_sum, count(u.duration_ms) AS duration_count, max(u.duration_ms) AS duration_max, "
            + (0..<LatencyHistogram.bucketCount).map { bucket in
                "count(*) FILTER (WHERE width_bucket(u.duration_ms, \(thresholds)) = \(bucket)) AS \(column(bucket))"
            }.joined(separator: ", ")
    }()

    /// The same from `usage_hourly` (aliased `h`).
    static let hourlyLatency: String = {
        "coalesce(sum(h.duration_sum), 0) AS duration_sum, coalesce(sum(h.duration_count), 0) AS duration_count, "
            + "max(h.duration_max) AS duration_max, "
            + (0..<LatencyHistogram.bucketCount).map { "coalesce(sum(h.\(column($0))), 0) AS \(column($0))" }.joined(separator: ", ")
    }()

    /// The `usage_hourly` column of a latency bucket: `latency_00`...
    static func column(_ bucket: Int) -> String {
        bucket < 10 ? "latency_0\(bucket)" : "latency_\(bucket)"
    }

    /// The histogram read back from a row of either query.
    static func histogram(_ row: PostgresRow) -> LatencyHistogram {
        LatencyHistogram(counts: (0..<LatencyHistogram.bucketCount).map { row.int(column($0)) ?? 0 }, slowest: row.int("duration_max"))
    }
}
