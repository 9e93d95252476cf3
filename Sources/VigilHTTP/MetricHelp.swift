/// The `# HELP` text of every metric family Vigil exports, by family name: the one place a family is
/// described for Prometheus.
///
/// ``StatusServer/bootstrapMetrics()`` registers each family with its line from here. A family made
/// through swift-metrics under a name missing here is exported without a `# HELP` line, which
/// `promtool check metrics` rejects (exit status 3) and `MetricsTests` catches; so does a line here
/// left behind after its family is gone. One line each, units included.
package enum MetricHelp {
    /// Family name → help text.
    package static let families: [String: String] = [
        // Gemini calls (VigilService `DaemonMetrics.call`, `skipped`, `incident`).
        "vigil_gemini_calls_total": "Gemini attempts (calls), by source, model and outcome (success or failure).",
        "vigil_gemini_retries_total": "Gemini attempts after the first of an analysis (retries), by model.",
        "vigil_gemini_call_duration_seconds": "Latency of a Gemini attempt in seconds, by model.",
        "vigil_tokens_total": "Tokens Gemini reported, by kind (prompt, cached, output, thoughts, tool_use) and model.",
        "vigil_cost_nanodollars_total": "Provider cost of priced Gemini calls in nano-dollars (1e-9 USD), by client and model.",
        "vigil_unpriced_calls_total": "Gemini calls to a model with no price (rows written, cost unknown), by model.",
        "vigil_incidents_total": "Verdicts that reported an incident, by camera and incident type.",
        "vigil_scene_gate_skipped_total":
            "Samples the scene-change gate kept from Gemini because no camera of the source changed, by source.",
        "vigil_budget_spent_ratio":
            "Provider cost of the client's calls this calendar month over its monthly budget limit (1 = at the limit).",
        "vigil_budget_paused": "1 while the client's calls are paused at its monthly budget limit, else 0.",
        // Alerts (VigilService `AlertCenter`, `AlertSender`).
        "vigil_alerts_total":
            "Alert delivery attempts by kind, channel (webhook, email; none for an incident the cooldown suppressed) and outcome (delivered, retry, failed, suppressed).",
        "vigil_alerts_pending": "Alert deliveries not yet delivered nor given up, in PostgreSQL and in the spool.",
        "vigil_skipped_ticks_total": "Samples not taken, by source and reason (in_flight: the last call still runs; no_frame).",
        // Cameras (`DaemonMetrics.cameras`).
        "vigil_camera_up": "1 while the camera's stream is live, else 0.",
        "vigil_camera_decode_mode": "1 for the decode mode a camera uses (keyframes or all-frames), 0 for the other.",
        "vigil_camera_reconnects_total": "Reopenings of a camera's stream after a failure or stall.",
        "vigil_packets_received_total": "Video packets received from a camera.",
        "vigil_frames_decoded_total": "Frames decoded from a camera's stream.",
        "vigil_frames_sampled_total": "Frames of a camera sampled for analysis.",
        "vigil_frames_damaged_total": "Pictures of a camera the decoder could not decode whole (damaged by the camera or network).",
        "vigil_pictures_incomplete_total":
            "Pictures of a camera that arrived without their first slices and were not decoded (a steady rise is packet loss).",
        // The usage ledger (`DaemonMetrics.ledger`).
        "vigil_spool_segments": "Batches of usage rows on disk waiting for PostgreSQL.",
        "vigil_database_up": "1 while the last attempt to reach PostgreSQL succeeded, else 0.",
        "vigil_usage_rows_written_total": "api_usage rows inserted into PostgreSQL.",
        "vigil_usage_rows_rejected_total": "Usage rows PostgreSQL refused as data, kept in .rejected spool files (alert on any).",
        "vigil_usage_write_last_seconds": "Duration of the last ledger transaction in seconds.",
        "vigil_usage_rows_lost_total": "Usage records that could not be made durable in the spool: lost (should stay 0; alert on any).",
        "vigil_spool_writable": "1 while the usage spool can take records; 0 while Gemini calls are held because it cannot.",
        // Cluster mode (`DaemonMetrics.clusterSourcesHeld`, `leaseRenewals`).
        "vigil_cluster_sources_held": "Analysis sources (groups or cameras) this node holds a lease on (0 outside cluster mode's leases).",
        "vigil_cluster_lease_renewals_total":
            "Source leases by renewal outcome: renewed (extended a lease), lost (another node had it), lapsed (not renewed in time).",
    ]
}
