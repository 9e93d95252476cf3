import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilCapture

@Suite(.enabled(if: TestEnvironment.hasRTSP, "needs the RTSP test server: run ./scripts/test"), .timeLimit(.minutes(2)))
struct TileTests {
    /// The RGB pixels of a JPEG, decoded by the ffmpeg CLI.
    static func pixels(_ jpeg: [UInt8]) async throws -> [UInt8] {
        let input = NSTemporaryDirectory() + "vigil-tile-\(UUID().uuidString).jpg"
        let output = input + ".rgb"
        defer {
            try? FileManager.default.removeItem(atPath: input)
            try? FileManager.default.removeItem(atPath: output)
        }
        try Data(jpeg).write(to: URL(fileURLWithPath: input))
        let result = try await ProcessRunner.run(
            "/usr/bin/ffmpeg", ["-v", "error", "-y", "-i", input, "-f", "rawvideo", "-pix_fmt", "rgb24", output])
        guard result.status == 0 else { throw TestFailure(result.standardError) }
        return Array(try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    static func color(_ pixels: [UInt8], width: Int, x: Int, y: Int) -> (Int, Int, Int) {
        let offset = (y * width + x) * 3
        return (Int(pixels[offset]), Int(pixels[offset + 1]), Int(pixels[offset + 2]))
    }

    static func near(_ color: (Int, Int, Int), _ hex: Int, tolerance: Int = 40) -> Bool {
        abs(color.0 - (hex >> 16)) <= tolerance && abs(color.1 - ((hex >> 8) & 0xFF)) <= tolerance
            && abs(color.2 - (hex & 0xFF)) <= tolerance
    }

    @Test func fourCamerasOfDifferentSizesAreTiledInOrderWithoutStretching() async throws {
        // 1920x1080 red, 1280x720 green (H.265), 640x480 yellow (MJPEG, 4:3), and a camera that is missing.
        let paths = ["h264-1080p", "h265-720p", "mjpeg-480p"]
        let captures = paths.map {
            CameraCapture(camera: CaptureTests.camera($0, id: "tile-\($0)"), settings: CaptureSettings(samplingInterval: 5))
        }
        captures.forEach { $0.start() }
        #expect(await CaptureTests.eventually(60) { captures.allSatisfy(\.hasPicture) })
        let ids = captures.map(\.camera.id) + ["gone"]
        let image = try await ImagePipeline(maxImageSide: 768).sample(captures + [nil], ids: ids, maxAge: 30)
        for capture in captures { await capture.stop() }

        #expect(image.width == 1536 && image.height == 864)
        #expect(image.parts.map(\.cameraID) == ids)
        #expect(image.parts.map(\.present) == [true, true, true, false])
        #expect(image.missing == ["gone"])
        #expect(image.parts.map(\.frameSize) == ["1920x1080", "1280x720", "640x480", nil])

        let pixels = try await Self.pixels(image.jpeg)
        #expect(pixels.count == 1536 * 864 * 3)
        let centre = { (quadrant: Int) in Self.color(pixels, width: 1536, x: (quadrant % 2) * 768 + 384, y: (quadrant / 2) * 432 + 300) }
        #expect(Self.near(centre(0), 0xC03020), "top-left \(centre(0))")
        #expect(Self.near(centre(1), 0x20A040), "top-right \(centre(1))")
        #expect(Self.near(centre(2), 0xD0B020), "bottom-left \(centre(2))")
        #expect(Self.near(centre(3), 0x000000, tolerance: 12), "bottom-right \(centre(3))")
        // 16:9 pictures fill their quadrant to the edges.
        #expect(Self.near(Self.color(pixels, width: 1536, x: 6, y: 425), 0xC03020))
        #expect(Self.near(Self.color(pixels, width: 1536, x: 1530, y: 425), 0x20A040))
        // The 4:3 picture keeps its shape: 576x432 centred, black bars of 96 pixels left and right.
        #expect(Self.near(Self.color(pixels, width: 1536, x: 40, y: 700), 0x000000, tolerance: 12))
        #expect(Self.near(Self.color(pixels, width: 1536, x: 110, y: 700), 0xD0B020))
        #expect(Self.near(Self.color(pixels, width: 1536, x: 650, y: 700), 0xD0B020))
        #expect(Self.near(Self.color(pixels, width: 1536, x: 730, y: 700), 0x000000, tolerance: 12))
    }

    @Test func aSingleCameraKeepsItsAspectAtTheMaximumSide() async throws {
        let capture = CameraCapture(
            camera: CaptureTests.camera("mjpeg-480p", id: "single-4x3"), settings: CaptureSettings(samplingInterval: 5))
        capture.start()
        #expect(await CaptureTests.eventually(60) { capture.hasPicture })
        let image = try await ImagePipeline(maxImageSide: 320).sample(capture, maxAge: 30)
        await capture.stop()
        #expect(image.width == 320 && image.height == 240)
    }
}
