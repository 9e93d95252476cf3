import CFFmpeg
import Foundation
import VigilCore

/// The newest picture of one camera, shared by its reader thread and the samplers.
///
/// In keyframe mode it holds the newest keyframe, still compressed (all of its picture in one
/// packet, see ``AccessUnitAssembler``), and decodes it only when a sample is taken — so a camera
/// sampled every 5 s with a 2 s GOP decodes one frame in 5 s, not 125 (and not even the 2.5
/// keyframes that `skip_frame=nokey` would). The decoder is opened for the sample and closed after
/// it, which keeps a camera at about 2.3 MB (measured, marginal, 20 cameras open). In all-frames
/// mode the reader decodes every picture and the store holds the newest decoded frame.
final class FrameStore: @unchecked Sendable {
    private let lock = NSLock()
    private var parameters: UnsafeMutablePointer<AVCodecParameters>?
    private var keyUnit: Packet?
    private var keyArrival: UInt64 = 0
    private var latestFrame: Frame?
    private var latestArrival: UInt64 = 0
    /// Read and written on the reader thread only (it alone calls ``setMode(_:)``); samplers read it under the lock.
    private(set) var mode: DecodeMode
    private var distrusted = false
    private var decoded = 0
    private var damaged = 0

    init(mode: DecodeMode) {
        self.mode = mode
    }

    deinit {
        avcodec_parameters_free(&parameters)
    }

    /// Set when a sampled "keyframe" decoded to something else; the reader then decodes all frames.
    var keyframeDistrusted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return distrusted
    }

    /// Frames decoded since start, and those of them the decoder could not decode whole (parts
    /// concealed).
    var counts: (decoded: Int, damaged: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (decoded, damaged)
    }

    /// Whether there is anything to sample.
    var hasPicture: Bool {
        lock.lock()
        defer { lock.unlock() }
        return mode == .keyframes ? keyUnit != nil : latestFrame != nil
    }

    /// A new stream opened: forget the old one's pictures and keep its codec parameters.
    func reset(parameters source: UnsafePointer<AVCodecParameters>) {
        lock.lock()
        defer { lock.unlock() }
        avcodec_parameters_free(&parameters)
        parameters = avcodec_parameters_alloc()
        if let parameters { avcodec_parameters_copy(parameters, source) }
        keyUnit = nil
        latestFrame = nil
        keyArrival = 0
        latestArrival = 0
    }

    func setMode(_ mode: DecodeMode) {
        lock.lock()
        self.mode = mode
        if mode == .allFrames { keyUnit = nil } else { latestFrame = nil }
        lock.unlock()
    }

    /// Keyframe mode: the newest keyframe, all of its picture in one packet.
    func publishKeyframe(_ unit: Packet) {
        lock.lock()
        keyUnit = unit
        keyArrival = Monotonic.nanoseconds()
        lock.unlock()
    }

    /// All-frames mode: the frames one picture decoded to (usually one); the newest is kept, all
    /// are counted.
    func publish(_ frames: [Frame]) {
        guard let newest = frames.last else { return }
        let damagedNow = frames.count { $0.isDamaged }
        lock.lock()
        latestFrame = newest
        latestArrival = Monotonic.nanoseconds()
        decoded += frames.count
        damaged += damagedNow
        lock.unlock()
    }

    /// The newest picture if it is at most `maxAge` seconds old, decoding it now in keyframe mode.
    ///
    /// The lock is held only to take references; the decode (tens of milliseconds) runs outside it,
    /// so the reader and anyone asking ``hasPicture`` never wait for a sample.
    func newestFrame(maxAge: Double) -> (frame: Frame, age: Double)? {
        lock.lock()
        let now = Monotonic.nanoseconds()
        switch mode {
        case .allFrames:
            defer { lock.unlock() }
            guard let latestFrame, latestArrival > 0 else { return nil }
            let age = Double(now &- latestArrival) / 1e9
            guard age <= maxAge, let copy = Frame(referencing: latestFrame) else { return nil }
            return (copy, age)
        case .keyframes:
            guard let keyUnit, keyArrival > 0, let source = parameters,
                Double(now &- keyArrival) / 1e9 <= maxAge
            else {
                lock.unlock()
                return nil
            }
            let age = Double(now &- keyArrival) / 1e9
            let unit = Packet(referencing: keyUnit)
            var copy = avcodec_parameters_alloc()
            if let copy { avcodec_parameters_copy(copy, source) }
            lock.unlock()
            defer { avcodec_parameters_free(&copy) }
            guard let copy, let unit, case .success(let decoder) = Decoder.make(parameters: copy, forSample: true),
                let frame = decoder.decodeAlone(unit)
            else { return nil }
            lock.lock()
            decoded += 1
            if frame.isDamaged { damaged += 1 }
            if !frame.isKey { distrusted = true }
            lock.unlock()
            return (frame, age)
        }
    }
}
