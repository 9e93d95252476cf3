import Foundation
package import Logging
import ServiceLifecycle
import UnixSignals
package import VigilBilling
import VigilCapture
package import VigilCore
package import VigilStore

/// The daemon as a service: ticks, analyses, records, and shuts down cleanly.
///
/// On SIGTERM or SIGINT (graceful shutdown) it stops sampling, lets calls in flight finish for up
/// to ``shutdownGrace`` seconds (then cancels them), closes every stream session, and returns. The
/// usage ledger is a service of its own, before this one in the daemon's group, so it closes after
/// this has returned: every record of a call made here is written or left spooled. SIGHUP reloads
/// the configuration file: an invalid file is rejected with its errors and the running
/// configuration stays.
package final class MonitoringService: Service {
    private let supervisor: Supervisor
    /// This node of a cluster; nil outside cluster mode.
    private let membership: ClusterMembership?
    private let ledger: UsageLedger
    private let database: DatabaseClient
    private let events: AsyncStream<CaptureEvent>
    private let reload: @Sendable () async -> VigilConfiguration?
    private let logger: Logger
    private let readiness: @Sendable () -> Void
    private let heartbeat: @Sendable () -> Void
    private let heartbeatInterval: Duration
    private let stopping: @Sendable () -> Void
    /// Longest wait for calls in flight at shutdown, in seconds. Default 20.
    package let shutdownGrace: Double

    /// - Parameters:
    ///   - reload: loads and validates the configuration again (nil when invalid: the caller logs why).
    ///   - ready: called once the cameras are started (systemd `READY=1`).
    ///   - heartbeat: called by the sampling loop at least every `heartbeatInterval` while it runs
    ///     (systemd `WATCHDOG=1`): a loop that hangs stops the pings and systemd restarts the service.
    package init(
        configuration: VigilConfiguration, apiKey: String, ledger: UsageLedger, database: DatabaseClient, prices: PriceBook,
        logger: Logger, alerts: AlertCenter? = nil, membership: ClusterMembership? = nil, shutdownGrace: Double = 20,
        reload: @escaping @Sendable () async -> VigilConfiguration?,
        ready: @escaping @Sendable () -> Void = {}, heartbeat: @escaping @Sendable () -> Void = {},
        heartbeatInterval: Duration = .seconds(5), stopping: @escaping @Sendable () -> Void = {}
    ) {
        let (stream, continuation) = AsyncStream<CaptureEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        self.events = stream
        self.supervisor = Supervisor(
            configuration: configuration, apiKey: apiKey, ledger: ledger, database: database, prices: prices,
            events: continuation, alerts: alerts, membership: membership, logger: logger)
        self.membership = membership
        self.ledger = ledger
        self.database = database
        self.logger = logger
        self.shutdownGrace = shutdownGrace
        self.reload = reload
        self.readiness = ready
        self.heartbeat = heartbeat
        self.heartbeatInterval = heartbeatInterval
        self.stopping = stopping
    }

    /// The supervisor, for status and statistics.
    package var state: Supervisor { supervisor }

    package func run() async throws {
        let sessions = SessionLog(client: database)
        // In a cluster a node's sessions are its own: another node's open ones are not abandoned.
        if membership == nil { try? await sessions.closeAbandoned() }
        if let membership {
            let supervisor = self.supervisor
            membership.onHeldChanged { held in await supervisor.setHeld(held) }
            await supervisor.setHeld(membership.held)
        }
        await supervisor.startCameras()
        // Budgets are read before the first tick: a client already at its limit makes no call.
        await supervisor.refreshBudgets()
        readiness()
        await withTaskGroup(of: Void.self) { recorder in
            // Camera events are recorded until the cameras are stopped and the stream finishes.
            recorder.addTask { await self.recordEvents(sessions) }
            await withTaskGroup(of: Void.self) { background in
                background.addTask { await self.reloadOnHangup() }
                background.addTask { await self.refreshPricesPeriodically() }
                background.addTask { await self.publishMetricsPeriodically() }
                background.addTask { await self.flushSceneGatePeriodically() }
                background.addTask { await self.refreshBudgetsPeriodically() }
                background.addTask { await self.watchCameraHealth() }
                await tick()
                background.cancelAll()
            }
            stopping()
            logger.notice("stopping: closing cameras")
            await supervisor.stopCameras()
            await supervisor.finishEvents()
        }
        await supervisor.flushSceneGate()
        let statistics = await supervisor.currentStatistics()
        logger.notice(
            "monitoring stopped", metadata: ["calls_ok": "\(statistics.callsSucceeded)", "calls_failed": "\(statistics.callsFailed)"])
    }

    /// The sampling loop: one child task per due source each tick, until graceful shutdown.
    private func tick() async {
        await withDiscardingTaskGroup { calls in
            let clock = ContinuousClock()
            var next = clock.now
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                for source in await supervisor.dueSources() {
                    calls.addTask { await self.supervisor.analyze(source) }
                }
                next = next.advanced(by: .seconds(await supervisor.interval))
                if next < clock.now { next = clock.now }
                // Sleep until the next tick in slices, with a heartbeat after each.
                while clock.now < next && !Task.isShuttingDownGracefully && !Task.isCancelled {
                    heartbeat()
                    let wake = min(next, clock.now.advanced(by: heartbeatInterval))
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(until: wake, clock: clock) }
                }
            }
            let waiting = await supervisor.callsInFlight
            if waiting > 0 {
                logger.notice("waiting for calls in flight", metadata: ["calls": "\(waiting)", "grace_s": "\(shutdownGrace)"])
            }
            let deadline = Date().addingTimeInterval(shutdownGrace)
            while await supervisor.callsInFlight > 0 && Date() < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if await supervisor.callsInFlight > 0 {
                logger.warning("calls still in flight after the grace period; cancelling them")
                calls.cancelAll()
            }
        }
    }

    /// Camera events: one log line per state change, and stream sessions in the database.
    private func recordEvents(_ sessions: SessionLog) async {
        for await event in events {
            await handle(event, sessions)
        }
    }

    private func handle(_ event: CaptureEvent, _ sessions: SessionLog) async {
        switch event {
        case .connected(let camera, let session, let at, let description):
            do { try await sessions.started(session, camera: camera, at: at) } catch {
                logger.warning("cannot record a stream session", metadata: ["camera": "\(camera)", "error": "\(error)"])
            }
            logger.debug("stream opened", metadata: ["camera": "\(camera)", "session": "\(session)", "stream": "\(description)"])
        case .disconnected(let camera, let session, let at, let reason):
            try? await sessions.ended(session, at: at, reason: reason)
            logger.debug("stream closed", metadata: ["camera": "\(camera)", "session": "\(session)", "reason": "\(reason)"])
        case .stateChanged(let camera, let state, let error):
            var metadata: Logger.Metadata = ["camera": "\(camera)"]
            if let error { metadata["error"] = "\(error)" }
            switch state {
            case .live: logger.notice("camera live", metadata: metadata)
            case .stalled, .backingOff:
                logger.warning(
                    state == .stalled ? "camera stalled; reconnecting" : "camera down; reconnecting with backoff", metadata: metadata)
            case .connecting: logger.debug("camera connecting", metadata: metadata)
            case .stopped: logger.debug("camera stopped", metadata: metadata)
            case .ended: logger.notice("video file ended", metadata: metadata)
            }
        case .decodeModeChanged(let camera, let mode, let reason):
            logger.notice("decode mode changed", metadata: ["camera": "\(camera)", "mode": "\(mode.rawValue)", "reason": "\(reason)"])
        }
    }

    private func reloadOnHangup() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) {
            logger.notice("SIGHUP: reloading the configuration")
            if let configuration = await reload() {
                await supervisor.apply(configuration)
                membership?.setSources(await supervisor.sourceIDs)
            }
        }
    }

    /// Camera and ledger metrics (and whether the spool can take records), every 5 s.
    private func publishMetricsPeriodically() async {
        var cameras: [String: CameraStatus] = [:]
        var ledger = UsageLedger.Statistics()
        while !Task.isCancelled {
            // Looked at here too, so /readyz and the metric recover while no camera has a picture.
            _ = await self.ledger.spoolProblem()
            DaemonMetrics.cameras(await supervisor.cameraStatuses, previous: &cameras)
            DaemonMetrics.ledger(self.ledger.statistics, previous: &ledger)
            try? await Task.sleep(for: .seconds(5))
        }
    }

    /// Whether the daemon is ready: PostgreSQL reachable, and the spool not piling up.
    package func readiness(maxSpoolSegments: Int = 1000) -> (ready: Bool, reason: String) {
        let ledger = self.ledger.statistics
        if let problem = ledger.spoolProblem { return (false, "no Gemini calls: the usage spool cannot take records (\(problem))") }
        if !ledger.databaseReachable {
            return (false, "PostgreSQL is unreachable (\(ledger.lastError ?? "no detail")); \(ledger.segmentsWaiting) batches spooled")
        }
        if ledger.segmentsWaiting > maxSpoolSegments { return (false, "\(ledger.segmentsWaiting) batches waiting in the spool") }
        return (true, "")
    }

    /// The scene gate's skips, into `scene_gate_hourly` every 30 s (and once more at shutdown).
    private func flushSceneGatePeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(30))
            if Task.isCancelled { return }
            await supervisor.flushSceneGate()
        }
    }

    /// Clients' budgets: their month's spend from PostgreSQL, and crossings recorded, every 5 s.
    private func refreshBudgetsPeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(5))
            if Task.isCancelled { return }
            await supervisor.refreshBudgets()
        }
    }

    /// The cameras' liveness to the alert center every second (offline and back-online alerts).
    private func watchCameraHealth() async {
        guard let alerts = supervisor.alerts else { return }
        while !Task.isCancelled {
            await alerts.observe(await supervisor.cameraStatuses)
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func refreshPricesPeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(300))
            if Task.isCancelled { return }
            await supervisor.refreshPrices()
        }
    }
}
