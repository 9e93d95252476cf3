import Foundation
package import VigilCore
package import VigilGemini

/// The scene-change gate as a stage of every analysis: keeps a sample from Gemini when no camera of
/// its source changed since the picture last sent (``SceneGateState`` decides), counts each skip
/// with the cost it avoided (``SceneGateTally``, written to `scene_gate_hourly` by the daemon),
/// and tells the prompt which cameras changed. Shared by every analysis in flight; thread-safe.
///
/// The avoided cost is an estimate: the mean cost of the source's last 20 calls (zero before its
/// first priced call). A skip is logged at debug level only (by the supervisor, as a held sample):
/// at one sample per camera every few seconds, skipping is the normal state of a quiet site.
package final class SceneGate: AnalysisStage, @unchecked Sendable {
    private let lock = NSLock()
    private var state = SceneGateState()
    private var tally = SceneGateTally()
    private var recentCosts = RecentCallCosts()
    private var global: SceneGateConfiguration
    private var overrides: [String: SceneGateOverride] = [:]

    package init(configuration: VigilConfiguration) {
        global = configuration.analysis.sceneGate
        configure(configuration)
    }

    /// Takes a new configuration's gate settings; forgets cameras and sources no longer in it.
    package func configure(_ configuration: VigilConfiguration) {
        let plan = AnalysisPlan(configuration)
        lock.withLock {
            global = configuration.analysis.sceneGate
            overrides = Dictionary(
                configuration.cameras.compactMap { camera in camera.sceneGate.map { (camera.id, $0) } }, uniquingKeysWith: { a, _ in a })
            state.keep(cameras: Set(plan.cameras.map(\.id)), sources: Set(plan.sources.map(\.id)))
            recentCosts.keep(Set(plan.sources.map(\.id)))
        }
    }

    /// Forgets every camera and source but these (a cluster node's sources lost to another node).
    package func keep(cameras: Set<String>, sources: Set<String>) {
        lock.withLock { state.keep(cameras: cameras, sources: sources) }
    }

    /// The skips counted since the last call, to be written; the tally starts again.
    package func drain() -> SceneGateTally {
        lock.withLock {
            defer { tally = SceneGateTally() }
            return tally
        }
    }

    /// Puts back skips that could not be written, to be written with the next ones.
    package func restore(_ unwritten: SceneGateTally) {
        lock.withLock { tally.merge(unwritten) }
    }

    package func admit(_ candidate: inout AnalysisCandidate) async -> String? {
        let source = candidate.source
        let now = Date()
        let decision: SceneGateState.Decision = lock.withLock {
            let cameras = zip(candidate.frames.parts, candidate.frames.thumbnails).map { part, thumbnail in
                SceneGateState.Camera(id: part.cameraID, gate: gate(part.cameraID), thumbnail: thumbnail, sessionID: part.sessionID)
            }
            let decision = state.decide(source: source.id, cameras: cameras, now: now)
            if decision == .skip {
                tally.skip(client: source.client, source: source.id, kind: source.kind, at: now, cost: estimatedCost(source.id))
            }
            return decision
        }
        switch decision {
        case .skip:
            DaemonMetrics.sceneGateSkipped(source.id)
            // The supervisor logs the held sample at debug level, with this reason.
            return "scene unchanged since the last picture sent"
        case .send(let changed, let reason):
            if reason != "gate_off" { candidate.changedCameras = changed }
            return nil
        }
    }

    package func recorded(_ record: UsageRecord, attempt: AttemptReport, sample: AnalysisSample, spooled: Bool) async {
        lock.withLock { recentCosts.add(record.cost, source: record.sourceID) }
    }

    package func finished(_ analysis: CompletedAnalysis) async {
        let sample = analysis.sample
        let thumbnails = sample.thumbnails
        lock.withLock {
            let cameras = sample.image.parts.enumerated().map { index, part in
                SceneGateState.Camera(
                    id: part.cameraID, gate: gate(part.cameraID), thumbnail: index < thumbnails.count ? thumbnails[index] : nil,
                    sessionID: part.sessionID)
            }
            state.called(source: sample.source.id, cameras: cameras, succeeded: analysis.outcome.verdicts != nil, at: Date())
        }
    }

    /// A camera's effective settings. Call with the lock held.
    private func gate(_ camera: String) -> SceneGateConfiguration {
        overrides[camera]?.applied(to: global) ?? global
    }

    /// The mean of the source's recent call costs. Call with the lock held.
    private func estimatedCost(_ source: String) -> Money {
        recentCosts.mean(source) ?? .zero
    }
}
