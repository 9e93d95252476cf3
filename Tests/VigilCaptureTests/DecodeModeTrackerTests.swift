import Testing

@testable import VigilCapture

/// The decode-mode and keyframe decisions over synthetic picture sequences: no stream, no FFmpeg.
@Suite struct DecodeModeTrackerTests {
    /// One picture of a synthetic 25 fps stream (90 kHz timestamps).
    struct Picture {
        var index: Int
        var isKey: Bool
        var isWhole = true
        var timestamp: Int64? { Int64(index) * 3600 }
        var arrival: UInt64 { UInt64(index) * 40_000_000 + 1 }
    }

    /// `seconds` of a 25 fps stream with a keyframe every `gop` seconds (none when nil).
    static func stream(seconds: Double, gop: Double?) -> [Picture] {
        (0..<Int(seconds * 25)).map { index in
            Picture(index: index, isKey: gop.map { index % Int($0 * 25) == 0 } ?? false)
        }
    }

    static func tracker(sampling: Double, keyframeInterval: Double, mode: DecodeMode? = nil) -> DecodeModeTracker {
        DecodeModeTracker(
            samplingInterval: sampling, configuredKeyframeInterval: keyframeInterval, timeBase: 1.0 / 90_000,
            mode: mode ?? DecodeMode.choose(interval: sampling, keyframeInterval: keyframeInterval), openedAt: 0)
    }

    /// Feeds `pictures`; returns every step.
    static func feed(_ tracker: inout DecodeModeTracker, _ pictures: [Picture], distrustAt: Int? = nil) -> [DecodeModeTracker.Step] {
        pictures.map { picture in
            tracker.take(
                isKey: picture.isKey, isWhole: picture.isWhole, timestamp: picture.timestamp, now: picture.arrival,
                keyframeDistrusted: distrustAt.map { picture.index >= $0 } ?? false)
        }
    }

    @Test func keyframesAloneWhenSamplesAreRarerThanKeyframes() {
        var tracker = Self.tracker(sampling: 5, keyframeInterval: 2)
        let steps = Self.feed(&tracker, Self.stream(seconds: 10, gop: 2))
        #expect(tracker.mode == .keyframes)
        #expect(tracker.measuredKeyframeInterval == 2)
        #expect(steps.allSatisfy { $0.modeChange == nil })
        // Exactly the five keyframes are kept; nothing is decoded.
        #expect(steps.filter { $0.action == .keepKeyframe }.count == 5)
        #expect(steps.filter { $0.action == .discard }.count == 245)
    }

    @Test func aMeasuredGOPLongerThanTheSamplingIntervalTurnsToAllFramesAtTheNextKeyframe() {
        // The configuration believes in a 1 s GOP; the stream has 2 s; a sample every 1.5 s.
        var tracker = Self.tracker(sampling: 1.5, keyframeInterval: 1)
        let steps = Self.feed(&tracker, Self.stream(seconds: 6, gop: 2))
        let changed = steps.firstIndex { $0.modeChange != nil }
        #expect(changed == 50)  // the second keyframe measures 2 s
        #expect(steps[50].modeChange == .init(mode: .allFrames, reason: "keyframe interval 2.0 s, sampling every 1.5 s"))
        // The decoder starts at that keyframe and decodes every picture after it.
        #expect(steps[50].action == .decode(restart: true))
        #expect(steps[51...].allSatisfy { $0.action == .decode(restart: false) })
        #expect(steps[..<50].filter { $0.action == .keepKeyframe }.count == 1)
    }

    @Test func allFramesWaitForAWholeKeyframeToStartAndRestartAfterAnIncompletePicture() {
        var tracker = Self.tracker(sampling: 0.5, keyframeInterval: 2)
        var pictures = Self.stream(seconds: 6, gop: 2)
        // Joined between a keyframe's slices: the first picture lacks its beginning; later, a P picture does too.
        pictures[0].isWhole = false
        pictures[60].isWhole = false
        let steps = Self.feed(&tracker, pictures)
        #expect(tracker.mode == .allFrames)
        #expect(steps[0..<50].allSatisfy { $0.action == .discard })
        #expect(steps[50].action == .decode(restart: true))
        #expect(steps[51..<60].allSatisfy { $0.action == .decode(restart: false) })
        // After the incomplete picture, nothing until the next whole keyframe (100).
        #expect(steps[60..<100].allSatisfy { $0.action == .discard })
        #expect(steps[100].action == .decode(restart: true))
        #expect(steps.allSatisfy { $0.modeChange == nil })
    }

    @Test func noWholeKeyframeForTooLongDecodesFromWhereverTheStreamIsAndComesBack() {
        // Keyframes every 2 s, but none whole for the first 12 s (sampling 5 s: missing after 10 s).
        var tracker = Self.tracker(sampling: 5, keyframeInterval: 2)
        var pictures = Self.stream(seconds: 20, gop: 2)
        for index in 0..<300 where pictures[index].isKey { pictures[index].isWhole = false }
        let steps = Self.feed(&tracker, pictures)
        let fallback = steps.firstIndex { $0.modeChange?.mode == .allFrames }
        #expect(fallback == 250)  // the first picture more than 10 s after the session opened (10 s and 1 ns)
        #expect(steps[250].modeChange?.reason == "no whole keyframe for 10 s")
        #expect(steps[250].action == .decode(restart: true))
        #expect(steps[251..<300].allSatisfy { $0.action == .decode(restart: false) })
        // The first whole keyframe (at 12 s) brings keyframe mode back: the GOP is 2 s.
        #expect(steps[300].modeChange == .init(mode: .keyframes, reason: "keyframe interval 2.0 s, sampling every 5.0 s"))
        #expect(steps[300].action == .keepKeyframe)
        #expect(tracker.mode == .keyframes && !tracker.decoding)
    }

    @Test func aStreamWithoutKeyframesIsDecodedWhole() {
        var tracker = Self.tracker(sampling: 5, keyframeInterval: 2)
        let steps = Self.feed(&tracker, Self.stream(seconds: 12, gop: nil))
        #expect(steps[..<250].allSatisfy { $0.action == .discard })
        #expect(steps[250].action == .decode(restart: true))
        #expect(steps[251...].allSatisfy { $0.action == .decode(restart: false) })
    }

    @Test func aDistrustedKeyframeTurnsToAllFramesForGood() {
        var tracker = Self.tracker(sampling: 5, keyframeInterval: 2)
        let steps = Self.feed(&tracker, Self.stream(seconds: 8, gop: 2), distrustAt: 60)
        #expect(steps[100].modeChange == .init(mode: .allFrames, reason: "a keyframe packet did not decode to a keyframe"))
        #expect(steps[100].action == .decode(restart: true))
        #expect(steps[101...].allSatisfy { $0.action == .decode(restart: false) && $0.modeChange == nil })
    }

    @Test func aDecoderThatCannotStartIsTriedAgainAtTheNextWholeKeyframe() {
        var tracker = Self.tracker(sampling: 0.5, keyframeInterval: 2)
        var steps = Self.feed(&tracker, Array(Self.stream(seconds: 1, gop: 2).prefix(1)))
        #expect(steps[0].action == .decode(restart: true))
        tracker.decoderFailed()
        steps = Self.feed(&tracker, Array(Self.stream(seconds: 4, gop: 2)[1...50]))
        #expect(steps[..<49].allSatisfy { $0.action == .discard })
        #expect(steps[49].action == .decode(restart: true))
    }

    @Test func aRewoundFileDoesNotMeasureAGOPAcrossItsEnd() {
        var tracker = Self.tracker(sampling: 5, keyframeInterval: 2)
        _ = Self.feed(&tracker, Self.stream(seconds: 1, gop: 1))
        tracker.rewound()
        // The file starts again: timestamps from 0, arriving later.
        let again = Self.stream(seconds: 1, gop: 1).map { picture in
            tracker.take(isKey: picture.isKey, isWhole: true, timestamp: picture.timestamp, now: picture.arrival + 1_000_000_000)
        }
        #expect(tracker.measuredKeyframeInterval == nil)
        #expect(again[0].action == .keepKeyframe)
    }
}
