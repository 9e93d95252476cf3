package import VigilCore

/// How much of a stream is decoded.
package enum DecodeMode: String, Sendable, Equatable {
    /// Only keyframes are decoded, and only the newest one when a sample is taken.
    case keyframes
    /// Every frame is decoded, so the newest frame is always ready.
    case allFrames = "all-frames"

    /// Keyframes suffice when a sample is due no more often than a keyframe arrives: the newest
    /// keyframe is then at most one keyframe interval old, fresher than the sampling interval.
    ///
    /// - Parameters:
    ///   - interval: seconds between samples.
    ///   - keyframeInterval: the stream's keyframe (GOP) interval in seconds, measured or configured.
    package static func choose(interval: Double, keyframeInterval: Double) -> DecodeMode {
        interval >= keyframeInterval ? .keyframes : .allFrames
    }
}
