import Foundation
import Testing
import VigilBilling
import VigilCore

@testable import VigilCapture
@testable import VigilGemini
@testable import VigilService

/// The cameras a call's cost is shared among are those in its image, known from the image itself:
/// also for a call that failed (no verdicts to tell) and for the intent made before a call goes out.
struct UsageRecordFactoryTests {
    static let cameras = ["c1", "c2", "c3", "c4"].map { id in
        CameraConfiguration(id: id, name: id, url: try! StreamURL.parse("rtsp://cam/\(id)"), client: "acme")
    }
    static let source = AnalysisSource.group(GroupConfiguration(id: "floor", cameras: cameras.map(\.id)), cameras)

    /// A tile in which the third camera had no fresh frame (a dark quadrant).
    static let image = SampledImage(
        jpeg: [0xFF, 0xD8], width: 1536, height: 864,
        parts: cameras.map { camera in
            SampledImage.Part(
                cameraID: camera.id, present: camera.id != "c3", frameSize: camera.id != "c3" ? "1920x1080" : nil, age: 0.5,
                decodeMode: .keyframes, sessionID: UUID())
        }, composeMilliseconds: 5)

    @Test func aRecordAndAnIntentNameTheCamerasInTheImageInQuadrantOrder() {
        let failed = AttemptReport(
            attempt: 1, startedAt: Date(timeIntervalSince1970: 1_790_000_000), durationMilliseconds: 900, statusCode: 503,
            usage: TokenUsage(), finishReason: nil, reachedServer: true, verdicts: nil, failure: nil, rawText: nil)
        let record = UsageRecordFactory.record(
            failed, source: Self.source, image: Self.image, model: "gemini-2.5-flash", endpoint: "/e", prices: PriceBook(prices: []))
        #expect(record.cameraIDs == ["c1", "c2", "c4"])
        #expect(record.cameraCount == 4 && record.sessionIDs.count == 3 && record.verdicts.isEmpty)
        let intent = UsageRecordFactory.intent(
            attempt: 1, source: Self.source, image: Self.image, model: "gemini-2.5-flash", endpoint: "/e", usage: TokenUsage())
        #expect(intent.cameraIDs == ["c1", "c2", "c4"])
    }
}
