import Foundation
import VigilCore

/// Samples cameras into the JPEG sent to Gemini, on threads of its own: in one step
/// (``sample(_:ids:maxAge:)``), or in two (``frames(_:ids:maxAge:)`` then ``encode(_:)``) so that a
/// scene-change gate can look at the frames' thumbnails before any JPEG is made.
///
/// For a single camera: its newest frame (decoded now in keyframe mode), scaled so its longer side
/// is `maxImageSide`. For a group: four frames fitted into the quadrants of a 2x2 image, a camera
/// without a fresh frame leaving its quadrant dark. Decoding, scaling and encoding are blocking C
/// calls, so they run on the pipeline's threads; each thread keeps its own scalers and encoders.
package final class ImagePipeline: Sendable {
    private final class ThreadState: @unchecked Sendable {
        var scalers: [String: Scaler] = [:]
        var encoders: [String: JPEGEncoder] = [:]
    }

    private let workers: WorkerPool
    /// One per thread of ``workers``, used by that thread only.
    private let states: [ThreadState]
    private let maxImageSide: Int
    private let jpegQuality: Int

    /// - Parameters:
    ///   - maxImageSide: longer side of a single camera's image, and width of a quadrant. Default 768.
    ///   - jpegQuality: 1–100. Default 80.
    ///   - threads: composing threads. Default 2.
    package init(maxImageSide: Int = 768, jpegQuality: Int = 80, threads: Int = 2) {
        self.maxImageSide = maxImageSide
        self.jpegQuality = jpegQuality
        workers = WorkerPool(name: "vigil-image", threads: threads)
        states = (0..<workers.threads).map { _ in ThreadState() }
    }

    /// The image of one camera, or of four cameras tiled 2x2 (in quadrant order; nil for a camera
    /// that is not captured). Frames older than `maxAge` seconds count as missing.
    package func sample(_ cameras: [CameraCapture?], ids: [String], maxAge: Double) async throws -> SampledImage {
        precondition(ids.count == 1 || ids.count == 4, "a source is one camera or four")
        let maxSide = maxImageSide
        let quality = jpegQuality
        let states = self.states
        return try await workers.run { thread in
            let frames = Self.take(cameras, ids: ids, maxAge: maxAge, thumbnails: false)
            return try Self.compose(frames, maxSide: maxSide, quality: quality, state: states[thread])
        }
    }

    /// One camera's image.
    package func sample(_ camera: CameraCapture, maxAge: Double) async throws -> SampledImage {
        try await sample([camera], ids: [camera.camera.id], maxAge: maxAge)
    }

    /// The first half of ``sample(_:ids:maxAge:)``: each camera's newest frame (decoded now in
    /// keyframe mode) and its scene thumbnail, with nothing composed or encoded yet.
    package func frames(_ cameras: [CameraCapture?], ids: [String], maxAge: Double) async throws -> SampledFrames {
        precondition(ids.count == 1 || ids.count == 4, "a source is one camera or four")
        return try await workers.run { _ in Self.take(cameras, ids: ids, maxAge: maxAge, thumbnails: true) }
    }

    /// The second half: `frames` composed and encoded into the JPEG sent.
    package func encode(_ frames: SampledFrames) async throws -> SampledImage {
        let maxSide = maxImageSide
        let quality = jpegQuality
        let states = self.states
        return try await workers.run { thread in
            try Self.compose(frames, maxSide: maxSide, quality: quality, state: states[thread])
        }
    }

    private static func take(_ cameras: [CameraCapture?], ids: [String], maxAge: Double, thumbnails: Bool) -> SampledFrames {
        let started = Monotonic.nanoseconds()
        var frames: [Frame?] = []
        var reduced: [SceneThumbnail?] = []
        var parts: [SampledImage.Part] = []
        var taken: [CameraCapture?] = []
        var thumbnailNanoseconds: UInt64 = 0
        for (index, id) in ids.enumerated() {
            let capture = index < cameras.count ? cameras[index] : nil
            let status = capture?.status
            let sampled = capture?.store.newestFrame(maxAge: maxAge)
            frames.append(sampled?.frame)
            taken.append(capture)
            let reducing = Monotonic.nanoseconds()
            reduced.append(thumbnails ? sampled.flatMap { ThumbnailMaker.thumbnail(of: $0.frame) } : nil)
            thumbnailNanoseconds &+= Monotonic.nanoseconds() &- reducing
            parts.append(
                SampledImage.Part(
                    cameraID: id, present: sampled != nil,
                    frameSize: sampled.map { "\($0.frame.width)x\($0.frame.height)" },
                    age: sampled?.age, decodeMode: status?.decodeMode ?? .keyframes,
                    sessionID: status?.sessionID))
        }
        return SampledFrames(
            ids: ids, parts: parts, thumbnails: reduced, frames: frames, captures: taken,
            sampleMilliseconds: Double(Monotonic.nanoseconds() &- started) / 1e6, thumbnailMilliseconds: Double(thumbnailNanoseconds) / 1e6)
    }

    private static func compose(_ sampled: SampledFrames, maxSide: Int, quality: Int, state: ThreadState) throws -> SampledImage {
        let started = Monotonic.nanoseconds()
        let ids = sampled.ids
        let frames = sampled.frames
        let canvas: Canvas?
        if ids.count == 1 {
            let frame = frames[0]
            let layout = ImageLayout.single(width: frame?.width ?? maxSide, height: frame?.height ?? maxSide * 9 / 16, maxSide: maxSide)
            canvas = Canvas(width: layout.width, height: layout.height)
            if let canvas, let frame {
                _ = canvas.draw(frame, in: layout.picture, with: scaler(ids[0], state))
            }
        } else {
            let size = ImageLayout.mosaicSize(maxSide: maxSide)
            canvas = Canvas(width: size.width, height: size.height)
            if let canvas {
                for (index, frame) in frames.enumerated() {
                    guard let frame else { continue }
                    let rect = ImageLayout.fit(
                        width: frame.width, height: frame.height, into: ImageLayout.quadrant(index, maxSide: maxSide))
                    _ = canvas.draw(frame, in: rect, with: scaler(ids[index], state))
                }
            }
        }
        guard let canvas else { throw CaptureError(kind: .failed, message: "cannot allocate the image") }
        let key = "\(canvas.width)x\(canvas.height)"
        if state.encoders[key] == nil { state.encoders[key] = JPEGEncoder(width: canvas.width, height: canvas.height, quality: quality) }
        guard let jpeg = state.encoders[key]?.encode(canvas) else {
            throw CaptureError(kind: .failed, message: "the JPEG encoder refused a \(key) image")
        }
        for (index, capture) in sampled.captures.enumerated() {
            if let capture, let frame = frames[index] { capture.countSample(width: frame.width, height: frame.height) }
        }
        return SampledImage(
            jpeg: jpeg, width: canvas.width, height: canvas.height, parts: sampled.parts,
            composeMilliseconds: sampled.sampleMilliseconds + Double(Monotonic.nanoseconds() &- started) / 1e6)
    }

    private static func scaler(_ id: String, _ state: ThreadState) -> Scaler {
        if let existing = state.scalers[id] { return existing }
        let made = Scaler()
        state.scalers[id] = made
        return made
    }
}
