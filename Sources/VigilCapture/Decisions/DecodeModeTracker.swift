/// Decides, picture by picture, how much of one stream session to decode: a pure value that the
/// camera's reader thread feeds with each picture it assembles, and that tests feed with synthetic
/// sequences.
///
/// It measures the keyframe interval (GOP) from the keyframes' timestamps and keeps to keyframes
/// while they come at least as often as samples are taken (``DecodeMode/choose(interval:keyframeInterval:)``).
/// It decodes every frame instead when the measured GOP is longer than the sampling interval, when
/// no whole keyframe has come for twice the longer of the sampling and configured keyframe
/// intervals, or when a sampled "keyframe" proved not to be one. In all-frames mode a decoder starts
/// at a whole keyframe (pictures before it refer to ones it never saw), and starts again at the next
/// whole keyframe after a picture that lacked its beginning; a stream whose keyframes never come
/// whole is decoded from wherever it is.
package struct DecodeModeTracker: Sendable, Equatable {
    /// What to do with one picture.
    package enum Action: Sendable, Equatable {
        /// Keyframe mode: keep this whole keyframe, still compressed, for the next sample; no
        /// decoder runs.
        case keepKeyframe
        /// Nothing: not needed in keyframe mode, or waiting for a whole keyframe to start decoding at.
        case discard
        /// All-frames mode: decode it, after starting a new decoder when `restart` is true.
        case decode(restart: Bool)
    }

    /// The tracker's answer for one picture.
    package struct Step: Sendable, Equatable {
        package var action: Action
        /// The new mode and why, when this picture changed it.
        package var modeChange: ModeChange?
    }

    /// A change of decode mode and its reason, as logged (`keyframe interval 2.0 s, sampling every 1.5 s`).
    package struct ModeChange: Sendable, Equatable {
        package var mode: DecodeMode
        package var reason: String
    }

    /// Seconds between samples.
    package let samplingInterval: Double
    /// The configured keyframe interval in seconds, trusted until one is measured.
    package let configuredKeyframeInterval: Double
    /// Seconds per timestamp unit of the stream.
    package let timeBase: Double

    /// The mode in force.
    package private(set) var mode: DecodeMode
    /// The keyframe interval measured from the last two keyframes' timestamps, in seconds.
    package private(set) var measuredKeyframeInterval: Double?
    /// Whether a decoder should be running (all-frames mode, started at a whole keyframe).
    package private(set) var decoding = false
    private var lastKeyTimestamp: Int64?
    private var lastWholeKeyAt: UInt64
    private var distrusted = false

    /// A tracker for a session that opened at `openedAt` (monotonic nanoseconds), starting in
    /// `mode` (the stream's current mode: the store keeps it across sessions).
    package init(samplingInterval: Double, configuredKeyframeInterval: Double, timeBase: Double, mode: DecodeMode, openedAt: UInt64) {
        self.samplingInterval = samplingInterval
        self.configuredKeyframeInterval = configuredKeyframeInterval
        self.timeBase = timeBase
        self.mode = mode
        self.lastWholeKeyAt = openedAt
    }

    /// The decision for one picture.
    ///
    /// - Parameters:
    ///   - isKey: the picture is a keyframe by its packet's flag.
    ///   - isWhole: its first slice starts the picture (nothing of it was lost before it).
    ///   - timestamp: its presentation (or decoding) time in ``timeBase`` units, if it has one.
    ///   - now: when it arrived, in monotonic nanoseconds.
    ///   - keyframeDistrusted: a sample found that a "keyframe" packet did not decode to a keyframe.
    package mutating func take(isKey: Bool, isWhole: Bool, timestamp: Int64?, now: UInt64, keyframeDistrusted: Bool = false) -> Step {
        if isKey {
            if let last = lastKeyTimestamp, let timestamp, timestamp > last {
                let interval = Double(timestamp &- last) * timeBase
                if interval > 0.05 && interval.isFinite { measuredKeyframeInterval = interval }
            }
            lastKeyTimestamp = timestamp
            // Only a keyframe that can be shown counts as one having arrived.
            if isWhole { lastWholeKeyAt = now }
        }
        let keyless = Double(now &- lastWholeKeyAt) / 1e9
        let keyframesMissing = now > lastWholeKeyAt && keyless > max(samplingInterval, configuredKeyframeInterval) * 2
        // Asked once per keyframe, not per picture; once distrusted, always.
        if isKey && keyframeDistrusted { distrusted = true }

        var wanted = DecodeMode.choose(interval: samplingInterval, keyframeInterval: measuredKeyframeInterval ?? configuredKeyframeInterval)
        if keyframesMissing || distrusted { wanted = .allFrames }
        var change: ModeChange?
        if wanted != mode {
            let reason =
                distrusted
                ? "a keyframe packet did not decode to a keyframe"
                : keyframesMissing
                    ? "no whole keyframe for \(Int(keyless)) s"
                    : measuredKeyframeInterval.map {
                        "keyframe interval \(Self.tenths($0)) s, sampling every \(Self.tenths(samplingInterval)) s"
                    }
                        ?? "configured"
            mode = wanted
            change = ModeChange(mode: wanted, reason: reason)
        }

        switch mode {
        case .keyframes:
            decoding = false
            // A keyframe lacking its beginning would be sampled with its top concealed: the
            // previous one stays until the next whole one.
            return Step(action: isKey && isWhole ? .keepKeyframe : .discard, modeChange: change)
        case .allFrames:
            if keyframesMissing {
                // No whole keyframe to start at: decode from wherever the stream is.
                let restart = !decoding
                decoding = true
                return Step(action: .decode(restart: restart), modeChange: change)
            }
            if !isWhole { decoding = false }
            if !decoding {
                guard isKey && isWhole else { return Step(action: .discard, modeChange: change) }
                decoding = true
                return Step(action: .decode(restart: true), modeChange: change)
            }
            return Step(action: .decode(restart: false), modeChange: change)
        }
    }

    /// A decoder could not be started: the next whole keyframe tries again.
    package mutating func decoderFailed() {
        decoding = false
    }

    /// A file was rewound to its start: its timestamps begin again.
    package mutating func rewound() {
        lastKeyTimestamp = nil
    }

    /// `2.0` for 2 seconds.
    private static func tenths(_ seconds: Double) -> String {
        let tenths = (seconds * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e12 else { return "\(seconds)" }
        let value = Int(tenths)
        return "\(value / 10).\(abs(value % 10))"
    }
}
