import Foundation
import Testing
import VigilCapture
import VigilCore
import VigilHTTP
import VigilService
import VigilStore
import VigilTestSupport

/// `/metrics` as `vigil run` serves it, rendered in process: the Prometheus backend installed by
/// `StatusServer.bootstrapMetrics()`, fed by `DaemonMetrics`. Needs neither PostgreSQL nor a camera;
/// runs promtool on the text when it is installed.
struct MetricsTests {
    /// swift-metrics takes one backend per process, so every test here shares this one, installed on
    /// first use (``installBackend()``). Each test records under client, model or camera names of its own.
    static let registry = StatusServer.bootstrapMetrics()

    /// Installs the backend, if no test has yet: a metric made before would go to swift-metrics'
    /// no-op backend and never be exported.
    static func installBackend() {
        _ = registry
    }

    /// The text `/metrics` would answer now.
    static func exposition() -> String {
        String(decoding: StatusServer.exposition(of: registry), as: UTF8.self)
    }

    /// One Gemini attempt's usage record.
    static func record(
        client: String, model: String = "gemini-2.5-flash", success: Bool = true, attempt: Int = 1,
        usage: TokenUsage = TokenUsage(
            promptTokens: 1_290, cachedTokens: 1_024, candidatesTokens: 120,
            thoughtsTokens: 300, toolUsePromptTokens: 8),
        cost: Money?, durationMilliseconds: Int = 1_250
    ) -> UsageRecord {
        UsageRecord(
            timestamp: Date(), clientID: client, sourceID: "floor", sourceKind: "group",
            endpoint: "/v1beta/models/\(model):generateContent", statusCode: success ? 200 : 503, model: model,
            usage: usage, success: success, attempt: attempt, durationMilliseconds: durationMilliseconds, cost: cost)
    }

    /// Makes every family `DaemonMetrics` exports at least once.
    static func recordEveryFamily() {
        installBackend()
        DaemonMetrics.call(record(client: "every-family", attempt: 2, cost: Money(units: 597_000_000_000)))
        DaemonMetrics.call(record(client: "every-family", model: "every-family-unpriced", success: false, cost: nil))
        DaemonMetrics.skipped("floor", reason: "in_flight")
        DaemonMetrics.incident("every-family-camera", type: "theft")
        DaemonMetrics.sceneGateSkipped("floor")
        DaemonMetrics.budget("every-family", ratio: 0.42, paused: false)
        DaemonMetrics.alert(kind: "incident", channel: "webhook", outcome: "delivered")
        DaemonMetrics.alertsPending(0)
        var camera = CameraStatus(cameraID: "every-family-camera", state: .live, decodeMode: .allFrames)
        camera.reconnects = 1
        camera.packets = 900
        camera.framesDecoded = 450
        camera.framesDamaged = 2
        camera.picturesIncomplete = 1
        camera.framesSampled = 6
        var cameras: [String: CameraStatus] = [:]
        DaemonMetrics.cameras([camera], previous: &cameras)
        var statistics = UsageLedger.Statistics()
        statistics.rowsWritten = 5
        statistics.rowsRejected = 1
        statistics.recordsLost = 1
        statistics.segmentsWaiting = 2
        statistics.lastWriteMilliseconds = 12.5
        var previous = UsageLedger.Statistics()
        DaemonMetrics.ledger(statistics, previous: &previous)
        DaemonMetrics.clusterSourcesHeld(3)
        for outcome in ["renewed", "lost", "lapsed"] { DaemonMetrics.leaseRenewals(outcome: outcome, count: 2) }
    }

    @Test func everyFamilyIsDescribedAndPassesPromtool() async throws {
        Self.recordEveryFamily()
        let text = Self.exposition()
        #expect(PrometheusText.problems(text).isEmpty, "\(PrometheusText.problems(text))")
        // One table describes the families: every family exported has its line, and every line its family.
        let families = PrometheusText.families(text)
        #expect(
            families.subtracting(MetricHelp.families.keys).isEmpty,
            "no help text: \(families.subtracting(MetricHelp.families.keys).sorted())")
        #expect(
            Set(MetricHelp.families.keys).subtracting(families).isEmpty,
            "help text of no family: \(Set(MetricHelp.families.keys).subtracting(families).sorted())")
        for (name, help) in MetricHelp.families {
            #expect(text.contains("# HELP \(name) \(help)\n"), "HELP of \(name)")
        }
        if let promtool = try await PrometheusText.promtool(text) {
            #expect(promtool.status == 0, "promtool check metrics: \(promtool.standardOutput)\(promtool.standardError)")
            #expect(
                promtool.standardOutput.isEmpty && promtool.standardError.isEmpty, "\(promtool.standardOutput)\(promtool.standardError)")
        }
    }

    @Test func aFamilyWithoutHelpIsCaught() async throws {
        let text = "# TYPE vigil_undescribed_total counter\nvigil_undescribed_total 1\n"
        #expect(PrometheusText.problems(text) == ["no HELP for vigil_undescribed_total"])
        if let promtool = try await PrometheusText.promtool(text) {
            #expect(promtool.status != 0)
        }
    }

    @Test func costIsExportedPerClientAndModelInWholeNanodollars() {
        Self.installBackend()
        // $0.001234567999999: the fraction of a nano-dollar is not counted.
        DaemonMetrics.call(Self.record(client: "per-client-a", cost: Money(units: 1_234_567_999_999)))
        DaemonMetrics.call(Self.record(client: "per-client-a", cost: Money(units: 1_234_567_999_999)))
        DaemonMetrics.call(Self.record(client: "per-client-a", model: "gemini-2.5-pro", cost: Money(units: 2_000_000_000)))
        DaemonMetrics.call(Self.record(client: "per-client-b", cost: Money(units: 0)))
        let samples = PrometheusText.samples(Self.exposition(), of: "vigil_cost_nanodollars_total")
        func cost(_ client: String, _ model: String) -> [Double] {
            samples.filter { $0.labels == ["client": client, "model": model] }.map(\.value)
        }
        #expect(cost("per-client-a", "gemini-2.5-flash") == [2_469_134])
        #expect(cost("per-client-a", "gemini-2.5-pro") == [2_000])
        #expect(cost("per-client-b", "gemini-2.5-flash") == [0])
    }

    @Test func negativeAndAbsurdAmountsAreSkippedNotTrapped() {
        Self.installBackend()
        let negative = TokenUsage(
            promptTokens: -5, cachedTokens: -1, candidatesTokens: -2, thoughtsTokens: -3,
            toolUsePromptTokens: -4, totalTokens: 0)
        DaemonMetrics.call(
            Self.record(
                client: "negative", model: "negative-model", usage: negative,
                cost: Money(units: -5_000_000_000), durationMilliseconds: -20))
        DaemonMetrics.call(Self.record(client: "absurd", model: "absurd-model", cost: Money(units: .max)))
        let text = Self.exposition()
        #expect(PrometheusText.problems(text).isEmpty, "\(PrometheusText.problems(text))")
        #expect(
            !PrometheusText.samples(text, of: "vigil_cost_nanodollars_total").contains {
                ["negative", "absurd"].contains($0.labels["client"])
            })
        #expect(!PrometheusText.samples(text, of: "vigil_tokens_total").contains { $0.labels["model"] == "negative-model" })
        // The calls themselves are counted, and the negative duration as none.
        #expect(
            PrometheusText.samples(text, of: "vigil_gemini_calls_total").filter { $0.labels["model"] == "negative-model" }.map(\.value) == [
                1
            ])
        #expect(
            PrometheusText.samples(text, of: "vigil_gemini_call_duration_seconds_sum").filter { $0.labels["model"] == "negative-model" }
                .map(\.value) == [0])
    }
}
