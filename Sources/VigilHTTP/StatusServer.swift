package import Hummingbird
package import Logging
import Metrics
package import Prometheus

/// `/metrics` (Prometheus text format), `/healthz` (the process answers) and `/readyz` (the database
/// is reachable and the spool is not growing without bound), on `http.listen`.
package enum StatusServer {
    /// Installs the Prometheus backend for swift-metrics. Call once, before any metric is made.
    ///
    /// Every family is registered with its `# HELP` line from ``MetricHelp/families``; timers become
    /// histograms with buckets from 50 ms to 30 s.
    package static func bootstrapMetrics() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        let factory = DescribedMetricsFactory(
            registry: registry, help: MetricHelp.families,
            durationHistogramBuckets: [
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
            ])
        MetricsSystem.bootstrap(factory)
        return registry
    }

    /// The registry's metrics in Prometheus's text exposition format (version 0.0.4), as `/metrics`
    /// serves them.
    package static func exposition(of registry: PrometheusCollectorRegistry) -> [UInt8] {
        var buffer = [UInt8]()
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return buffer
    }

    /// The HTTP application (a `Service`). `readiness` returns whether Vigil is ready, and why not.
    package static func application(
        host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger,
        readiness: @escaping @Sendable () async -> (ready: Bool, reason: String),
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: exposition(of: registry))))
        }
        router.get("healthz") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("readyz") { _, _ -> Response in
            let (ready, reason) = await readiness()
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: (ready ? "ready" : "not ready: \(reason)") + "\n")))
        }
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "vigil"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) }, logger: quiet)
    }
}
