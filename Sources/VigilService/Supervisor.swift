import Foundation
package import Logging
package import VigilBilling
package import VigilCapture
package import VigilCore
package import VigilGemini
package import VigilStore

/// Owns the cameras, the plan and the analysis pipeline; decides what is analysed each tick.
///
/// Each tick, every source whose previous call has finished is analysed through the
/// ``AnalysisPipeline`` in a child task of the service; a source still in flight skips the tick
/// (counted, never queued). Every attempt that reached Gemini becomes exactly one record in the
/// ledger, spooled before the next attempt starts.
package actor Supervisor {
    private(set) var configuration: VigilConfiguration
    private var plan: AnalysisPlan
    private var captures: [String: CameraCapture] = [:]
    private var inFlight: Set<String> = []
    /// In cluster mode, the sources whose lease this node holds (only their cameras are open, only
    /// they are analysed); nil outside cluster mode (every source).
    private var held: Set<String>?
    private var pipeline: AnalysisPipeline
    private let apiKey: String
    private let database: DatabaseClient
    private let events: AsyncStream<CaptureEvent>.Continuation
    private let logger: Logger
    private let counters = DaemonCounters()
    /// The scene-change gate: its skips are written by ``flushSceneGate()``.
    private let sceneGate: SceneGate
    /// Clients' budgets: refreshed from PostgreSQL by ``refreshBudgets()``.
    private let budgetGate: BudgetGate
    /// Where incidents, cameras' health and budget crossings become alerts; nil raises none.
    package let alerts: AlertCenter?

    package init(
        configuration: VigilConfiguration, apiKey: String, ledger: UsageLedger, database: DatabaseClient, prices: PriceBook,
        events: AsyncStream<CaptureEvent>.Continuation, alerts: AlertCenter? = nil, membership: ClusterMembership? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.held = membership == nil ? nil : []
        self.alerts = alerts
        self.plan = AnalysisPlan(configuration)
        self.apiKey = apiKey
        let sceneGate = SceneGate(configuration: configuration)
        self.sceneGate = sceneGate
        let budgetGate = BudgetGate(configuration: configuration, database: database, logger: logger)
        if let alerts {
            budgetGate.onCrossing = { crossing in
                await alerts.budgetCrossed(
                    client: crossing.client, month: crossing.month, level: crossing.event, spent: crossing.spent, limit: crossing.limit)
            }
        }
        self.budgetGate = budgetGate
        var stages: [any AnalysisStage] = [
            SpoolGate(ledger: ledger, logger: logger), sceneGate, budgetGate, counters, CallLog(logger: logger),
        ]
        if let alerts { stages.append(AlertStage(center: alerts)) }
        // In a cluster the lease is checked first: nothing is decoded or sent for a source not held.
        if let membership { stages.insert(LeaseGate(membership: membership), at: 0) }
        self.pipeline = AnalysisPipeline(
            gemini: GeminiClient(configuration: configuration.gemini, apiKey: apiKey, logger: logger),
            images: ImagePipeline(maxImageSide: configuration.analysis.maxImageSide, jpegQuality: configuration.analysis.jpegQuality),
            prices: prices, ledger: ledger, maxFrameAge: configuration.analysis.maxFrameAgeSeconds,
            systemInstruction: configuration.gemini.systemPrompt, stages: stages, evidence: alerts?.evidence, logger: logger)
        self.database = database
        self.events = events
        self.logger = logger
        budgetGate.setExpectedCosts(Self.expectedCosts(plan: plan, pipeline: pipeline, configuration: configuration))
    }

    /// What a call of each source of `plan` is expected to cost: its image tokens (by the model's
    /// rule for the image it sends, a single camera taken as 16:9), its prompt, and the answer a
    /// verdict takes (about 60 tokens a camera), at today's prices of the tier it asks for; zero for
    /// an unpriced model or tier.
    private static func expectedCosts(plan: AnalysisPlan, pipeline: AnalysisPipeline, configuration: VigilConfiguration) -> [String: Money]
    {
        let side = configuration.analysis.maxImageSide
        var costs: [String: Money] = [:]
        for source in plan.sources {
            let size =
                source.cameras.count == 1
                ? {
                    let single = ImageLayout.single(width: 1920, height: 1080, maxSide: side)
                    return (single.width, single.height)
                }()
                : ImageLayout.mosaicSize(maxSide: side)
            let options = pipeline.callOptions(source)
            var usage = pipeline.gemini.expectedUsage(
                image: GeminiImage(jpeg: [], width: size.0, height: size.1),
                prompt: AnalysisPrompt(source: source, systemInstruction: pipeline.systemInstruction), options: options)
            usage.candidatesTokens = 60 * source.cameras.count
            costs[source.id] = pipeline.prices.cost(of: usage, model: pipeline.gemini.model, tier: options.tier, at: Date())?.cost ?? .zero
        }
        return costs
    }

    /// Reads clients' spend from PostgreSQL and records budget crossings.
    package func refreshBudgets() async {
        await budgetGate.refresh()
    }

    /// Where each budgeted client stands, by client id.
    package var budgetStandings: [String: BudgetStanding] { budgetGate.standings() }

    /// Seconds between ticks.
    package var interval: Double { configuration.analysis.intervalSeconds }

    /// The cameras to keep open: every camera of the plan, or in cluster mode those of the sources held.
    private var wantedCameras: [CameraConfiguration] {
        guard let held else { return plan.cameras }
        var seen = Set<String>()
        return plan.sources.filter { held.contains($0.id) }.flatMap(\.cameras).filter { seen.insert($0.id).inserted }
    }

    /// Opens every camera the plan needs (in cluster mode, those of the sources held).
    package func startCameras() {
        for camera in wantedCameras where captures[camera.id] == nil {
            start(camera)
        }
        logger.notice(
            "monitoring started",
            metadata: [
                "cameras": "\(captures.count)", "calls_per_tick": "\(plan.sources.count)",
                "interval_s": "\(interval)", "model": "\(configuration.gemini.model)",
            ])
    }

    private func start(_ camera: CameraConfiguration) {
        let events = self.events
        let capture = CameraCapture(camera: camera, settings: CaptureSettings(camera: camera, configuration: configuration)) {
            events.yield($0)
        }
        captures[camera.id] = capture
        capture.start()
    }

    /// Ends the stream of camera events (after the cameras are stopped).
    package func finishEvents() { events.finish() }

    /// Stops every camera.
    package func stopCameras() async {
        let all = captures.values
        captures = [:]
        for capture in all { await capture.stop() }
    }

    /// The sources due this tick; each is marked in flight until ``analyze(_:)`` finishes it.
    package func dueSources() -> [AnalysisSource] {
        var due: [AnalysisSource] = []
        for source in plan.sources where held?.contains(source.id) ?? true {
            if inFlight.contains(source.id) {
                counters.skipped(source.id, reason: "in_flight")
                logger.debug("previous call still in flight; skipping this tick", metadata: ["source": "\(source.id)"])
                continue
            }
            inFlight.insert(source.id)
            due.append(source)
        }
        return due
    }

    /// How many calls are in flight.
    package var callsInFlight: Int { inFlight.count }

    /// The cameras' states.
    package var cameraStatuses: [CameraStatus] { captures.values.map(\.status).sorted { $0.cameraID < $1.cameraID } }

    package func currentStatistics() -> DaemonStatistics { counters.statistics }

    /// Analyses `source` through the pipeline (sample, ask Gemini, record every attempt, log).
    package func analyze(_ source: AnalysisSource) async {
        defer { inFlight.remove(source.id) }
        let label = "[\(source.displayName)]"
        let deadline = Date().addingTimeInterval(configuration.analysis.intervalSeconds * 2)
        switch await pipeline.analyze(source, captures: source.cameras.map { captures[$0.id] }, deadline: deadline) {
        case .imageFailed(let error):
            logger.error("\(label) cannot make the image", metadata: ["error": "\(error)"])
        case .noFrame:
            counters.skipped(source.id, reason: "no_frame")
            logger.debug("\(label) no fresh frame; nothing sent")
        case .held(let reason):
            logger.debug("\(label) not sent: \(reason)")
        case .completed:
            break
        }
    }

    /// Writes the samples the scene gate skipped since the last flush to `scene_gate_hourly`; kept
    /// for the next flush when PostgreSQL cannot take them (they are counts, not calls: a SIGKILL
    /// loses at most one flush interval of them).
    package func flushSceneGate() async {
        let tally = sceneGate.drain()
        guard !tally.isEmpty else { return }
        let entries = tally.counts.map { key, count in
            SceneGateLog.Entry(
                client: key.client, source: key.source, kind: key.kind, hour: key.hour, skipped: count.skipped,
                costAvoided: count.costAvoided)
        }
        do {
            try await SceneGateLog(client: database).add(entries)
        } catch {
            sceneGate.restore(tally)
            logger.debug("cannot write the scene gate's skips yet; keeping them", metadata: ["error": "\(error)"])
        }
    }

    /// Reloads prices from the database (new `vigil prices set` rows apply to the next calls).
    package func refreshPrices() async {
        do {
            pipeline.prices = try await PriceRepository(client: database).load()
            budgetGate.setExpectedCosts(Self.expectedCosts(plan: plan, pipeline: pipeline, configuration: configuration))
        } catch {
            logger.debug("cannot refresh prices; keeping the ones loaded", metadata: ["error": "\(error)"])
        }
    }

    /// The sources this node holds now (cluster mode): the cameras of sources gained open, those of
    /// sources lost close, and the scene gate forgets what it saw of sources lost, so if one comes
    /// back its first sample is sent whatever it shows.
    package func setHeld(_ sources: Set<String>) async {
        guard held != nil, held != sources else { return }
        held = sources
        let plan = self.plan
        let cameras = Set(plan.sources.filter { sources.contains($0.id) }.flatMap(\.cameras).map(\.id))
        sceneGate.keep(cameras: cameras, sources: sources)
        var opened = 0, closed = 0
        for (id, capture) in captures where !cameras.contains(id) {
            captures[id] = nil
            await capture.stop()
            closed += 1
        }
        for camera in wantedCameras where captures[camera.id] == nil {
            start(camera)
            opened += 1
        }
        logger.notice(
            "sources held changed", metadata: ["sources": "\(sources.count)", "cameras_opened": "\(opened)", "cameras_closed": "\(closed)"])
    }

    /// The configured sources' ids, in plan order.
    package var sourceIDs: [String] { plan.sources.map(\.id) }

    /// Applies a new configuration: added cameras start, removed ones stop, changed ones restart,
    /// the rest keep running. Gemini and image settings apply to the next calls.
    package func apply(_ new: VigilConfiguration) async {
        let old = configuration
        configuration = new
        plan = AnalysisPlan(new)
        sceneGate.configure(new)
        budgetGate.configure(new)
        await alerts?.apply(new)
        if new.gemini != old.gemini {
            pipeline.gemini = GeminiClient(configuration: new.gemini, apiKey: apiKey, logger: logger)
            pipeline.systemInstruction = new.gemini.systemPrompt
        }
        if new.analysis.maxImageSide != old.analysis.maxImageSide || new.analysis.jpegQuality != old.analysis.jpegQuality {
            pipeline.images = ImagePipeline(maxImageSide: new.analysis.maxImageSide, jpegQuality: new.analysis.jpegQuality)
        }
        pipeline.maxFrameAge = new.analysis.maxFrameAgeSeconds
        budgetGate.setExpectedCosts(Self.expectedCosts(plan: plan, pipeline: pipeline, configuration: new))
        let wanted = Dictionary(wantedCameras.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var added = 0, removed = 0, restarted = 0
        for (id, capture) in captures {
            guard let camera = wanted[id] else {
                captures[id] = nil
                await capture.stop()
                removed += 1
                continue
            }
            let settingsChanged = CaptureSettings(camera: camera, configuration: new) != capture.settings
            // A camera's scene-gate settings apply to its next sample: they never restart its stream.
            var running = capture.camera
            running.sceneGate = camera.sceneGate
            if camera != running || settingsChanged {
                captures[id] = nil
                await capture.stop()
                start(camera)
                restarted += 1
            }
        }
        for (id, camera) in wanted where captures[id] == nil {
            start(camera)
            added += 1
        }
        logger.notice(
            "configuration reloaded",
            metadata: [
                "cameras_added": "\(added)", "cameras_removed": "\(removed)",
                "cameras_restarted": "\(restarted)", "calls_per_tick": "\(plan.sources.count)",
            ])
    }
}
