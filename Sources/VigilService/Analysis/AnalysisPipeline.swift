package import Foundation
package import Logging
package import VigilBilling
package import VigilCapture
package import VigilCore
package import VigilGemini
package import VigilStore

/// One source's analysis, stage by stage: frames and their thumbnails → stages' admission (spool,
/// scene change, budget) → JPEG and prompt → Gemini, attempt by attempt, each made a durable usage
/// row before the next → stages' results.
///
/// `vigil run` (through ``Supervisor``) and `vigil analyze` both analyse through this type; they
/// differ only in their stages and whether a ledger records the calls. The pipeline itself keeps
/// the one promise every caller relies on: every attempt that reached Gemini is handed to the
/// ledger (when there is one) before another request is sent, with its verdicts carrying the
/// source frames' sizes. A value: a changed configuration or price book makes a new one.
package struct AnalysisPipeline: Sendable {
    package var gemini: GeminiClient
    package var images: ImagePipeline
    /// Prices for costing each attempt as it is recorded; a model without one is recorded unpriced.
    package var prices: PriceBook
    /// Where usage records go; nil records nothing (an ad-hoc `vigil analyze` without a client).
    package var ledger: UsageLedger?
    /// The oldest frame a sample may use, in seconds.
    package var maxFrameAge: Double
    /// The system instruction of every prompt; nil for the built-in one.
    package var systemInstruction: String?
    /// Run in order at each point of the analysis.
    package var stages: [any AnalysisStage]
    /// Where the picture behind an incident verdict is kept; nil keeps none.
    package var evidence: EvidenceStore?
    package var logger: Logger

    package init(
        gemini: GeminiClient, images: ImagePipeline, prices: PriceBook, ledger: UsageLedger?, maxFrameAge: Double,
        systemInstruction: String?, stages: [any AnalysisStage] = [], evidence: EvidenceStore? = nil, logger: Logger
    ) {
        self.gemini = gemini
        self.images = images
        self.prices = prices
        self.ledger = ledger
        self.maxFrameAge = maxFrameAge
        self.systemInstruction = systemInstruction
        self.stages = stages
        self.evidence = evidence
        self.logger = logger
    }

    /// Analyses `source` from `captures` (one per camera of the source, in its order; nil for a
    /// camera that is not open).
    ///
    /// - Parameter deadline: no attempt starts after it (a retry that would is abandoned).
    package func analyze(_ source: AnalysisSource, captures: [CameraCapture?], deadline: Date? = nil) async -> AnalysisRun {
        let frames: SampledFrames
        do {
            frames = try await images.frames(captures, ids: source.cameras.map(\.id), maxAge: maxFrameAge)
        } catch {
            return .imageFailed("\(error)")
        }
        if frames.isEmpty { return .noFrame }
        var candidate = AnalysisCandidate(source: source, frames: frames)
        var admitted: [any AnalysisStage] = []
        for stage in stages {
            if let reason = await stage.admit(&candidate) {
                for earlier in admitted { await earlier.withdrawn(candidate) }
                return .held(reason)
            }
            admitted.append(stage)
        }
        let image: SampledImage
        do {
            image = try await images.encode(frames)
        } catch {
            for stage in admitted { await stage.withdrawn(candidate) }
            return .imageFailed("\(error)")
        }
        let sample = AnalysisSample(
            source: source, image: image,
            prompt: AnalysisPrompt(
                source: source, missing: Set(image.missing), changed: candidate.changedCameras.map(Set.init),
                systemInstruction: systemInstruction),
            changedCameras: candidate.changedCameras, thumbnails: frames.thumbnails)

        let frameSizes = Dictionary(
            image.parts.compactMap { part in part.frameSize.map { (part.cameraID, $0) } },
            uniquingKeysWith: { first, _ in first })
        let geminiImage = GeminiImage(jpeg: image.jpeg, width: image.width, height: image.height)
        let options = callOptions(source)
        var call = gemini.call(image: geminiImage, prompt: sample.prompt, deadline: deadline, options: options)
        let expected = gemini.expectedUsage(image: geminiImage, prompt: sample.prompt, options: options)
        var records: [UsageRecord] = []
        var attemptNumber = 0
        while await call.prepare() {
            if let reason = await attemptRefusal(candidate) {
                logger.notice("\(sample.label) not sent: \(reason)")
                call.abandon(GeminiFailure(kind: .notRecordable, message: "not sent: \(reason)"))
                break
            }
            attemptNumber += 1
            // No call without a durable record: its intent first, the row it becomes if its answer
            // is never recorded (Vigil killed meanwhile).
            var intent = UsageRecordFactory.intent(
                attempt: attemptNumber, source: source, image: image, model: gemini.model, endpoint: gemini.endpointPath, usage: expected,
                tier: call.requestedTier)
            intent.node = candidate.lease?.node
            intent.leaseEpoch = candidate.lease?.epoch
            if let ledger {
                do {
                    try await ledger.recordIntent(intent)
                } catch {
                    logger.error("\(sample.label) not sent: its record cannot be made durable", metadata: ["error": "\(error)"])
                    call.abandon(GeminiFailure(kind: .notRecordable, message: "not sent: its record cannot be made durable (\(error))"))
                    break
                }
            }
            guard var attempt = await call.send() else {
                // It never reached the server: nothing to record.
                await ledger?.completeIntent(intent.requestID)
                continue
            }
            attempt.verdicts = attempt.verdicts.map { Self.sized($0, frameSizes) }
            if let verdicts = attempt.verdicts {
                attempt.verdicts = await keepEvidence(verdicts, image: image, requestID: intent.requestID, label: sample.label)
            }
            var record = UsageRecordFactory.record(
                attempt, source: source, image: image, model: gemini.model, endpoint: gemini.endpointPath, prices: prices,
                requestID: intent.requestID)
            record.node = candidate.lease?.node
            record.leaseEpoch = candidate.lease?.epoch
            let spooled = await self.record(record, label: sample.label)
            // A record that could not be spooled keeps its intent: the call still becomes a row.
            if spooled { await ledger?.completeIntent(intent.requestID) }
            records.append(record)
            for stage in stages { await stage.recorded(record, attempt: attempt, sample: sample, spooled: spooled) }
        }
        var outcome = call.outcome
        let evidencePaths = Dictionary(
            (records.last?.verdicts ?? []).compactMap { verdict in verdict.evidencePath.map { (verdict.cameraID, $0) } },
            uniquingKeysWith: { first, _ in first })
        outcome.verdicts = outcome.verdicts.map { verdicts in
            Self.sized(verdicts, frameSizes).map { verdict in
                var kept = verdict
                kept.evidencePath = evidencePaths[verdict.cameraID]
                return kept
            }
        }
        let completed = CompletedAnalysis(sample: sample, outcome: outcome, records: records)
        for stage in stages { await stage.finished(completed) }
        return .completed(completed)
    }

    /// Why the next attempt must not go (a stage's ``AnalysisStage/mayAttempt(_:)``), or nil.
    private func attemptRefusal(_ candidate: AnalysisCandidate) async -> String? {
        for stage in stages {
            if let reason = await stage.mayAttempt(candidate) { return reason }
        }
        return nil
    }

    /// The tier and image resolution `source` asks for: its camera's or group's own, else `gemini.*`.
    package func callOptions(_ source: AnalysisSource) -> GeminiCallOptions {
        GeminiCallOptions(
            tier: source.serviceTier(default: gemini.configuration.serviceTier),
            mediaResolution: source.mediaResolution(default: gemini.configuration.mediaResolutionLevel))
    }

    /// `verdicts` with the path of the picture kept as their evidence, when any is an incident. A
    /// picture that cannot be kept is logged; the verdicts are recorded without it.
    private func keepEvidence(_ verdicts: [CameraVerdict], image: SampledImage, requestID: String, label: String) async -> [CameraVerdict] {
        guard let evidence, verdicts.contains(where: \.incidentDetected) else { return verdicts }
        switch await evidence.keep(image.jpeg, requestID: requestID, at: Date()) {
        case .success(let path):
            return verdicts.map { verdict in
                var kept = verdict
                if verdict.incidentDetected { kept.evidencePath = path }
                return kept
            }
        case .failure(let error):
            logger.error(
                "\(label) the incident's picture could not be kept", metadata: ["request_id": "\(requestID)", "error": "\(error)"])
            return verdicts
        }
    }

    /// Hands `record` to the ledger; false when it could not be made durable (logged as lost).
    private func record(_ record: UsageRecord, label: String) async -> Bool {
        guard let ledger else { return true }
        do {
            try await ledger.record(record)
            return true
        } catch {
            logger.critical(
                "\(label) a usage record could not be spooled: it is lost",
                metadata: ["request_id": "\(record.requestID)", "error": "\(error)"])
            return false
        }
    }

    /// `verdicts` with each camera's source frame size (`1920x1080`), as stored with the verdict.
    private static func sized(_ verdicts: [CameraVerdict], _ frameSizes: [String: String]) -> [CameraVerdict] {
        verdicts.map { verdict in
            var sized = verdict
            sized.frameSize = frameSizes[verdict.cameraID]
            return sized
        }
    }
}
