import Metrics
package import VigilCapture
package import VigilCore
package import VigilStore

/// The daemon's metrics, through swift-metrics (exported by whatever backend the executable installs).
///
/// Names follow Prometheus conventions: counters end in `_total`, durations are in seconds. Every
/// family made here needs its one-line description in `MetricHelp` (module VigilHTTP), the
/// exporter's `# HELP` table; `MetricsTests` fails for a family without one.
package enum DaemonMetrics {
    /// One Gemini attempt: calls by source, model and outcome; tokens by kind; cost by client and
    /// model (or an unpriced call); retries; latency.
    ///
    /// Token counts and the cost derive from the response, so a negative amount (or a cost beyond
    /// 64 bits of nano-dollars) is skipped rather than counted: a counter only goes up, and
    /// swift-prometheus traps on a negative increment. A negative duration is recorded as zero.
    package static func call(_ record: UsageRecord) {
        let outcome = record.success ? "success" : "failure"
        Counter(
            label: "vigil_gemini_calls_total", dimensions: [("source", record.sourceID), ("model", record.model), ("outcome", outcome)]
        ).increment()
        if record.attempt > 1 { Counter(label: "vigil_gemini_retries_total", dimensions: [("model", record.model)]).increment() }
        let usage = record.usage
        for (kind, count) in [
            ("prompt", usage.promptTokens), ("cached", usage.cachedTokens), ("output", usage.candidatesTokens),
            ("thoughts", usage.thoughtsTokens), ("tool_use", usage.toolUsePromptTokens),
        ] where count > 0 {
            Counter(label: "vigil_tokens_total", dimensions: [("kind", kind), ("model", record.model)]).increment(by: Int64(count))
        }
        if let cost = record.cost {
            // Whole nano-dollars (10⁻⁹; Money carries 10⁻¹⁵, the rest is dropped) as an integer counter,
            // far from overflow. Labelled by client and model, so `sum by (client)` is the spend per
            // client and `sum by (model)` the spend per model.
            if let nanodollars = Int64(exactly: cost.units / 1_000_000), nanodollars >= 0 {
                Counter(label: "vigil_cost_nanodollars_total", dimensions: [("client", record.clientID), ("model", record.model)])
                    .increment(by: nanodollars)
            }
        } else {
            Counter(label: "vigil_unpriced_calls_total", dimensions: [("model", record.model)]).increment()
        }
        Timer(label: "vigil_gemini_call_duration_seconds", dimensions: [("model", record.model)])
            .recordMilliseconds(max(record.durationMilliseconds, 0))
    }

    /// A tick skipped for a source: `in_flight` (its previous call still runs) or `no_frame`.
    package static func skipped(_ source: String, reason: String) {
        Counter(label: "vigil_skipped_ticks_total", dimensions: [("source", source), ("reason", reason)]).increment()
    }

    /// A sample the scene-change gate kept from Gemini (nothing changed since the last picture sent).
    package static func sceneGateSkipped(_ source: String) {
        Counter(label: "vigil_scene_gate_skipped_total", dimensions: [("source", source)]).increment()
    }

    /// A client's month against its budget: spent / limit, and whether its calls are paused.
    package static func budget(_ client: String, ratio: Double, paused: Bool) {
        Gauge(label: "vigil_budget_spent_ratio", dimensions: [("client", client)]).record(ratio.isFinite ? ratio : 0)
        Gauge(label: "vigil_budget_paused", dimensions: [("client", client)]).record(paused ? 1 : 0)
    }

    /// One alert delivery attempt (`channel` `webhook` or `email`; outcome `delivered`, `retry`,
    /// `failed`), or an incident the cooldown held back (`channel` `none`, outcome `suppressed`).
    package static func alert(kind: String, channel: String, outcome: String) {
        Counter(label: "vigil_alerts_total", dimensions: [("kind", kind), ("channel", channel), ("outcome", outcome)]).increment()
    }

    /// Alert deliveries neither delivered nor given up.
    package static func alertsPending(_ count: Int) {
        Gauge(label: "vigil_alerts_pending").record(count)
    }

    /// A verdict that reported an incident, by camera and incident type.
    package static func incident(_ camera: String, type: String) {
        Counter(label: "vigil_incidents_total", dimensions: [("camera", camera), ("type", type)]).increment()
    }

    /// Camera gauges and counters from the cameras' current status; `previous` holds the last seen
    /// cumulative values so counters advance by the difference.
    package static func cameras(_ statuses: [CameraStatus], previous: inout [String: CameraStatus]) {
        for status in statuses {
            let camera = [("camera", status.cameraID)]
            Gauge(label: "vigil_camera_up", dimensions: camera).record(status.state == .live ? 1 : 0)
            for mode in [DecodeMode.keyframes, .allFrames] {
                Gauge(label: "vigil_camera_decode_mode", dimensions: camera + [("mode", mode.rawValue)]).record(
                    status.decodeMode == mode ? 1 : 0)
            }
            let before = previous[status.cameraID]
            func advance(_ label: String, _ now: Int, _ then: Int?) {
                let delta = now - (then ?? 0)
                if delta > 0 { Counter(label: label, dimensions: camera).increment(by: Int64(delta)) }
            }
            advance("vigil_camera_reconnects_total", status.reconnects, before?.reconnects)
            advance("vigil_frames_decoded_total", status.framesDecoded, before?.framesDecoded)
            advance("vigil_frames_damaged_total", status.framesDamaged, before?.framesDamaged)
            advance("vigil_pictures_incomplete_total", status.picturesIncomplete, before?.picturesIncomplete)
            advance("vigil_frames_sampled_total", status.framesSampled, before?.framesSampled)
            advance("vigil_packets_received_total", status.packets, before?.packets)
            previous[status.cameraID] = status
        }
    }

    /// The ledger: spool depth, rows written and refused, last write latency, database reachability.
    /// `previous` holds the last seen statistics so counters advance by the difference.
    package static func ledger(_ statistics: UsageLedger.Statistics, previous: inout UsageLedger.Statistics) {
        Gauge(label: "vigil_spool_segments").record(statistics.segmentsWaiting)
        Gauge(label: "vigil_database_up").record(statistics.databaseReachable ? 1 : 0)
        Gauge(label: "vigil_usage_write_last_seconds").record(statistics.lastWriteMilliseconds / 1000)
        if statistics.rowsWritten > previous.rowsWritten {
            Counter(label: "vigil_usage_rows_written_total").increment(by: Int64(statistics.rowsWritten - previous.rowsWritten))
        }
        // Rows PostgreSQL refused as data wait in .rejected files for a person: alert on any.
        if statistics.rowsRejected > previous.rowsRejected {
            Counter(label: "vigil_usage_rows_rejected_total").increment(by: Int64(statistics.rowsRejected - previous.rowsRejected))
        }
        if statistics.recordsLost > previous.recordsLost {
            Counter(label: "vigil_usage_rows_lost_total").increment(by: Int64(statistics.recordsLost - previous.recordsLost))
        }
        spoolWritable(statistics.spoolProblem == nil)
        previous = statistics
    }

    /// The number of analysis sources this node of a cluster holds a lease on.
    package static func clusterSourcesHeld(_ count: Int) {
        Gauge(label: "vigil_cluster_sources_held").record(count)
    }

    /// `count` leases whose renewal came out as `outcome`: `renewed`, `lost` (another node holds the
    /// source) or `lapsed` (its usable time ran out before a renewal). A count of 0 or less adds nothing.
    package static func leaseRenewals(outcome: String, count: Int) {
        guard count > 0 else { return }
        Counter(label: "vigil_cluster_lease_renewals_total", dimensions: [("outcome", outcome)]).increment(by: Int64(count))
    }

    /// Whether the usage spool can take records (1) or calls are held until it can (0).
    package static func spoolWritable(_ writable: Bool) {
        Gauge(label: "vigil_spool_writable").record(writable ? 1 : 0)
    }
}
