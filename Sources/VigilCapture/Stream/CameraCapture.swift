import Foundation
package import VigilCore

/// One camera's stream, read on a thread of its own, reopened forever with backoff when it fails.
///
/// The thread opens the stream (bounded by the open timeout), reads packets (each read bounded by
/// the stall timeout), keeps the newest picture in a ``FrameStore``, and on any error, stall or end
/// of stream closes it and reopens it after an exponential backoff with jitter (reset once packets
/// flow again). It never gives up; only ``stop()`` ends it. A camera that is down costs the others
/// nothing: each has its own thread, and samplers never wait for a stream.
///
/// State changes are reported through `onEvent` once per change: a camera that fails to reconnect
/// twenty times is reported down once, with its error, and up once when it is back.
package final class CameraCapture: Sendable {
    package let camera: CameraConfiguration
    package let settings: CaptureSettings
    let store: FrameStore
    private let interrupter = Interrupter()
    private let shared = Shared()
    private let onEvent: @Sendable (CaptureEvent) -> Void

    private final class Shared: @unchecked Sendable {
        let condition = NSCondition()
        var status: CameraStatus
        var running = false
        var exited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        init() { status = CameraStatus(cameraID: "") }
    }

    /// A capture for `camera`; call ``start()`` to open it.
    package init(camera: CameraConfiguration, settings: CaptureSettings, onEvent: @escaping @Sendable (CaptureEvent) -> Void = { _ in }) {
        self.camera = camera
        self.settings = settings
        self.onEvent = onEvent
        let mode = DecodeMode.choose(interval: settings.samplingInterval, keyframeInterval: settings.keyframeInterval)
        self.store = FrameStore(mode: mode)
        shared.status = CameraStatus(cameraID: camera.id, decodeMode: mode)
    }

    deinit {
        interrupter.stop()
    }

    /// Starts the reader thread (once).
    package func start() {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        guard !shared.running else { return }
        shared.running = true
        // The reader holds its thread until the camera stops; then the thread ends.
        let reader = WorkerPool(name: "cam-\(camera.id)", stackSize: 512 * 1024)
        reader.submit { [self] _ in
            self.run()
            shared.condition.lock()
            shared.exited = true
            let waiters = shared.exitWaiters
            shared.exitWaiters = []
            shared.condition.broadcast()
            shared.condition.unlock()
            waiters.forEach { $0.resume() }
        }
        reader.shutdown()
    }

    /// Stops the stream (interrupting any blocking call) and waits until its thread has ended.
    package func stop() async {
        interrupter.stop()
        await withCheckedContinuation { continuation in
            if !addExitWaiter(continuation) { continuation.resume() }
        }
    }

    /// Wakes a backoff sleep and queues `continuation` for the thread's exit; false when it already ended.
    private func addExitWaiter(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        shared.condition.broadcast()
        guard shared.running && !shared.exited else { return false }
        shared.exitWaiters.append(continuation)
        return true
    }

    /// The camera's current state and counters.
    package var status: CameraStatus {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        var status = shared.status
        (status.framesDecoded, status.framesDamaged) = store.counts
        return status
    }

    /// Whether a picture is ready to be sampled (a keyframe or a decoded frame has arrived).
    package var hasPicture: Bool { store.hasPicture }

    /// Counts one sample taken from this camera, whose frame was `width`×`height`.
    func countSample(width: Int, height: Int) {
        update {
            $0.framesSampled += 1
            let codec = $0.streamDescription?.split(separator: " ").first.map(String.init) ?? "video"
            $0.streamDescription = "\(codec) \(width)x\(height)"
        }
    }

    private func update(_ change: (inout CameraStatus) -> Void) {
        shared.condition.lock()
        change(&shared.status)
        shared.condition.unlock()
    }

    // MARK: - The reader thread

    private func run() {
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        var reportedState: CameraState?
        var reportedError: String?
        func report(_ state: CameraState, _ error: String?) {
            update {
                $0.state = state
                if let error { $0.lastError = error }
            }
            // Connecting and backing off alternate on every retry: report the first, not each one.
            let quiet =
                (state == .connecting && reportedState == .backingOff)
                || (state == .backingOff && reportedState == .connecting && error == reportedError)
            if quiet && reportedState != nil { return }
            if state == reportedState && error == reportedError { return }
            reportedState = state
            reportedError = error
            onEvent(.stateChanged(cameraID: camera.id, state: state, error: error))
        }

        while !interrupter.isStopped {
            report(.connecting, nil)
            // The stall timeout is the interrupter's; FFmpeg's own socket timeout is set well beyond
            // it, so that one clock decides.
            let opened = StreamReader.open(
                url: camera.url, transport: settings.transport, openTimeout: settings.openTimeout,
                socketTimeout: settings.stallTimeout * 3, interrupter: interrupter)
            switch opened {
            case .failure(let error):
                if interrupter.isStopped { break }
                report(.backingOff, error.message)
                sleep(settings.backoff.delay(attempt: failures, using: &generator))
                failures += 1
                update { $0.reconnects += 1 }
            case .success(let reader):
                let session = UUID()
                update {
                    $0.sessionID = session
                    $0.streamDescription = reader.description
                    $0.lastError = nil
                }
                store.reset(parameters: reader.parameters)
                onEvent(.connected(cameraID: camera.id, sessionID: session, at: Date(), description: reader.description))
                report(.live, nil)
                let outcome = read(reader) { failures = 0 }
                let isFile = reader.isFile
                reader.close()
                update { $0.sessionID = nil }
                onEvent(.disconnected(cameraID: camera.id, sessionID: session, at: Date(), reason: outcome.reason))
                if interrupter.isStopped { break }
                if isFile && !settings.loopFiles && outcome.ended {
                    // Played once: its newest picture stays to be sampled until it is too old.
                    report(.ended, nil)
                    return
                }
                report(outcome.stalled ? .stalled : .backingOff, outcome.reason)
                sleep(settings.backoff.delay(attempt: failures, using: &generator))
                failures += 1
                update { $0.reconnects += 1 }
            }
        }
        report(.stopped, nil)
    }

    /// Sleeps up to `seconds`, waking early on stop.
    private func sleep(_ seconds: Double) {
        let until = Date().addingTimeInterval(seconds)
        shared.condition.lock()
        while !interrupter.isStopped && Date() < until {
            _ = shared.condition.wait(until: until)
        }
        shared.condition.unlock()
    }

    /// Reads packets until the stream ends, stalls, fails or is stopped; `flowing` is called on the first packet.
    ///
    /// Packets are joined into pictures (``AccessUnitAssembler``); a ``DecodeModeTracker`` decides
    /// what each picture is for, and this loop does it: keeps a keyframe, decodes, or drops it.
    private func read(_ reader: StreamReader, flowing: () -> Void) -> (reason: String, stalled: Bool, ended: Bool) {
        let packet = Packet()
        let assembler = AccessUnitAssembler(parameters: reader.parameters)
        var tracker = DecodeModeTracker(
            samplingInterval: settings.samplingInterval, configuredKeyframeInterval: settings.keyframeInterval,
            timeBase: reader.timeBase, mode: store.mode, openedAt: Monotonic.nanoseconds())
        var decoder: Decoder?
        var counters = ReadCounters()
        var pacing = FilePacing()
        defer { publish(&counters, packetArrived: false) }

        /// One picture: the tracker says what it is for.
        func take(_ access: AccessUnit) {
            let unit = access.packet
            if !access.isWhole { counters.incomplete += 1 }
            // A sampler may have found a "keyframe" that was not one: asked once per keyframe, not per packet.
            let step = tracker.take(
                isKey: unit.isKey, isWhole: access.isWhole, timestamp: unit.timestamp, now: Monotonic.nanoseconds(),
                keyframeDistrusted: unit.isKey && store.keyframeDistrusted)
            if let change = step.modeChange {
                store.setMode(change.mode)
                update { $0.decodeMode = change.mode }
                onEvent(.decodeModeChanged(cameraID: camera.id, mode: change.mode, reason: change.reason))
            }
            switch step.action {
            case .keepKeyframe:
                decoder = nil
                store.publishKeyframe(unit)
            case .discard:
                if !tracker.decoding { decoder = nil }
            case .decode(let restart):
                if restart || decoder == nil {
                    decoder = nil
                    guard case .success(let made) = Decoder.make(parameters: reader.parameters) else {
                        tracker.decoderFailed()
                        return
                    }
                    decoder = made
                }
                if let decoder { store.publish(decoder.decode(unit)) }
            }
        }

        let pause = reader.isFile ? 0 : ReadPause.seconds(samplingInterval: settings.samplingInterval, transport: settings.transport)
        // What a read finds after a pause may have arrived at its start: the silence that ends in a
        // stall can have begun one pause before the read that waits for it. FFmpeg notices the
        // deadline up to one polling slice after it passes.
        let stallTimeout = max(0.1, settings.stallTimeout - pause - StreamReader.interruptLatency)
        var first = true
        while true {
            let asked = Monotonic.nanoseconds()
            switch reader.read(into: packet, stallTimeout: stallTimeout) {
            case .packet:
                // A read that had to wait (over a millisecond) began a new batch: let the rest of
                // it, and the next, gather in the kernel before reading on.
                if pause > 0 && Monotonic.nanoseconds() &- asked > 1_000_000 { sleep(pause) }
            case .endOfFile:
                // The file's last picture is whole now.
                if let unit = assembler.flush() { take(unit) }
                if reader.isFile && settings.loopFiles && reader.rewind() {
                    pacing = FilePacing()
                    tracker.rewound()
                    continue
                }
                return ("end of stream", false, true)
            case .stalled:
                return ("no video for \(Int(settings.stallTimeout)) s (stalled)", true, false)
            case .stopped:
                return ("stopped", false, false)
            case .failed(let message):
                return ("read failed: \(message)", false, false)
            }
            if first {
                first = false
                flowing()
            }
            // Counters reach the shared status four times a second, not on every packet.
            counters.packets += 1
            if counters.due(now: Monotonic.nanoseconds()) { publish(&counters, packetArrived: true) }
            if reader.isFile { pace(packet, reader: reader, pacing: &pacing) }
            let completed = assembler.add(packet)
            packet.unreference()
            if let unit = completed { take(unit) }
        }
    }

    /// Counters gathered on the reader thread between two hand-overs to the shared status.
    private struct ReadCounters {
        var packets = 0
        var incomplete = 0
        var lastPublished: UInt64 = 0

        /// Whether a quarter of a second has passed since the last hand-over (and notes it).
        mutating func due(now: UInt64) -> Bool {
            guard now &- lastPublished > 250_000_000 else { return false }
            lastPublished = now
            return true
        }
    }

    /// Hands the counters gathered on the reader thread to the shared status.
    private func publish(_ counters: inout ReadCounters, packetArrived: Bool) {
        let (packets, incomplete) = (counters.packets, counters.incomplete)
        update {
            $0.packets += packets
            $0.picturesIncomplete += incomplete
            if packetArrived { $0.lastPacketAt = Date() }
        }
        counters.packets = 0
        counters.incomplete = 0
    }

    /// Where a file's playback started: its first timestamp and the monotonic time it was read.
    private struct FilePacing {
        var start: UInt64 = 0
        var firstTimestamp: Int64?
    }

    /// Plays a file at its own speed, as a camera would deliver it.
    private func pace(_ packet: Packet, reader: StreamReader, pacing: inout FilePacing) {
        guard let pts = packet.timestamp else { return }
        guard let first = pacing.firstTimestamp else {
            pacing.firstTimestamp = pts
            pacing.start = Monotonic.nanoseconds()
            return
        }
        let due = Double(pts &- first) * reader.timeBase
        while !interrupter.isStopped {
            let wait = due - Monotonic.seconds(since: pacing.start)
            if wait <= 0 || !wait.isFinite { return }
            usleep(UInt32(min(wait, 0.2) * 1_000_000))
        }
    }
}
