package import VigilCapture
package import VigilCore

/// What a source's cameras show at a tick, before anything is encoded or sent: what the stages'
/// ``AnalysisStage/admit(_:)`` look at, and may annotate.
package struct AnalysisCandidate: Sendable {
    package var source: AnalysisSource
    /// The cameras' frames and scene thumbnails; nothing is composed or encoded yet.
    package var frames: SampledFrames
    /// The cameras whose scene changed since the picture last sent, in quadrant order, as a scene
    /// gate judged them; nil when no gate judged (every camera counts as changed).
    package var changedCameras: [String]?
    /// The cluster lease the call goes under (set by ``LeaseGate``); nil outside cluster mode.
    package var lease: SourceLease?

    package init(source: AnalysisSource, frames: SampledFrames, changedCameras: [String]? = nil) {
        self.source = source
        self.frames = frames
        self.changedCameras = changedCameras
    }

    /// `[Front Door]` or `[group shop-floor]`, as the log lines name the source.
    package var label: String { "[\(source.displayName)]" }
}
