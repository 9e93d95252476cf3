import Foundation
import Logging
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilGemini

/// Tiers against the stand-in over HTTP: what was asked, what served, and a shed flex call.
@Suite(.timeLimit(.minutes(3)))
struct FlexTierTests {
    static func client(_ standIn: GeminiStandIn, fallback: ServiceTier?) -> GeminiClient {
        var configuration = GeminiConfiguration()
        configuration.baseURL = standIn.baseURL
        configuration.model = "gemini-2.5-flash"
        configuration.requestTimeoutSeconds = 10
        configuration.maxAttempts = 3
        configuration.flexFallback = fallback
        return GeminiClient(
            configuration: configuration, apiKey: GeminiClientTests.apiKey, logger: Logger(label: "test"),
            policy: RetryPolicy(maxAttempts: 3, backoff: ExponentialBackoff(initial: 0.1, cap: 0.4)))
    }

    static let prompt = AnalysisPrompt(source: .camera(GeminiClientTests.camera("yard")))

    /// A flex call is served at flex and says so; a priority request over its limit comes back
    /// standard.
    @Test func theServedTierIsReported() async throws {
        let standIn = try await GeminiStandIn.start(apiKey: GeminiClientTests.apiKey)
        let image = try await GeminiClientTests.jpeg(width: 640, height: 360)
        let flex = await Self.client(standIn, fallback: nil).analyze(
            image: image, prompt: Self.prompt, options: GeminiCallOptions(tier: .flex))
        #expect(flex.attempts.map(\.usage.serviceTier) == ["flex"])
        #expect(flex.attempts.map(\.requestedTier) == [.flex])
        try await standIn.script(["tier-standard"])
        let priority = await Self.client(standIn, fallback: nil).analyze(
            image: image, prompt: Self.prompt, options: GeminiCallOptions(tier: .priority))
        #expect(priority.attempts.map(\.usage.serviceTier) == ["standard"])
        #expect(priority.attempts.map(\.requestedTier) == [.priority])
    }

    /// Shed (503): with flex_fallback standard the retry asks for standard; without, it asks for flex again.
    @Test(arguments: [(ServiceTier?.some(.standard), ServiceTier.standard), (nil, ServiceTier.flex)])
    func aShedFlexCallFallsBackWhenConfigured(_ fallback: ServiceTier?, _ retried: ServiceTier) async throws {
        let standIn = try await GeminiStandIn.start(apiKey: GeminiClientTests.apiKey)
        try await standIn.script(["shed", "ok"])
        let outcome = await Self.client(standIn, fallback: fallback).analyze(
            image: try await GeminiClientTests.jpeg(width: 640, height: 360), prompt: Self.prompt, options: GeminiCallOptions(tier: .flex))
        #expect(outcome.attempts.map(\.statusCode) == [503, 200])
        #expect(outcome.attempts.map(\.requestedTier) == [.flex, retried])
        #expect(outcome.attempts.last?.usage.serviceTier == retried.rawValue)
        #expect(outcome.verdicts != nil)
    }
}
