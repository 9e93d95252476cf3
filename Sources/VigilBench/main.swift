// vigil-bench: measurements for scripts/bench-capture and scripts/bench-store.
//
//   vigil-bench capture --seconds S --interval I [--all-frames] URL...
//   vigil-bench recovery --seconds S URL
//   vigil-bench store --database-url URL --rows N [--batch B] [--connections C]
//   vigil-bench gate --seconds S --interval I --scene static|event|light URL...
//
// Prints `key=value` lines for the scripts to tabulate.
import Foundation
import Logging
import VigilCapture
import VigilCore
import VigilGemini
import VigilStore

func usage() -> Never {
    FileHandle.standardError.write(
        Data("usage: vigil-bench capture --seconds S --interval I [--all-frames] URL... | store --database-url URL --rows N\n".utf8))
    exit(64)
}

/// CPU seconds (user + system) of this process so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(
        usage.ru_stime.tv_usec) / 1e6
}

/// Current RSS in kB.
func currentRSS() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func value(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func captureBenchmark(_ arguments: [String]) async throws {
    let seconds = Double(value("--seconds", in: arguments) ?? "60") ?? 60
    let interval = Double(value("--interval", in: arguments) ?? "5") ?? 5
    let allFrames = arguments.contains("--all-frames")
    let urls = arguments.filter { $0.hasPrefix("rtsp://") }
    let baselineRSS = currentRSS()
    let started = cpuSeconds()
    let captures = urls.enumerated().map { index, url in
        CameraCapture(
            camera: CameraConfiguration(id: "cam\(index)", name: "cam\(index)", url: try! StreamURL.parse(url), client: "bench"),
            settings: CaptureSettings(keyframeInterval: allFrames ? 3600 : 2, samplingInterval: allFrames ? 0.5 : interval))
    }
    let opened = Date()
    captures.forEach { $0.start() }
    var firstKeyframe: [Double] = []
    while Date().timeIntervalSince(opened) < 15, firstKeyframe.count < captures.count {
        firstKeyframe = captures.compactMap { $0.hasPicture ? Date().timeIntervalSince(opened) : nil }
        try await Task.sleep(for: .milliseconds(10))
    }
    let pipeline = ImagePipeline(maxImageSide: 768, jpegQuality: 80, threads: 2)
    var composeMs: [Double] = []
    var bodyMs: [Double] = []
    var peakRSS = currentRSS()
    let begin = Date()
    var ticks = 0
    let prompt = AnalysisPrompt(source: .camera(captures[0].camera))
    var gemini = GeminiConfiguration()
    gemini.model = "gemini-2.5-flash"
    let sampling = !arguments.contains("--no-samples")
    while Date().timeIntervalSince(begin) < seconds {
        for capture in captures where sampling {
            let image = try await pipeline.sample(capture, maxAge: interval * 2 + 2)
            composeMs.append(image.composeMilliseconds)
            let start = Date()
            _ = GeminiRequestBody.make(
                image: GeminiImage(jpeg: image.jpeg, width: image.width, height: image.height), prompt: prompt,
                configuration: gemini)
            bodyMs.append(Date().timeIntervalSince(start) * 1000)
        }
        ticks += 1
        peakRSS = max(peakRSS, currentRSS())
        let next = min(begin.addingTimeInterval(Double(ticks) * interval), begin.addingTimeInterval(seconds))
        let wait = next.timeIntervalSinceNow
        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
    }
    let statuses = captures.map(\.status)
    for capture in captures { await capture.stop() }
    let finished = cpuSeconds()
    print("cameras=\(captures.count)")
    print("seconds=\(String(format: "%.1f", Date().timeIntervalSince(opened)))")
    print("cpu_seconds=\(String(format: "%.3f", finished - started))")
    print(
        "cpu_per_camera_minute=\(String(format: "%.3f", (finished - started) / Double(captures.count) / (Date().timeIntervalSince(opened) / 60)))"
    )
    print("baseline_rss_kb=\(baselineRSS)")
    print("peak_rss_kb=\(peakRSS)")
    print("rss_per_camera_kb=\((peakRSS - baselineRSS) / max(1, captures.count))")
    print("samples=\(composeMs.count)")
    print("frames_decoded=\(statuses.map(\.framesDecoded).reduce(0, +))")
    print("frames_damaged=\(statuses.map(\.framesDamaged).reduce(0, +))")
    print("pictures_incomplete=\(statuses.map(\.picturesIncomplete).reduce(0, +))")
    print("decode_modes=\(Set(statuses.map(\.decodeMode.rawValue)).sorted().joined(separator: ","))")
    print("open_to_first_keyframe_max_s=\(String(format: "%.3f", firstKeyframe.max() ?? -1))")
    print("compose_ms_p50=\(String(format: "%.1f", percentile(composeMs, 0.5)))")
    print("compose_ms_p95=\(String(format: "%.1f", percentile(composeMs, 0.95)))")
    let toWire = zip(composeMs, bodyMs).map { $0 + $1 }
    print("keyframe_to_request_ms_p95=\(String(format: "%.1f", percentile(toWire, 0.95)))")
}

/// One camera, watched while the script stalls its server (SIGSTOP) and lets it go again (SIGCONT):
/// prints, as Unix times, when the capture declared the stall and when a fresh picture (under
/// 0.3 s old) was next available, for the script to compare with the signals' times.
func recoveryBenchmark(_ arguments: [String]) async throws {
    let seconds = Double(value("--seconds", in: arguments) ?? "40") ?? 40
    guard let url = arguments.first(where: { $0.hasPrefix("rtsp://") }) else { usage() }
    let events = EventLog()
    let capture = CameraCapture(
        camera: CameraConfiguration(id: "cam", name: "cam", url: try StreamURL.parse(url), client: "bench"),
        settings: CaptureSettings(keyframeInterval: 2, samplingInterval: 5)
    ) { event in
        if case .stateChanged(_, let state, _) = event { events.add("state_\(state.rawValue)") }
    }
    capture.start()
    let pipeline = ImagePipeline(maxImageSide: 768, jpegQuality: 80, threads: 1)
    let begin = Date()
    var fresh = false
    var lastPacket: Date?
    while Date().timeIntervalSince(begin) < seconds {
        if let packet = capture.status.lastPacketAt, packet != lastPacket {
            lastPacket = packet
            events.add("packets")
        }
        let image = try await pipeline.sample(capture, maxAge: 0.3)
        if image.isEmpty == fresh {
            fresh = !image.isEmpty
            events.add(fresh ? "fresh" : "not_fresh")
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    await capture.stop()
    for line in events.lines { print(line) }
}

/// Timestamped events, from any thread.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    func add(_ name: String) {
        let line = String(format: "%@=%.3f", name, Date().timeIntervalSince1970)
        lock.withLock { entries.append(line) }
    }
    var lines: [String] { lock.withLock { entries } }
}

func storeBenchmark(_ arguments: [String]) async throws {
    guard let url = value("--database-url", in: arguments) else { usage() }
    let rows = Int(value("--rows", in: arguments) ?? "100000") ?? 100_000
    let batch = Int(value("--batch", in: arguments) ?? "500") ?? 500
    let connections = Int(value("--connections", in: arguments) ?? "2") ?? 2
    let spool = NSTemporaryDirectory() + "vigil-bench-spool-" + UUID().uuidString
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    func record(_ index: Int) -> UsageRecord {
        UsageRecord(
            timestamp: Date(), clientID: "bench", sourceID: "cam-\(index % 100)", sourceKind: "camera",
            endpoint: "/v1beta/models/gemini-2.5-flash:generateContent", statusCode: 200, model: "gemini-2.5-flash",
            usage: TokenUsage(promptTokens: 534, candidatesTokens: 24, totalTokens: 558, modelVersion: "gemini-2.5-flash"),
            success: true, durationMilliseconds: 700, cost: Money("0.0002202"), priceID: nil, sessionIDs: [UUID()], cameraCount: 1,
            cameraIDs: ["cam-\(index % 100)"], imageWidth: 768, imageHeight: 432,
            verdicts: [
                CameraVerdict(
                    cameraID: "cam-\(index % 100)", incidentDetected: false, incidentType: "none", confidence: "0.9", description: "quiet")
            ])
    }
    // The ledger: spooled (fsync'd) and written in batches, 32 writers at once.
    let ledger = try UsageLedger(
        connectionString: url, spoolDirectory: spool, batchSize: batch, flushInterval: 0.005,
        connections: connections, logger: logger)
    let start = Date()
    try await withThrowingTaskGroup(of: Void.self) { group in
        let writers = 32
        for writer in 0..<writers {
            group.addTask {
                var index = writer
                var chunk: [UsageRecord] = []
                while index < rows {
                    chunk.append(record(index))
                    if chunk.count == 50 {
                        try await ledger.record(chunk)
                        chunk.removeAll()
                    }
                    index += writers
                }
                if !chunk.isEmpty { try await ledger.record(chunk) }
            }
        }
        try await group.waitForAll()
    }
    _ = await ledger.close()
    let seconds = Date().timeIntervalSince(start)
    print("ledger_rows=\(rows)")
    print("ledger_seconds=\(String(format: "%.2f", seconds))")
    print("ledger_rows_per_second=\(Int(Double(rows) / seconds))")
    print("ledger_rows_written=\(ledger.statistics.rowsWritten)")

    // The cost of a call's intent: calls one after another, each spooling its row alone, without
    // and with an intent fsync'd before it and removed after (what the daemon does per call).
    let calls = 300
    let perCall = try UsageLedger(
        connectionString: url, spoolDirectory: spool + "-calls", batchSize: batch, flushInterval: 0, connections: 1, logger: logger)
    let plainStart = Date()
    for index in 0..<calls { try await perCall.record(record(index)) }
    let plain = Date().timeIntervalSince(plainStart) / Double(calls) * 1000
    let intentStart = Date()
    for index in 0..<calls {
        var intent = record(index)
        intent.outcome = UsageRecord.unknownOutcome
        try await perCall.recordIntent(intent)
        try await perCall.record(record(index))
        await perCall.completeIntent(intent.requestID)
    }
    let withIntent = Date().timeIntervalSince(intentStart) / Double(calls) * 1000
    _ = await perCall.close()
    print("call_record_ms=\(String(format: "%.2f", plain))")
    print("call_record_with_intent_ms=\(String(format: "%.2f", withIntent))")
    print("intent_ms_per_call=\(String(format: "%.2f", withIntent - plain))")
}

/// The scene-change gate on real decoded frames: each camera sampled every interval, its thumbnail
/// compared with the last one "sent" (every sent sample counts as a successful call), as the daemon
/// does. For event and light scenes, the truth is read from the same thumbnails: the shape's cells
/// (x 45–55 %, y 40–75 % of the picture) darker than the floor beside it, or the whole picture's mean
/// luma below the midpoint between its bright and dark states. Prints key=value lines.
func gateBenchmark(_ arguments: [String]) async throws {
    let seconds = Double(value("--seconds", in: arguments) ?? "60") ?? 60
    let interval = Double(value("--interval", in: arguments) ?? "1") ?? 1
    let scene = value("--scene", in: arguments) ?? "static"
    let urls = arguments.filter { $0.hasPrefix("rtsp://") }
    let captures = urls.enumerated().map { index, url in
        CameraCapture(
            camera: CameraConfiguration(id: "cam\(index)", name: "cam\(index)", url: try! StreamURL.parse(url), client: "bench"),
            settings: CaptureSettings(keyframeInterval: 1, samplingInterval: interval))
    }
    captures.forEach { $0.start() }
    let opened = Date()
    while Date().timeIntervalSince(opened) < 30, !captures.allSatisfy(\.hasPicture) {
        try await Task.sleep(for: .milliseconds(20))
    }
    let pipeline = ImagePipeline(maxImageSide: 768, jpegQuality: 80, threads: 2)
    var states = [SceneGateBench](repeating: SceneGateBench(), count: captures.count)
    var gateMs: [Double] = []
    var decodeMs: [Double] = []
    var samples = 0, skipped = 0, appearances = 0, detected = 0, lightChanges = 0, lightDetected = 0
    var maxStaticArea = 0.0
    var maxStaticCell = 0.0
    var truthPresent = [Bool?](repeating: nil, count: captures.count)
    var lightMeans: [[Double]] = Array(repeating: [], count: captures.count)
    let begin = Date()
    var next = Date()
    while Date().timeIntervalSince(begin) < seconds {
        for (index, capture) in captures.enumerated() {
            let frames = try await pipeline.frames([capture], ids: [capture.camera.id], maxAge: interval * 3 + 2)
            guard let thumbnail = frames.thumbnails.first ?? nil else { continue }
            samples += 1
            let compareStart = DispatchTime.now().uptimeNanoseconds
            let decision = states[index].decide(thumbnail)
            let compareMs = Double(DispatchTime.now().uptimeNanoseconds - compareStart) / 1e6
            gateMs.append(frames.thumbnailMilliseconds + compareMs)
            decodeMs.append(frames.sampleMilliseconds - frames.thumbnailMilliseconds)
            if !decision.send { skipped += 1 }
            if scene == "static", let area = decision.area, let cell = decision.cell {
                maxStaticArea = max(maxStaticArea, area)
                maxStaticCell = max(maxStaticCell, cell)
            }
            if scene == "event" {
                let present = SceneGateBench.shapePresent(thumbnail)
                if present, truthPresent[index] == false {
                    appearances += 1
                    if decision.send { detected += 1 }
                }
                truthPresent[index] = present
            }
            if scene == "light" {
                let mean = thumbnail.meanLuma
                lightMeans[index].append(mean)
                let seen = lightMeans[index]
                if let low = seen.min(), let high = seen.max(), high - low > 5, seen.count >= 2 {
                    let middle = (low + high) / 2
                    let before = seen[seen.count - 2] < middle
                    let now = mean < middle
                    if before != now {
                        lightChanges += 1
                        if decision.send { lightDetected += 1 }
                    }
                }
            }
        }
        next = next.addingTimeInterval(interval)
        let wait = next.timeIntervalSinceNow
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
    }
    for capture in captures { await capture.stop() }
    print("samples=\(samples)")
    print("skipped=\(skipped)")
    print("skipped_percent=\(String(format: "%.1f", samples == 0 ? 0 : Double(skipped) * 100 / Double(samples)))")
    print("max_static_changed_area_percent=\(String(format: "%.2f", maxStaticArea))")
    print("max_static_cell_change=\(String(format: "%.1f", maxStaticCell))")
    print("appearances=\(appearances)")
    print("appearances_called=\(detected)")
    print("light_changes=\(lightChanges)")
    print("light_changes_called=\(lightDetected)")
    print("gate_ms_p50=\(String(format: "%.3f", percentile(gateMs, 0.5)))")
    print("gate_ms_p95=\(String(format: "%.3f", percentile(gateMs, 0.95)))")
    print("decode_ms_p50=\(String(format: "%.3f", percentile(decodeMs, 0.5)))")
}

/// One camera's gate in the benchmark: the reference is the last thumbnail sent, as in the daemon.
struct SceneGateBench {
    var reference: SceneThumbnail?
    let detector = SceneChangeDetector()

    mutating func decide(_ thumbnail: SceneThumbnail) -> (send: Bool, area: Double?, cell: Double?) {
        guard let reference else {
            self.reference = thumbnail
            return (true, nil, nil)
        }
        let difference = detector.compare(reference, thumbnail)
        if difference.changed { self.reference = thumbnail }
        return (difference.changed, difference.changedAreaPercent, difference.largestCellChange)
    }

    /// Whether the event scene's dark shape is in the picture: its cells much darker than the cells
    /// just left of it.
    static func shapePresent(_ thumbnail: SceneThumbnail) -> Bool {
        func mean(_ columns: Range<Int>) -> Double {
            let rows = thumbnail.height * 45 / 100..<thumbnail.height * 70 / 100
            var sum = 0
            var count = 0
            for row in rows {
                for column in columns {
                    sum += Int(thumbnail.cells[row * thumbnail.width + column])
                    count += 1
                }
            }
            return Double(sum) / Double(max(count, 1))
        }
        let shape = mean(thumbnail.width * 47 / 100..<thumbnail.width * 53 / 100)
        let floor = mean(thumbnail.width * 30 / 100..<thumbnail.width * 40 / 100)
        return shape < floor - 20
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "capture": try await captureBenchmark(Array(arguments.dropFirst()))
case "store": try await storeBenchmark(Array(arguments.dropFirst()))
case "recovery": try await recoveryBenchmark(Array(arguments.dropFirst()))
case "gate": try await gateBenchmark(Array(arguments.dropFirst()))
default: usage()
}
