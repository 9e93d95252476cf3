import Foundation
import Logging
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilGemini

/// The client against the local stand-in over real HTTP through libcurl.
@Suite(.timeLimit(.minutes(3)))
struct GeminiClientTests {
    static let apiKey = "AIzaSyTEST-not-a-real-key-0123456789"

    /// A real JPEG of `width`×`height`, made by the ffmpeg CLI.
    static func jpeg(width: Int, height: Int) async throws -> GeminiImage {
        let path = NSTemporaryDirectory() + "vigil-\(UUID().uuidString).jpg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await ProcessRunner.run(
            "/usr/bin/ffmpeg",
            [
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=\(width)x\(height)",
                "-frames:v", "1", path,
            ])
        guard result.status == 0 else { throw TestFailure("ffmpeg: \(result.standardError)") }
        return GeminiImage(jpeg: Array(try Data(contentsOf: URL(fileURLWithPath: path))), width: width, height: height)
    }

    static func camera(_ id: String) -> CameraConfiguration {
        CameraConfiguration(id: id, name: "Camera \(id)", url: try! StreamURL.parse("rtsp://127.0.0.1/\(id)"), client: "acme")
    }

    static func client(
        _ standIn: GeminiStandIn, model: String = "gemini-2.5-flash", timeout: Double = 10, attempts: Int = 4,
        logger: Logger = Logger(label: "test"), key: String = apiKey
    ) -> GeminiClient {
        var configuration = GeminiConfiguration()
        configuration.baseURL = standIn.baseURL
        configuration.model = model
        configuration.requestTimeoutSeconds = timeout
        configuration.maxAttempts = attempts
        return GeminiClient(
            configuration: configuration, apiKey: key, logger: logger,
            policy: RetryPolicy(maxAttempts: attempts, backoff: ExponentialBackoff(initial: 0.1, cap: 0.4)))
    }

    @Test(arguments: ["gemini-2.5-flash", "gemini-2.0-flash", "gemini-3-flash-preview"])
    func singleCameraYieldsAVerdictAndTheDocumentedImageTokens(model: String) async throws {
        let standIn = try await GeminiStandIn.start(apiKey: Self.apiKey)
        let image = try await Self.jpeg(width: 768, height: 432)
        let outcome = await Self.client(standIn, model: model).analyze(
            image: image, prompt: AnalysisPrompt(source: .camera(Self.camera("door"))))
        let verdicts = try #require(outcome.verdicts)
        #expect(verdicts.map(\.cameraID) == ["door"])
        #expect(CameraVerdict.incidentTypes.contains(verdicts[0].incidentType))
        #expect(outcome.attempts.count == 1)
        let usage = outcome.attempts[0].usage
        #expect(usage.imageTokens == ImageTokenRule.tokens(model: model, width: 768, height: 432))
        #expect(usage.isTotalConsistent)
        #expect(usage.modelVersion == model)
        let stats = try await standIn.stats()
        #expect(stats["requests"] == 1)
        #expect(stats["prompt_tokens"] == usage.promptTokens)
        #expect(stats["total_tokens"] == usage.totalTokens)
    }

    @Test func groupTileYieldsOneVerdictPerCameraInQuadrantOrder() async throws {
        let standIn = try await GeminiStandIn.start()
        let cameras = ["a", "b", "c", "d"].map(Self.camera)
        let source = AnalysisSource.group(GroupConfiguration(id: "site", cameras: cameras.map(\.id)), cameras)
        let outcome = await Self.client(standIn).analyze(
            image: try await Self.jpeg(width: 1536, height: 864), prompt: AnalysisPrompt(source: source))
        let verdicts = try #require(outcome.verdicts)
        #expect(verdicts.map(\.cameraID) == ["a", "b", "c", "d"])
        #expect(verdicts.map(\.quadrant) == [0, 1, 2, 3])
        #expect(outcome.attempts[0].usage.imageTokens == 258)
    }

    @Test func rateLimitThenSuccessRetriesOnceAfterTheGivenDelay() async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script(["429:1s", "ok"])
        var call = Self.client(standIn).call(
            image: try await Self.jpeg(width: 640, height: 360),
            prompt: AnalysisPrompt(source: .camera(Self.camera("till"))))
        var attempts: [AttemptReport] = []
        while let attempt = await call.next() {
            // An attempt is handed out before the next one goes on the wire.
            #expect(try await standIn.stats()["requests"] == attempts.count + 1)
            attempts.append(attempt)
        }
        #expect(call.outcome.verdicts != nil)
        #expect(call.outcome.attempts.map(\.attempt) == attempts.map(\.attempt))
        #expect(attempts.map(\.statusCode) == [429, 200])
        #expect(attempts.map(\.attempt) == [1, 2])
        #expect(attempts[0].failure?.kind == .rateLimited)
        #expect(attempts[1].startedAt.timeIntervalSince(attempts[0].startedAt) >= 1.0)
        #expect(try await standIn.stats()["requests"] == 2)
    }

    @Test func threeServiceUnavailablesBackOffThenFail() async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script(["503", "503", "503"])
        let outcome = await Self.client(standIn, attempts: 3).analyze(
            image: try await Self.jpeg(width: 640, height: 360),
            prompt: AnalysisPrompt(source: .camera(Self.camera("till"))))
        #expect(outcome.verdicts == nil)
        #expect(outcome.failure?.kind == .serverError)
        #expect(outcome.attempts.map(\.statusCode) == [503, 503, 503])
        #expect(outcome.attempts.allSatisfy { $0.usage == .none })
    }

    @Test(arguments: ["400", "403", "404"])
    func clientErrorsAreNotRetried(fault: String) async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script([fault, "ok"])
        let outcome = await Self.client(standIn).analyze(
            image: try await Self.jpeg(width: 320, height: 240),
            prompt: AnalysisPrompt(source: .camera(Self.camera("till"))))
        #expect(outcome.attempts.count == 1)
        #expect(outcome.failure?.kind == .rejected)
        #expect(outcome.attempts[0].statusCode == Int(fault))
        if fault == "404" { #expect(outcome.failure?.message.contains("check gemini.model") == true) }
    }

    @Test func aTimeoutIsRetried() async throws {
        let standIn = try await GeminiStandIn.start()
        // A 12 s answer against a 4 s timeout; the retry's answer comes at once (4 s of slack for a loaded machine).
        try await standIn.script(["slow:12", "ok"])
        let outcome = await Self.client(standIn, timeout: 4).analyze(
            image: try await Self.jpeg(width: 320, height: 240),
            prompt: AnalysisPrompt(source: .camera(Self.camera("till"))))
        #expect(outcome.verdicts != nil)
        #expect(outcome.attempts.count == 2)
        #expect(outcome.attempts[0].failure?.kind == .timeout)
        #expect(outcome.attempts[0].statusCode == nil)
        #expect(outcome.attempts[0].reachedServer)
    }

    @Test func unusableAnswersAreFailuresWithTheirTextKeptAndTheirUsage() async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script(["malformed", "truncated", "blocked", "max-tokens"])
        let client = Self.client(standIn)
        let image = try await Self.jpeg(width: 320, height: 240)
        let prompt = AnalysisPrompt(source: .camera(Self.camera("till")))

        let malformed = await client.analyze(image: image, prompt: prompt)
        #expect(malformed.verdicts == nil)
        #expect(malformed.attempts.count == 1)
        #expect(malformed.failure?.kind == .unusableAnswer)
        #expect(malformed.attempts[0].rawText?.contains("everything seems fine") == true)
        #expect(malformed.attempts[0].usage.promptTokens > 0)
        #expect(!malformed.attempts[0].usage.estimated)

        let truncated = await client.analyze(image: image, prompt: prompt)
        #expect(truncated.failure?.kind == .unusableAnswer)
        #expect(truncated.attempts[0].usage.estimated)
        #expect(truncated.attempts[0].rawText?.isEmpty == false)

        let blocked = await client.analyze(image: image, prompt: prompt)
        #expect(blocked.failure?.kind == .blocked)
        #expect(blocked.attempts[0].finishReason == "PROHIBITED_CONTENT")
        #expect(blocked.attempts[0].usage.promptTokens > 0)

        let maxTokens = await client.analyze(image: image, prompt: prompt)
        #expect(maxTokens.failure?.kind == .unusableAnswer)
        #expect(maxTokens.attempts[0].finishReason == "MAX_TOKENS")
    }

    @Test func aResponseWithoutUsageIsEstimatedAndMarked() async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script(["no-usage"])
        let outcome = await Self.client(standIn).analyze(
            image: try await Self.jpeg(width: 768, height: 432),
            prompt: AnalysisPrompt(source: .camera(Self.camera("till"))))
        #expect(outcome.verdicts != nil)
        let usage = outcome.attempts[0].usage
        #expect(usage.estimated)
        #expect(usage.imageTokens == 258)
        #expect(usage.candidatesTokens > 0)
    }

    @Test func aDailyQuotaPausesEveryCall() async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script(["429-daily:3600s"])
        let client = Self.client(standIn)
        let image = try await Self.jpeg(width: 320, height: 240)
        let first = await client.analyze(image: image, prompt: AnalysisPrompt(source: .camera(Self.camera("a"))))
        #expect(first.failure?.kind == .dailyQuota)
        #expect(client.pausedUntil != nil)
        let second = await client.analyze(image: image, prompt: AnalysisPrompt(source: .camera(Self.camera("b"))))
        #expect(second.failure?.kind == .paused)
        #expect(second.attempts.isEmpty)
        #expect(try await standIn.stats()["requests"] == 1)
    }

    @Test func theKeyNeverAppearsInLogsOrMessages() async throws {
        let standIn = try await GeminiStandIn.start(apiKey: "the-right-key")
        try await standIn.script(["503", "ok"])
        let capture = LogCapture()
        let wrong = Self.client(standIn, logger: capture.logger())
        let image = try await Self.jpeg(width: 320, height: 240)
        let rejected = await wrong.analyze(image: image, prompt: AnalysisPrompt(source: .camera(Self.camera("a"))))
        #expect(rejected.failure?.kind == .rejected)
        #expect(rejected.failure?.message.contains("check GEMINI_API_KEY") == true)
        let retried = await Self.client(standIn, logger: capture.logger(), key: "the-right-key")
            .analyze(image: image, prompt: AnalysisPrompt(source: .camera(Self.camera("a"))))
        #expect(retried.verdicts != nil)
        #expect(!capture.lines.isEmpty)
        for text in capture.lines + [rejected.failure?.description ?? ""] + rejected.attempts.compactMap(\.rawText) {
            #expect(!text.contains(Self.apiKey))
            #expect(!text.contains("the-right-key"))
        }
    }

    @Test func concurrentCallsShareTheBoundAndAllSucceed() async throws {
        let standIn = try await GeminiStandIn.start()
        var configuration = GeminiConfiguration()
        configuration.baseURL = standIn.baseURL
        configuration.maxConcurrentRequests = 2
        let client = GeminiClient(configuration: configuration, apiKey: Self.apiKey, logger: Logger(label: "test"))
        let image = try await Self.jpeg(width: 320, height: 240)
        let successes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<12 {
                group.addTask {
                    await client.analyze(image: image, prompt: AnalysisPrompt(source: .camera(Self.camera("c\(index)")))).verdicts != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 12)
        #expect(try await standIn.stats()["requests"] == 12)
    }
}
