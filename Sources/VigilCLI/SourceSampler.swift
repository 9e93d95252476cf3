import Foundation
import Logging
import VigilCapture
import VigilCore

/// Opens ad-hoc sources (for `snapshot` and `analyze`) and samples them like the daemon would.
enum SourceSampler {
    /// Captures for `urls`, started; camera ids are `source-1` ... `source-4`. Video files loop
    /// unless `loopFiles` is false.
    static func start(
        _ urls: [StreamURL], transport: CaptureConfiguration.Transport, interval: Double, loopFiles: Bool = true,
        logger: Logger
    ) -> [CameraCapture] {
        urls.enumerated().map { index, url in
            let camera = CameraConfiguration(
                id: "source-\(index + 1)", name: url.isFile ? (url.path as NSString).lastPathComponent : url.redacted,
                url: url, client: "adhoc")
            let capture = CameraCapture(
                camera: camera, settings: CaptureSettings(transport: transport, samplingInterval: interval, loopFiles: loopFiles)
            ) { event in
                if case .stateChanged(let id, let state, let error?) = event {
                    logger.warning("source \(state.rawValue)", metadata: ["source": "\(id)", "error": "\(error)"])
                }
            }
            capture.start()
            return capture
        }
    }

    /// Waits until every capture has a frame, or `timeout` passes. A video file that failed to
    /// open (missing, unreadable, not a video) will not get better by waiting: it is not waited for.
    static func waitForFrames(_ captures: [CameraCapture], timeout: Double) async {
        let deadline = Date().addingTimeInterval(timeout)
        func waiting(_ capture: CameraCapture) -> Bool {
            !capture.hasPicture && !(capture.camera.url.isFile && capture.status.lastError != nil)
        }
        while Date() < deadline && captures.contains(where: waiting) {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// One image of `urls` (1 or 4), then the captures are stopped.
    static func sampleOnce(
        _ urls: [StreamURL], maxSide: Int, quality: Int, timeout: Double,
        transport: CaptureConfiguration.Transport, logger: Logger
    ) async throws -> SampledImage {
        let captures = start(urls, transport: transport, interval: 3600, logger: logger)
        await waitForFrames(captures, timeout: timeout)
        let pipeline = ImagePipeline(maxImageSide: maxSide, jpegQuality: quality, threads: 1)
        let image = try await pipeline.sample(captures, ids: captures.map(\.camera.id), maxAge: timeout + 60)
        for capture in captures { await capture.stop() }
        for (index, capture) in captures.enumerated() where !image.parts[index].present {
            if let error = capture.status.lastError {
                printError("vigil: \(urls[index].redacted): \(error)")
            }
        }
        return image
    }
}
