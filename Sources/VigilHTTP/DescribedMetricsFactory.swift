import Metrics
import Prometheus

/// swift-metrics' factory over a Prometheus registry that registers every family with its `# HELP`
/// text, looked up by name in a table (Vigil's is ``MetricHelp/families``).
///
/// swift-prometheus's own `PrometheusMetricsFactory` registers every family with empty help, and the
/// registry traps when a family is registered again with a different help text, so help cannot be
/// given to the registry beside that factory: this one makes each metric through the registry's
/// descriptor methods, which carry the help. A name missing from the table gets no `# HELP` line.
/// Removing a metric is left to the plain factory.
struct DescribedMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    /// Family name → help text.
    let help: [String: String]
    /// Buckets of every duration histogram (a swift-metrics `Timer`).
    let durationHistogramBuckets: [Duration]
    /// Buckets of every value histogram (an aggregating swift-metrics `Recorder`).
    let valueHistogramBuckets: [Double]
    private let plain: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry, help: [String: String], durationHistogramBuckets: [Duration]) {
        self.registry = registry
        self.help = help
        self.durationHistogramBuckets = durationHistogramBuckets
        plain = PrometheusMetricsFactory(registry: registry)
        valueHistogramBuckets = plain.defaultValueHistogramBuckets
    }

    /// The registry's name for `label`, with its help text (empty when the table has none).
    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: help[label] ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: valueHistogramBuckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: durationHistogramBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { plain.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { plain.destroyFloatingPointCounter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { plain.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { plain.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) { plain.destroyTimer(handler) }
}
