import VigilBilling

/// The SQL of each camera's share of the calls it appeared in (migration 0012): one definition for
/// the statements that cost a row after it was inserted and for the usage report by camera.
///
/// A call's cost is split in equal shares over `api_usage.camera_ids` by `vigil_camera_shares`
/// (12 decimal places, the remainder to the first cameras: the shares add up to the cost exactly);
/// a row that does not know its cameras counts under its source as a whole.
enum CameraShares {
    /// An INSERT for a data-modifying CTE: adds the changed rows of `rows` (a CTE returning
    /// `client_id`, `"timestamp"`, `source_id`, `source_kind`, `camera_ids` and the new `cost`, which
    /// had none before) to their hours in `camera_hourly`. `unpriced` and `invalid` are the SQL
    /// aggregates (over `r`) by which each camera's unpriced and invalid counts change. Key order,
    /// as the insert trigger, so no two statements wait on each other's rows in opposite orders.
    static func rollUp(_ rows: String, unpriced: String, invalid: String = "0") -> String {
        """
        INSERT INTO camera_hourly AS h (client_id, hour, camera_id, source_id, source_kind, analyses, failed, cost_share,
                                        unpriced, estimated, invalid, unknown)
        SELECT coalesce(r.client_id, 0), date_trunc('hour', r."timestamp", 'UTC'), s.camera_id, coalesce(r.source_id, 'legacy'),
               coalesce(r.source_kind, ''), 0, 0, coalesce(sum(s.share), 0), \(unpriced), 0, \(invalid), 0
        FROM \(rows) r CROSS JOIN LATERAL vigil_camera_shares(r.camera_ids, r.source_id, r.cost) s
        WHERE r."timestamp" IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (client_id, hour, camera_id, source_id, source_kind) DO UPDATE SET
            cost_share = h.cost_share + EXCLUDED.cost_share, unpriced = h.unpriced + EXCLUDED.unpriced,
            invalid = h.invalid + EXCLUDED.invalid
        RETURNING 1
        """
    }

    /// An UPDATE for a data-modifying CTE: gives the verdicts of the changed rows of `rows` (a CTE
    /// returning `id`, `camera_ids` and the new `cost`) their shares of the new cost.
    static func verdictShares(_ rows: String) -> String {
        """
        UPDATE analyses a SET cost_share = vigil_cost_share(r.cost, array_position(r.camera_ids, a.camera_id), cardinality(r.camera_ids))
        FROM \(rows) r WHERE a.usage_id = r.id
        RETURNING 1
        """
    }

    /// The report key of a camera's line, over `camera_hourly` (aliased `h`): `camera`, or the
    /// source's kind when the line is a source whose cameras are unknown (its id is the camera's).
    static let hourlyKind = "CASE WHEN h.camera_id = h.source_id THEN h.source_kind ELSE 'camera' END"

    /// The same over a row of `api_usage` (`u`) and one of its shares (`s`).
    static let rowsKind = "CASE WHEN s.camera_id = coalesce(u.source_id, 'legacy') THEN coalesce(u.source_kind, '') ELSE 'camera' END"

    /// `vigil_camera_shares` of a row of `api_usage` (`u`), as `s`: one line per camera it shows.
    static let rowsSource = " CROSS JOIN LATERAL vigil_camera_shares(u.camera_ids, u.source_id, u.cost) s"

    /// The columns of ``UsageSums`` for a camera's line, read from `camera_hourly` (`h`): calls it
    /// appeared in, the sum of its shares as the cost, and the counts; tokens and latency are not
    /// split per camera (zero here; ``VigilBilling/UsageReport/Row/cameraShare`` says so).
    static let hourlyColumns =
        """
        coalesce(sum(h.analyses), 0) AS calls, coalesce(sum(h.failed), 0) AS failed, 0 AS prompt, 0 AS cached, 0 AS completion,
        0 AS thoughts, 0 AS tool_use, 0 AS total, coalesce(sum(h.cost_share), 0)::text AS cost,
        coalesce(sum(h.unpriced), 0) AS unpriced, coalesce(sum(h.estimated), 0) AS estimated,
        coalesce(sum(h.invalid), 0) AS invalid, coalesce(sum(h.unknown), 0) AS unknown
        """

    /// The same from the rows (`u`, with its share `s`).
    static let columns =
        """
        count(*) AS calls, count(*) FILTER (WHERE u.success IS FALSE) AS failed, 0 AS prompt, 0 AS cached, 0 AS completion,
        0 AS thoughts, 0 AS tool_use, 0 AS total, coalesce(sum(s.share) FILTER (WHERE NOT u.unpriced), 0)::text AS cost,
        count(*) FILTER (WHERE u.unpriced) AS unpriced, count(*) FILTER (WHERE u.estimated) AS estimated,
        count(*) FILTER (WHERE u.usage_invalid IS NOT NULL) AS invalid, count(*) FILTER (WHERE u.outcome = 'unknown') AS unknown
        """

    /// No latency for a camera's line.
    static let noLatency: String = {
        "0 AS duration_sum, 0 AS duration_count, NULL::integer AS duration_max, "
            + (0..<LatencyHistogram.bucketCount).map { "0 AS \(UsageSums.column($0))" }.joined(separator: ", ")
    }()
}
