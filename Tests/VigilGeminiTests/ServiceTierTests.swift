import Foundation
import Testing
import VigilCore

@testable import VigilGemini

/// Service tiers on the wire and in the price: asked for at the top level, read from
/// `usageMetadata.serviceTier`, and priced at the tier that served.
struct ServiceTierTests {
    /// A response recorded from the Developer API (a public project's notes, 2026-06-19) carrying
    /// `usageMetadata.serviceTier`, as every current response does.
    @Test func theRecordedServiceTierIsRead() throws {
        let response = try GeminiResponse.parse(try RecordedResponseTests.body("18"))
        let usage = try #require(response.usage)
        #expect(usage.promptTokens == 12 && usage.candidatesTokens == 10 && usage.thoughtsTokens == 18 && usage.totalTokens == 40)
        #expect(usage.isTotalConsistent)
        #expect(usage.serviceTier == "standard")
        // The recorded bodies of before the field: absent (standard, the API's default).
        #expect(try GeminiResponse.parse(try RecordedResponseTests.body("05")).usage?.serviceTier == nil)
    }

    /// What the parser keeps of a hostile `serviceTier`: a plain word, or `unknown`.
    @Test(arguments: [
        (#""flex""#, "flex"), (#""SERVICE_TIER_PRIORITY""#, "SERVICE_TIER_PRIORITY"), ("12", "unknown"), (#""a b""#, "unknown"),
        (#""flex\u0000""#, "unknown"), ("{}", "unknown"), (#""\#(String(repeating: "x", count: 41))""#, "unknown"), ("null", nil),
    ])
    func aHostileTierIsUnknown(_ value: String, _ expected: String?) throws {
        let body = #"{"candidates": [], "usageMetadata": {"promptTokenCount": 5, "totalTokenCount": 5, "serviceTier": \#(value)}}"#
        let usage = try #require(try GeminiResponse.parse(Array(body.utf8)).usage)
        #expect(usage.serviceTier == expected)
        #expect(usage.promptTokens == 5)
    }

    /// Flex and priority are asked for with the top-level `serviceTier`, as Google's SDKs send
    /// `config.service_tier`; standard (the default) is not named. A Gemini 3 image's resolution
    /// goes on its part.
    @Test func theRequestAsksForTheTierAndTheResolution() throws {
        let image = GeminiImage(jpeg: [0xFF, 0xD8, 0xFF, 0xD9], width: 640, height: 360)
        let camera = CameraConfiguration(id: "yard", name: "Yard", url: try StreamURL.parse("rtsp://h/yard"), client: "c")
        let prompt = AnalysisPrompt(source: .camera(camera))
        var configuration = GeminiConfiguration()
        configuration.model = "gemini-3-flash-preview"
        func body(_ options: GeminiCallOptions) throws -> [String: Any] {
            let bytes = GeminiRequestBody.make(image: image, prompt: prompt, configuration: configuration, options: options)
            return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        }
        #expect(try body(GeminiCallOptions())["serviceTier"] == nil)
        #expect(try body(GeminiCallOptions(tier: .flex))["serviceTier"] as? String == "flex")
        #expect(try body(GeminiCallOptions(tier: .priority))["serviceTier"] as? String == "priority")
        let low = try body(GeminiCallOptions(tier: .flex, mediaResolution: .low))
        let parts = ((low["contents"] as? [[String: Any]])?.first?["parts"] as? [[String: Any]]) ?? []
        #expect((parts.first?["mediaResolution"] as? [String: Any])?["level"] as? String == "MEDIA_RESOLUTION_LOW")
        #expect((low["generationConfig"] as? [String: Any])?["mediaResolution"] == nil)
        // Gemini 2.5 has no media resolution: none is sent.
        configuration.model = "gemini-2.5-flash"
        let older = try body(GeminiCallOptions(mediaResolution: .low))
        let olderParts = ((older["contents"] as? [[String: Any]])?.first?["parts"] as? [[String: Any]]) ?? []
        #expect(olderParts.first?["mediaResolution"] == nil)
    }

    /// The image-token rule follows the resolution asked for (Gemini 3: LOW 280, MEDIUM 560, HIGH 1120 budgets).
    @Test func expectedImageTokensFollowTheResolution() {
        let low = ImageTokenRule.tokens(model: "gemini-3-flash-preview", width: 1536, height: 864, mediaResolution: "LOW")
        let high = ImageTokenRule.tokens(model: "gemini-3-flash-preview", width: 1536, height: 864, mediaResolution: "HIGH")
        #expect(low < high)
        #expect(low <= 280 && high <= 1120)
    }
}
