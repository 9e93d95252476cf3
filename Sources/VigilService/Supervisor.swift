import Foundation
package import Logging
package import VigilCapture
package import VigilBilling
package import VigilCore
import VigilGemini
package import VigilStore

/// Owns the cameras, the plan and the Gemini client; decides what is analysed each tick.
///
/// Each tick, every source whose previous call has finished is sampled and analysed in a child
/// task of the service; a source still in flight skips the tick (counted, never queued). Every
/// attempt that reached Gemini becomes exactly one record in the ledger, spooled before the next
/// attempt starts.
package actor Supervisor {
    private(set) var configuration: VigilConfiguration
    private var plan: AnalysisPlan
    private var captures: [String: CameraCapture] = [:]
    private var inFlight: Set<String> = []
    private var gemini: GeminiClient
    private var pipeline: ImagePipeline
    private var prices: PriceBook
    private let apiKey: String
    private let ledger: UsageLedger
    private let database: DatabaseClient
    private let events: AsyncStream<CaptureEvent>.Continuation
    private let logger: Logger
    private(set) var statistics = DaemonStatistics()

    package init(configuration: VigilConfiguration, apiKey: String, ledger: UsageLedger, database: DatabaseClient, prices: PriceBook,
                events: AsyncStream<CaptureEvent>.Continuation, logger: Logger) {
        self.configuration = configuration
        self.plan = AnalysisPlan(configuration)
        self.apiKey = apiKey
        self.gemini = GeminiClient(configuration: configuration.gemini, apiKey: apiKey, logger: logger)
        self.pipeline = ImagePipeline(maxImageSide: configuration.analysis.maxImageSide, jpegQuality: configuration.analysis.jpegQuality)
        self.prices = prices
        self.ledger = ledger
        self.database = database
        self.events = events
        self.logger = logger
    }

    /// Seconds between ticks.
    package var interval: Double { configuration.analysis.intervalSeconds }

    /// Opens every camera the plan needs.
    package func startCameras() {
        for camera in plan.cameras where captures[camera.id] == nil {
            start(camera)
        }
        logger.notice("monitoring started", metadata: ["cameras": "\(captures.count)", "calls_per_tick": "\(plan.sources.count)",
                                                        "interval_s": "\(interval)", "model": "\(configuration.gemini.model)"])
    }

    private func start(_ camera: CameraConfiguration) {
        let events = self.events
        let capture = CameraCapture(camera: camera, settings: CaptureSettings(camera: camera, configuration: configuration)) { events.yield($0) }
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
        for source in plan.sources {
            if inFlight.contains(source.id) {
                statistics.skippedInFlight += 1
                DaemonMetrics.skipped(source.id, reason: "in_flight")
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

    package func currentStatistics() -> DaemonStatistics { statistics }

    /// Samples `source`, asks Gemini, records every attempt, and logs the outcome.
    package func analyze(_ source: AnalysisSource) async {
        defer { inFlight.remove(source.id) }
        let label = "[\(source.displayName)]"
        let sources = source.cameras.map { captures[$0.id] }
        let image: SampledImage
        do {
            image = try await pipeline.sample(sources, ids: source.cameras.map(\.id), maxAge: configuration.analysis.maxFrameAgeSeconds)
        } catch {
            logger.error("\(label) cannot make the image", metadata: ["error": "\(error)"])
            return
        }
        if image.isEmpty {
            statistics.skippedNoFrame += 1
            DaemonMetrics.skipped(source.id, reason: "no_frame")
            logger.debug("\(label) no fresh frame; nothing sent")
            return
        }
        let prompt = AnalysisPrompt(source: source, missing: Set(image.missing), systemInstruction: configuration.gemini.systemPrompt)
        let frameSizes = Dictionary(image.parts.compactMap { part in part.frameSize.map { (part.cameraID, $0) } }, uniquingKeysWith: { a, _ in a })
        let gemini = self.gemini
        let prices = self.prices
        let ledger = self.ledger
        let logger = self.logger
        let deadline = Date().addingTimeInterval(configuration.analysis.intervalSeconds * 2)
        let outcome = await gemini.analyze(image: GeminiImage(jpeg: image.jpeg, width: image.width, height: image.height),
                                           prompt: prompt, frameSizes: frameSizes, deadline: deadline) { attempt in
            let record = UsageRecordFactory.record(attempt, source: source, image: image, model: gemini.model,
                                                   endpoint: gemini.endpointPath, prices: prices)
            do {
                try await ledger.record(record)
            } catch {
                logger.critical("\(label) a usage record could not be spooled: it is lost", metadata: ["request_id": "\(record.requestID)", "error": "\(error)"])
                await self.count(lost: 1)
            }
            var metadata: Logger.Metadata = ["request_id": "\(record.requestID)", "model": "\(record.model)"]
            if let failure = attempt.failure {
                metadata["attempt"] = "\(attempt.attempt)"
                logger.warning("\(label) call failed: \(failure) — \(UsageRecordFactory.logLine(record))", metadata: metadata)
            } else {
                logger.info("\(label) \(UsageRecordFactory.logLine(record))", metadata: metadata)
            }
            await self.count(record)
        }
        for verdict in outcome.verdicts ?? [] where verdict.incidentDetected {
            statistics.incidents += 1
            DaemonMetrics.incident(verdict.cameraID, type: verdict.incidentType)
            let camera = source.cameras.first { $0.id == verdict.cameraID }?.name ?? verdict.cameraID
            logger.warning("[\(camera)] INCIDENT \(verdict.incidentType) (confidence \(verdict.confidence ?? "?")): \(verdict.description)",
                           metadata: ["camera": "\(verdict.cameraID)", "incident_type": "\(verdict.incidentType)", "source": "\(source.id)"])
        }
        if outcome.verdicts == nil, let failure = outcome.failure, failure.kind == .paused {
            logger.debug("\(label) not sent: \(failure)")
        }
    }

    private func count(_ record: UsageRecord) {
        DaemonMetrics.call(record)
        if record.success { statistics.callsSucceeded += 1 } else { statistics.callsFailed += 1 }
        if record.attempt > 1 { statistics.retries += 1 }
        statistics.promptTokens += record.usage.promptTokens
        statistics.outputTokens += record.usage.candidatesTokens
        statistics.thoughtsTokens += record.usage.thoughtsTokens
        statistics.cachedTokens += record.usage.cachedTokens
    }

    private func count(lost: Int) { statistics.recordsLost += lost }

    /// Reloads prices from the database (new `vigil prices set` rows apply to the next calls).
    package func refreshPrices() async {
        do {
            prices = try await PriceRepository(client: database).load()
        } catch {
            logger.debug("cannot refresh prices; keeping the ones loaded", metadata: ["error": "\(error)"])
        }
    }

    /// Applies a new configuration: added cameras start, removed ones stop, changed ones restart,
    /// the rest keep running. Gemini and image settings apply to the next calls.
    package func apply(_ new: VigilConfiguration) async {
        let old = configuration
        configuration = new
        plan = AnalysisPlan(new)
        if new.gemini != old.gemini {
            gemini = GeminiClient(configuration: new.gemini, apiKey: apiKey, logger: logger)
        }
        if new.analysis.maxImageSide != old.analysis.maxImageSide || new.analysis.jpegQuality != old.analysis.jpegQuality {
            pipeline = ImagePipeline(maxImageSide: new.analysis.maxImageSide, jpegQuality: new.analysis.jpegQuality)
        }
        let wanted = Dictionary(plan.cameras.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var added = 0, removed = 0, restarted = 0
        for (id, capture) in captures {
            guard let camera = wanted[id] else {
                captures[id] = nil
                await capture.stop()
                removed += 1
                continue
            }
            let settingsChanged = CaptureSettings(camera: camera, configuration: new) != capture.settings
            if camera != capture.camera || settingsChanged {
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
        logger.notice("configuration reloaded", metadata: ["cameras_added": "\(added)", "cameras_removed": "\(removed)",
                                                           "cameras_restarted": "\(restarted)", "calls_per_tick": "\(plan.sources.count)"])
    }
}
