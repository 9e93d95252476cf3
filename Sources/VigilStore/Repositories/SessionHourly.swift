/// The SQL that keeps `session_hourly` (migration 0018) in step when rows already counted change:
/// one definition for repricing and for correcting a call's usage. Inserts are counted by the
/// table's trigger.
enum SessionHourly {
    /// An INSERT for a data-modifying CTE: adds `deltas` (column name → an aggregate over `r`, a row
    /// of `rows`) to the hour of each stream session in each changed row's `session_ids`. `rows` is
    /// a CTE returning `client_id`, `"timestamp"` and `session_ids`, and whatever `deltas` read. In
    /// key order, as the insert trigger, after `usage_hourly` and `camera_hourly` (the caller's
    /// final SELECT reads this CTE last), so no two statements wait on each other in opposite orders.
    static func rollUp(_ rows: String, deltas: KeyValuePairs<String, String>) -> String {
        let columns = deltas.map(\.key).joined(separator: ", ")
        let values = deltas.map(\.value).joined(separator: ", ")
        let updates = deltas.map { "\($0.key) = h.\($0.key) + EXCLUDED.\($0.key)" }.joined(separator: ", ")
        return """
            INSERT INTO session_hourly AS h (client_id, hour, session_id, \(columns))
            SELECT coalesce(r.client_id, 0), date_trunc('hour', r."timestamp", 'UTC'), s.session_id, \(values)
            FROM \(rows) r CROSS JOIN LATERAL unnest(r.session_ids) AS s(session_id)
            WHERE r."timestamp" IS NOT NULL
            GROUP BY 1, 2, 3
            ORDER BY 1, 2, 3
            ON CONFLICT (client_id, hour, session_id) DO UPDATE SET \(updates)
            RETURNING 1
            """
    }
}
