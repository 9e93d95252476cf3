import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilGemini

/// A python with Google's SDK (google-genai), set by `scripts/test` when it could install one.
private let genaiPython = ProcessInfo.processInfo.environment["VIGIL_TEST_GENAI_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }

/// The stand-in as Google's own Python SDK sees it: `Tests/GeminiSDK/standin_sdk_check.py` calls it
/// through google-genai (image requests with snake_case config, countTokens, JSON schemas, media
/// resolution, service tiers, errors, streaming, API versions) and exits 0 when every check passed.
@Suite(
    .enabled(if: genaiPython != nil, "needs VIGIL_TEST_GENAI_PYTHON, a python with google-genai: run ./scripts/test"),
    .timeLimit(.minutes(3)))
struct StandInSDKTests {
    @Test func googlesPythonSDKTalksToTheStandIn() async throws {
        let python = try #require(genaiPython)
        let key = "AIzaSyTEST-sdk-check-0123456789"
        let standIn = try await GeminiStandIn.start(apiKey: key, incidentRate: 0)
        let script = TestEnvironment.repositoryRoot + "/Tests/GeminiSDK/standin_sdk_check.py"
        let result = try await ProcessRunner.run(python, [script, standIn.baseURL, key])
        #expect(
            result.status == 0,
            "standin_sdk_check.py exited \(result.status)\n\(result.standardOutput)\n\(result.standardError)")
    }
}

/// The stand-in's control helpers: the incident rate, the standing incident, and the refusal of a
/// fault name it does not know.
@Suite(.timeLimit(.minutes(2)))
struct StandInControlTests {
    @Test func aStandingIncidentIsSetAndClearedAndAZeroRateReportsNone() async throws {
        let standIn = try await GeminiStandIn.start(apiKey: GeminiClientTests.apiKey, incidentRate: 0)
        let client = GeminiClientTests.client(standIn)
        let image = try await GeminiClientTests.jpeg(width: 320, height: 240)
        let prompt = AnalysisPrompt(source: .camera(GeminiClientTests.camera("till")))

        let quiet = try #require(await client.analyze(image: image, prompt: prompt).verdicts)
        #expect(quiet.map(\.incidentDetected) == [false])

        try await standIn.setIncident(camera: "till", type: "fire_smoke", confidence: 0.97)
        let incident = try #require(await client.analyze(image: image, prompt: prompt).verdicts)
        #expect(incident.map(\.incidentDetected) == [true])
        #expect(incident.first?.incidentType == "fire_smoke")

        try await standIn.clearIncident()
        let cleared = try #require(await client.analyze(image: image, prompt: prompt).verdicts)
        #expect(cleared.map(\.incidentDetected) == [false])
        #expect(try await standIn.stats()["incident_verdicts"] == 1)
    }

    @Test func anUnknownFaultNameIsRefusedAndNothingQueued() async throws {
        let standIn = try await GeminiStandIn.start()
        await #expect(throws: (any Error).self) { try await standIn.script(["ok", "no-such-fault"]) }
        await #expect(throws: (any Error).self) { try await standIn.setFaults("no-such-fault=0.5") }
        let outcome = await GeminiClientTests.client(standIn).analyze(
            image: try await GeminiClientTests.jpeg(width: 320, height: 240),
            prompt: AnalysisPrompt(source: .camera(GeminiClientTests.camera("till"))))
        #expect(outcome.verdicts != nil)
        #expect(try await standIn.stats()["by_fault.ok"] == 1)
    }
}
