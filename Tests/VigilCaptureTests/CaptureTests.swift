import CFFmpeg
import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilCapture

/// Capture against real RTSP streams from the GStreamer test server, through real FFmpeg.
@Suite(.enabled(if: TestEnvironment.hasRTSP, "needs the RTSP test server: run ./scripts/test"), .timeLimit(.minutes(3)))
struct CaptureTests {
    static func camera(_ path: String, base: String? = TestEnvironment.rtspURL, id: String? = nil) -> CameraConfiguration {
        CameraConfiguration(id: id ?? path, name: path, url: try! StreamURL.parse("\(base ?? "")/\(path)"), client: "acme")
    }

    /// Waits until `condition` holds, up to `timeout` seconds.
    static func eventually(_ timeout: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    /// The newest frame of `capture`, decoded (in keyframe mode) on a thread of its own: a decode is
    /// a blocking FFmpeg call and stays off Swift's cooperative pool, in tests as in the daemon.
    static func newestFrame(_ capture: CameraCapture, maxAge: Double) async -> Frame? {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: capture.store.newestFrame(maxAge: maxAge)?.frame) }.start()
        }
    }

    /// `seconds` of the test camera's H.264 stream as the ffmpeg CLI records it into a raw `.h264`
    /// file (each 1080p keyframe in two packets), at a new temporary path.
    static func recordRawH264(seconds: Double) async throws -> String {
        let path = NSTemporaryDirectory() + "vigil-raw-\(UUID().uuidString).h264"
        let recorded = try await ProcessRunner.run(
            "/usr/bin/ffmpeg",
            [
                "-v", "error", "-y", "-rtsp_transport", "tcp", "-i",
                "\(TestEnvironment.rtspURL ?? "")/h264-1080p", "-c", "copy",
                "-t", "\(seconds)", "-f", "h264", path,
            ])
        #expect(recorded.status == 0, "\(recorded.standardError)")
        return path
    }

    /// A one-second H.264 clip of the `size` test pattern (a keyframe a second), at a new temporary path.
    static func makeClip(size: String) async throws -> String {
        let path = NSTemporaryDirectory() + "vigil-clip-\(UUID().uuidString).mp4"
        let made = try await ProcessRunner.run(
            "/usr/bin/ffmpeg",
            [
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=\(size):r=25:d=1",
                "-c:v", "libx264", "-g", "25", "-pix_fmt", "yuv420p", path,
            ])
        #expect(made.status == 0, "\(made.standardError)")
        return path
    }

    @Test(arguments: [("h264-1080p", "h264 1920x1080"), ("h265-720p", "hevc 1280x720"), ("mjpeg-480p", "mjpeg 640x480")])
    func framesArriveFromEachCodec(path: String, description: String) async throws {
        let capture = CameraCapture(camera: Self.camera(path), settings: CaptureSettings(samplingInterval: 5))
        capture.start()
        #expect(await Self.eventually(60) { capture.hasPicture })
        let image = try await ImagePipeline().sample(capture, maxAge: 30)
        await capture.stop()
        #expect(capture.status.streamDescription == description)
        #expect(image.parts[0].present)
        #expect(image.jpeg.starts(with: [0xFF, 0xD8]))
        #expect(max(image.width, image.height) == min(768, Int(description.split(separator: " ")[1].split(separator: "x")[0])!))
        // How fast the first picture comes is measured by scripts/bench-capture, not here.
    }

    /// The spread of luma values along row `y` of `frame` (max − min).
    static func lumaSpread(_ frame: Frame, row y: Int) -> Int {
        guard let plane = vigil_frame_data(frame.pointer, 0) else { return -1 }
        let row = plane + y * Int(vigil_frame_linesize(frame.pointer, 0))
        let values = (0..<frame.width).map { Int(row[$0]) }
        return (values.max() ?? 0) - (values.min() ?? 0)
    }

    /// The largest luma spread of the rows in the top quarter of `frame`, where the test cameras'
    /// moving pattern (colour bars) is: above 60 when it is there, near 0 when that part is plain.
    static func patternSpread(_ frame: Frame) -> Int {
        stride(from: 4, to: frame.height / 4 - 4, by: 8).map { lumaSpread(frame, row: $0) }.max() ?? 0
    }

    /// The test cameras send each 1080p keyframe as two packets (the server repeats the parameter
    /// sets before each of x264's two slices, and FFmpeg's parser splits there); the very first
    /// packet of a session has no timestamp at all. Decoded packet by packet, the last picture
    /// lacked its top half: the test pattern there was gone, concealed in flat colour.
    @Test(arguments: ["h264-1080p", "h265-720p"])
    func aKeyframeSentInSeveralPacketsIsDecodedWhole(path: String) async throws {
        let capture = CameraCapture(camera: Self.camera(path, id: "whole-\(path)"), settings: CaptureSettings(samplingInterval: 5))
        let everyFrame = CameraCapture(camera: Self.camera(path, id: "whole-all-\(path)"), settings: CaptureSettings(samplingInterval: 0.5))
        capture.start()
        everyFrame.start()
        #expect(await Self.eventually(60) { capture.hasPicture && everyFrame.hasPicture })
        // The session's first keyframe, then a later one (2 s GOP: the next keyframe comes after 50
        // more packets at the latest), then a frame decoded in sequence.
        let first = await Self.newestFrame(capture, maxAge: 30)
        let packetsAtFirst = capture.status.packets
        #expect(await Self.eventually(60) { capture.status.packets > packetsAtFirst + 60 })
        #expect(await Self.eventually(60) { everyFrame.status.framesDecoded > 5 })
        let later = await Self.newestFrame(capture, maxAge: 30)
        let sequenced = await Self.newestFrame(everyFrame, maxAge: 30)
        await capture.stop()
        await everyFrame.stop()
        for (name, picture) in [("first keyframe", first), ("later keyframe", later), ("every-frame decode", sequenced)] {
            let frame = try #require(picture, "no \(name) from \(path)")
            #expect(!frame.isDamaged, "\(name) of \(path): decoder reported errors")
            // The moving test pattern (colour bars) is somewhere in the top quarter; below it, one colour.
            let patterned = Self.patternSpread(frame)
            #expect(patterned > 60, "\(name) of \(path): no test pattern in the top quarter (luma spread \(patterned))")
            #expect(Self.lumaSpread(frame, row: frame.height * 3 / 4) < 16, "\(name) of \(path): the lower part is not plain")
        }
        #expect(capture.status.framesDamaged == 0)
        #expect(everyFrame.status.framesDamaged == 0)
    }

    /// A raw `.h264` file (no container) gives every packet a time of its own, so the parts of a
    /// picture are found from their slices, not their timestamps. The file is the test camera's
    /// stream as the ffmpeg CLI records it: each keyframe in two packets.
    @Test func aRawH264FileWithAPictureInTwoPacketsIsDecodedWhole() async throws {
        let path = try await Self.recordRawH264(seconds: 2.5)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let camera = CameraConfiguration(id: "raw", name: "raw", url: try StreamURL.parse(path), client: "acme")
        let capture = CameraCapture(camera: camera, settings: CaptureSettings(samplingInterval: 5, loopFiles: false))
        capture.start()
        #expect(await Self.eventually(60) { capture.hasPicture })
        let frame = await Self.newestFrame(capture, maxAge: 60)
        await capture.stop()
        let picture = try #require(frame)
        #expect(!picture.isDamaged)
        let patterned = Self.patternSpread(picture)
        #expect(patterned > 60, "no test pattern in the top quarter (luma spread \(patterned))")
    }

    /// The same raw stream cut so that it begins with the first keyframe's second slice, as a
    /// session that joins between them receives it (seen in CI: the first sampled keyframe had
    /// its top quarter concealed). No picture is decoded from that keyframe; decoding starts at
    /// the next one, and nothing decoded is damaged.
    @Test func aStreamJoinedInTheMiddleOfAKeyframeWaitsForTheNextOne() async throws {
        // 5.5 s of a 2 s GOP: the recording may begin anywhere in one, and a whole keyframe must follow the cut.
        let recording = try await Self.recordRawH264(seconds: 5.5)
        let path = recording + ".cut"
        defer {
            try? FileManager.default.removeItem(atPath: recording)
            try? FileManager.default.removeItem(atPath: path)
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: recording)))
        // NAL units by start code: (offset of the start code, type, first bit after the header).
        var units: [(offset: Int, type: UInt8, firstBit: Bool)] = []
        var index = 0
        while index + 4 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                let offset = index > 0 && bytes[index - 1] == 0 ? index - 1 : index
                units.append((offset, bytes[index + 3] & 0x1F, bytes[index + 4] & 0x80 != 0))
                index += 3
            } else {
                index += 1
            }
        }
        // The first IDR slice that does not start its picture, and the parameter sets just before it.
        let second = try #require(units.firstIndex { $0.type == 5 && !$0.firstBit }, "the recorded keyframe is not in several slices")
        let cut = try #require(units[..<second].lastIndex { $0.type == 7 }.map { units[$0].offset })
        try Data(bytes[cut...]).write(to: URL(fileURLWithPath: path))

        let camera = CameraConfiguration(id: "cut", name: "cut", url: try StreamURL.parse(path), client: "acme")
        let capture = CameraCapture(camera: camera, settings: CaptureSettings(samplingInterval: 0.5, loopFiles: false))
        capture.start()
        #expect(await Self.eventually(60) { capture.status.state == .ended })
        let frame = await Self.newestFrame(capture, maxAge: 120)
        let status = capture.status
        await capture.stop()
        #expect(status.picturesIncomplete == 1)
        #expect(status.framesDamaged == 0, "\(status.framesDamaged) of \(status.framesDecoded) frames decoded with errors")
        #expect(status.framesDecoded > 5)
        let picture = try #require(frame)
        #expect(Self.patternSpread(picture) > 60)
    }

    @Test func aFileIsReadAndLooped() async throws {
        let path = try await Self.makeClip(size: "640x360")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let camera = CameraConfiguration(id: "file", name: "file", url: try StreamURL.parse(path), client: "acme")
        let capture = CameraCapture(camera: camera, settings: CaptureSettings(samplingInterval: 5))
        capture.start()
        #expect(await Self.eventually(60) { capture.hasPicture })
        // A one-second clip of 25 frames goes on delivering packets: it loops.
        #expect(await Self.eventually(60) { capture.status.packets > 60 })
        #expect(capture.status.state == .live)
        #expect(capture.status.reconnects == 0)
        let image = try await ImagePipeline().sample(capture, maxAge: 30)
        #expect(image.width == 640 && image.height == 360)
        await capture.stop()
    }

    @Test func aFilePlayedOnceEndsAndKeepsItsLastPicture() async throws {
        let path = try await Self.makeClip(size: "320x240")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let camera = CameraConfiguration(id: "once", name: "once", url: try StreamURL.parse(path), client: "acme")
        let capture = CameraCapture(camera: camera, settings: CaptureSettings(samplingInterval: 5, loopFiles: false))
        capture.start()
        #expect(await Self.eventually(60) { capture.status.state == .ended })
        let packets = capture.status.packets
        try await Task.sleep(for: .seconds(1.5))
        #expect(capture.status.packets == packets, "a file played once was read again")
        #expect((20...26).contains(packets), "\(packets) packets from a 25-frame clip")
        #expect(capture.status.reconnects == 0)
        let image = try await ImagePipeline().sample(capture, maxAge: 60)
        #expect(image.parts[0].present)
        await capture.stop()
    }

    @Test func framesArriveOverUDP() async throws {
        let capture = CameraCapture(
            camera: Self.camera("h264-720p", id: "udp"), settings: CaptureSettings(transport: .udp, samplingInterval: 5))
        capture.start()
        #expect(await Self.eventually(60) { capture.hasPicture })
        // Pictures keep arriving over UDP: a second keyframe (2 s GOP) comes within 60 more packets.
        #expect(await Self.eventually(60) { capture.status.packets > 60 })
        let frame = await Self.newestFrame(capture, maxAge: 30)
        let status = capture.status
        await capture.stop()
        let picture = try #require(frame)
        #expect(picture.width == 1280 && !picture.isDamaged)
        #expect(Self.patternSpread(picture) > 60)
        #expect(status.state == .live && status.reconnects == 0)
    }

    @Test func keyframesOnlyWhenSamplingIsSlowerThanTheGOPAndAllFramesWhenFaster() async throws {
        let slow = CameraCapture(camera: Self.camera("h264-720p"), settings: CaptureSettings(keyframeInterval: 2, samplingInterval: 5))
        let fast = CameraCapture(
            camera: Self.camera("h264-720p", id: "fast"), settings: CaptureSettings(keyframeInterval: 2, samplingInterval: 0.5))
        slow.start()
        fast.start()
        #expect(await Self.eventually(60) { slow.hasPicture && fast.hasPicture })
        // At least 150 packets (three GOPs) on each camera, however long the machine takes.
        #expect(await Self.eventually(120) { slow.status.packets > 150 && fast.status.packets > 150 })
        let pipeline = ImagePipeline()
        _ = try await pipeline.sample(slow, maxAge: 30)
        _ = try await pipeline.sample(fast, maxAge: 30)
        // Stopped, each capture has handed over every counter: the whole session is the window.
        await slow.stop()
        await fast.stop()
        let slowStatus = slow.status, fastStatus = fast.status
        #expect(slowStatus.decodeMode == .keyframes)
        #expect(fastStatus.decodeMode == .allFrames)
        // Keyframe mode decoded exactly the one keyframe sampled, however many packets passed.
        #expect(slowStatus.framesDecoded == 1)
        #expect(slowStatus.packets > 150)
        // All-frames mode decoded what it received: a picture per packet from the first whole
        // keyframe on (the first GOP, up to 50 packets, may come before it), less the packets that
        // continue a keyframe sent in several (at most two more a GOP of 50) and the unit the
        // assembler or the decoder still held when the capture stopped.
        let received = fastStatus.packets
        let decoded = fastStatus.framesDecoded
        #expect(decoded <= received)
        #expect(decoded >= received - 52 - received / 25 - 8, "\(decoded) pictures decoded of \(received) packets received")
    }

    @Test func aLongGOPFallsBackToAllFrames() async throws {
        // The capture believes in a 1 s GOP, but the stream has 2 s: sampling every 1.5 s needs every frame.
        let capture = CameraCapture(
            camera: Self.camera("h264-720p", id: "long-gop"), settings: CaptureSettings(keyframeInterval: 1, samplingInterval: 1.5))
        let events = EventLog()
        let observed = CameraCapture(camera: capture.camera, settings: capture.settings) { events.add($0) }
        observed.start()
        #expect(await Self.eventually(60) { observed.status.decodeMode == .allFrames })
        await observed.stop()
        // Either the measured 2 s GOP or the wait for a keyframe says so first (which, depends on timing).
        let reasons = events.events.compactMap { event -> String? in
            if case .decodeModeChanged(_, .allFrames, let reason) = event { return reason } else { return nil }
        }
        #expect(reasons.contains { $0.contains("keyframe interval 2.0 s") || $0.contains("no whole keyframe for") }, "\(reasons)")
    }

    @Test func aRestartedServerIsReconnectedWithoutLeaks() async throws {
        let server = try await RTSPTestServer.start(cameras: ["path=cam,codec=h264,size=640x480,gop=1,color=0x9030A0"])
        let events = EventLog()
        let settings = CaptureSettings(
            openTimeout: 3, stallTimeout: 2, keyframeInterval: 1,
            backoff: ExponentialBackoff(initial: 0.5, cap: 2), samplingInterval: 5)
        let capture = CameraCapture(camera: Self.camera("cam", base: server.url, id: "restarted"), settings: settings) { events.add($0) }
        capture.start()
        #expect(await Self.eventually(60) { capture.status.state == .live && capture.hasPicture })
        // While live, the capture's thread and connection are seen (so their absence at the end means
        // something); on a loaded machine the stream may be reconnecting at that moment, so waited for.
        #expect(await Self.eventually(30) { ProcessResources.threads(named: "cam-restarted") == 1 })
        #expect(await Self.eventually(30) { ProcessResources.connections(toPort: server.port) == 1 })
        let firstSession = capture.status.sessionID

        await server.stop()
        #expect(await Self.eventually(30) { capture.status.state != .live })
        let downAt = Date()
        try await Task.sleep(for: .seconds(2))
        try await server.start()
        let upAt = Date()
        #expect(await Self.eventually(60) { capture.status.state == .live && capture.status.sessionID != firstSession })
        let recovered = Date().timeIntervalSince(upAt)
        #expect(await Self.eventually(30) { capture.hasPicture })
        #expect(capture.status.reconnects >= 1)
        await capture.stop()
        #expect(capture.status.state == .stopped)
        // Backoff here is 0.5 s doubling to 2 s: it never waits the default 60 s (slack for a loaded machine).
        #expect(recovered < 20, "came back \(recovered) s after the server")
        _ = downAt

        let states = events.events.compactMap { event -> CameraState? in
            if case .stateChanged(_, let state, _) = event { return state } else { return nil }
        }
        #expect(states.first == .connecting)
        #expect(states.contains(.live))
        #expect(states.contains { $0 == .stalled || $0 == .backingOff })
        let lastLive = try #require(states.lastIndex(of: .live))
        #expect(states[..<lastLive].contains { $0 == .stalled || $0 == .backingOff })
        let sessions = events.events.filter { if case .connected = $0 { true } else { false } }.count
        let ended = events.events.filter { if case .disconnected = $0 { true } else { false } }.count
        #expect(sessions >= 2 && sessions == ended)

        // Everything the capture opened is closed again: its thread and its connections (counted as
        // its own, not as the whole process's, which tests running alongside change).
        #expect(await Self.eventually(30) { ProcessResources.threads(named: "cam-restarted") == 0 })
        #expect(ProcessResources.connections(toPort: server.port) == 0)
    }

    @Test func aFrozenServerIsNoticedWithinTheStallTimeoutAndPicturesResumeWhenItThaws() async throws {
        let server = try await RTSPTestServer.start(cameras: ["path=cam,codec=h264,size=640x480,gop=1,color=0x9030A0"])
        let settings = CaptureSettings(
            openTimeout: 5, stallTimeout: 2, keyframeInterval: 1,
            backoff: ExponentialBackoff(initial: 0.5, cap: 1), samplingInterval: 5)
        let events = EventLog()
        let capture = CameraCapture(camera: Self.camera("cam", base: server.url), settings: settings) { events.add($0) }
        capture.start()
        #expect(await Self.eventually(60) { capture.status.state == .live && capture.hasPicture })
        server.freeze()
        let frozenAt = Date()
        #expect(await Self.eventually(30) { capture.status.state != .live })
        // The capture's own clock says when: 2 s, with slack for a loaded machine (taking the RTSP
        // demuxer's flushed packets for new ones made it twice the timeout, 4 s and more).
        let noticed = try #require(events.firstState(in: [.stalled, .backingOff], after: frozenAt)).timeIntervalSince(frozenAt)
        #expect(noticed >= 1.5 && noticed < 3.9, "stall noticed after \(noticed) s with a 2 s timeout")
        try await Task.sleep(for: .seconds(1))
        server.thaw()
        let thawedAt = Date()
        #expect(await Self.eventually(60) { capture.status.state == .live })
        let resumed = try #require(events.firstState(in: [.live], after: thawedAt)).timeIntervalSince(thawedAt)
        #expect(resumed < 15, "live again \(resumed) s after the server came back")
        let pipeline = ImagePipeline(maxImageSide: 320, jpegQuality: 80, threads: 1)
        var fresh = false
        while !fresh && Date().timeIntervalSince(thawedAt) < 60 {
            fresh = (try? await pipeline.sample(capture, maxAge: 0.5))?.isEmpty == false
            if !fresh { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(fresh, "no picture under 0.5 s old after the server came back")
        await capture.stop()
    }

    @Test func badCamerasFailClearlyWithoutPasswordsOrBlockingOthers() async throws {
        let secured = try await RTSPTestServer.start(
            cameras: ["path=cam,codec=h264,size=640x480,gop=1,color=0x9030A0"], auth: "admin:right")
        let silent = try SilentListener()
        let closedPort = TestEnvironment.freePort()
        let settings = CaptureSettings(
            openTimeout: 2, stallTimeout: 2, backoff: ExponentialBackoff(initial: 5, cap: 5), samplingInterval: 5)
        // The silent camera waits out a long open timeout (FFmpeg's own socket timeout, 3 x the stall
        // timeout, is longer still): the healthy one must have its picture meanwhile.
        let silentSettings = CaptureSettings(
            openTimeout: 15, stallTimeout: 10, backoff: ExponentialBackoff(initial: 5, cap: 5), samplingInterval: 5)
        let cases: [(String, CaptureError.Kind, String)] = [
            (
                "\(TestEnvironment.rtspURL!.replacingOccurrences(of: "rtsp://", with: "rtsp://viewer:Secr3tPass@"))/no-such-path",
                .notFound, "404"
            ),
            ("rtsp://admin:Secr3tPass@127.0.0.1:\(secured.port)/cam", .unauthorized, "401"),
            ("rtsp://admin:Secr3tPass@127.0.0.1:\(closedPort)/cam", .unreachable, "connection refused"),
            ("rtsp://admin:Secr3tPass@127.0.0.1:\(silent.port)/cam", .unreachable, "did not answer within 15 s"),
        ]
        let healthy = CameraCapture(camera: Self.camera("h264-640x480", id: "healthy"), settings: settings)
        let broken = cases.enumerated().map { index, item in
            CameraCapture(
                camera: CameraConfiguration(id: "bad\(index)", name: "bad", url: try! StreamURL.parse(item.0), client: "acme"),
                settings: index == cases.count - 1 ? silentSettings : settings)
        }
        let silentCapture = try #require(broken.last)
        broken.forEach { $0.start() }
        healthy.start()
        #expect(await Self.eventually(60) { healthy.hasPicture || silentCapture.status.lastError != nil })
        #expect(healthy.hasPicture && silentCapture.status.lastError == nil, "a camera that does not answer held up a healthy one")
        #expect(await Self.eventually(60) { broken.allSatisfy { $0.status.lastError != nil } })
        for (capture, item) in zip(broken, cases) {
            let error = capture.status.lastError ?? ""
            #expect(error.contains(item.2), "\(error)")
            #expect(!error.contains("Secr3tPass"))
            #expect(error.contains("***"))
            // Waiting to retry, or (when the silent camera's 15 s made this check late) retrying.
            #expect([.backingOff, .connecting].contains(capture.status.state), "\(capture.status.state)")
        }
        let right = CameraCapture(
            camera: CameraConfiguration(
                id: "right", name: "right", url: try StreamURL.parse("rtsp://admin:right@127.0.0.1:\(secured.port)/cam"), client: "acme"),
            settings: settings)
        right.start()
        #expect(await Self.eventually(60) { right.hasPicture })
        await right.stop()
        await healthy.stop()
        for capture in broken { await capture.stop() }
        _ = silent
    }
}

/// Capture events, in order, from any thread.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [(at: Date, event: CaptureEvent)] = []
    func add(_ event: CaptureEvent) {
        lock.lock()
        storage.append((Date(), event))
        lock.unlock()
    }
    var events: [CaptureEvent] {
        lock.lock()
        defer { lock.unlock() }
        return storage.map(\.event)
    }
    /// When the capture thread first reported a state in `states` after `after` (the test's own
    /// polling may run late on a busy machine; this is the capture's time).
    func firstState(in states: Set<CameraState>, after: Date) -> Date? {
        lock.lock()
        defer { lock.unlock() }
        return storage.first { entry in
            guard entry.at >= after, case .stateChanged(_, let state, _) = entry.event else { return false }
            return states.contains(state)
        }?.at
    }
}

/// A TCP port that accepts connections and never says a word: a camera that hangs.
final class SilentListener: @unchecked Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listen(descriptor, 16)
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
