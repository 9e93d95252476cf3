import Foundation
import Logging
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilCurl
@testable import VigilGemini

/// The client against a stand-in that answers like a broken or hostile server, over real HTTP
/// through libcurl. Whatever comes back, the client returns an outcome (it never traps), and the
/// attempts it reports are exactly the requests the server received.
@Suite(.timeLimit(.minutes(3)))
struct HostileResponseTests {
    static let apiKey = GeminiClientTests.apiKey

    static func client(
        _ standIn: GeminiStandIn, concurrency: Int = 1, maxResponseBytes: Int = 10_000_000, logger: Logger = Logger(label: "test")
    ) -> GeminiClient {
        var configuration = GeminiConfiguration()
        configuration.baseURL = standIn.baseURL
        configuration.maxConcurrentRequests = concurrency
        configuration.maxResponseBytes = maxResponseBytes
        configuration.requestTimeoutSeconds = 30
        return GeminiClient(
            configuration: configuration, apiKey: apiKey, logger: logger,
            policy: RetryPolicy(maxAttempts: 4, backoff: ExponentialBackoff(initial: 0.1, cap: 0.4)))
    }

    static func prompt(_ id: String = "till") -> AnalysisPrompt { AnalysisPrompt(source: .camera(GeminiClientTests.camera(id))) }

    static func requests(_ standIn: GeminiStandIn) async throws -> Int { try await standIn.stats()["requests"] ?? -1 }

    /// A stand-in fault whose usage cannot be real, the words its reason holds, and what its raw text holds.
    struct UsageFault: Sendable, CustomTestStringConvertible {
        var fault: String
        var reason: String
        var raw: String
        var testDescription: String { fault }
    }

    static let usageFaults = [
        UsageFault(fault: "usage-negative", reason: "promptTokenCount is -500, a negative number", raw: #""promptTokenCount":-500"#),
        UsageFault(fault: "usage-2p31", reason: "promptTokenCount is 2147483648, above the plausible", raw: "2147483648"),
        UsageFault(fault: "usage-int64-max", reason: "is 9223372036854775807, above", raw: "9223372036854775807"),
        UsageFault(fault: "usage-2p63", reason: "is 9223372036854775808, above", raw: "9223372036854775808"),
        UsageFault(fault: "usage-1e17", reason: "is 100000000000000000, above", raw: "100000000000000000"),
        UsageFault(fault: "usage-float", reason: "promptTokenCount is 12.5, not a whole number", raw: "12.5"),
        UsageFault(fault: "usage-string", reason: "promptTokenCount is a string, not a number", raw: #""promptTokenCount":"258""#),
        UsageFault(fault: "usage-detail-negative", reason: "promptTokensDetails[1].tokenCount is -258", raw: "-258"),
        UsageFault(fault: "usage-count:1e17", reason: "promptTokenCount is 1e17, not a whole number", raw: "1e17"),
    ]

    @Test(arguments: usageFaults)
    func implausibleUsageIsFlaggedAndTheVerdictKept(_ hostile: UsageFault) async throws {
        let standIn = try await GeminiStandIn.start(apiKey: Self.apiKey)
        try await standIn.script([hostile.fault])
        let capture = LogCapture()
        let outcome = await Self.client(standIn, logger: capture.logger()).analyze(
            image: try await GeminiClientTests.jpeg(width: 640, height: 360), prompt: Self.prompt())
        // The verdict is real; only the counts are refused.
        #expect(outcome.verdicts != nil)
        #expect(outcome.failure == nil)
        #expect(outcome.attempts.count == 1)
        #expect(try await Self.requests(standIn) == outcome.attempts.count)
        let usage = try #require(outcome.attempts.first?.usage)
        #expect(usage.invalidReason?.contains(hostile.reason) == true, "\(usage.invalidReason ?? "valid")")
        #expect(usage.rawUsageMetadata?.contains(hostile.raw) == true, "\(usage.rawUsageMetadata ?? "none")")
        #expect((usage.rawUsageMetadata?.utf8.count ?? 0) <= 4_096)
        #expect(!usage.estimated)
        #expect(usage.responseID != nil)
        let counts = [
            usage.promptTokens, usage.cachedTokens, usage.candidatesTokens, usage.thoughtsTokens, usage.toolUsePromptTokens,
            usage.totalTokens, usage.inputBilledTokens, usage.outputBilledTokens, usage.imageTokens,
        ]
        #expect(counts.allSatisfy { $0 == 0 })
        // One warning for the call, with the reason, and never the key.
        let warnings = capture.lines.filter { $0.hasPrefix("warning") && $0.contains("cannot be real") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains(hostile.reason) == true)
        #expect(!capture.lines.contains { $0.contains(Self.apiKey) })
    }

    @Test(arguments: ["429:nans", "429:-5s", "429:infs", "429:1e300s", "429-retry-after:nan", "429-retry-after:-1", "429-retry-after:1e3"])
    func aHostileRetryDelayIsNoDelay(fault: String) async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script([fault, "ok"])
        let outcome = await Self.client(standIn).analyze(
            image: try await GeminiClientTests.jpeg(width: 320, height: 240), prompt: Self.prompt())
        // Backed off (0.1 s here) instead of trapping on the conversion or waiting forever.
        #expect(outcome.verdicts != nil)
        #expect(outcome.attempts.map(\.statusCode) == [429, 200])
        #expect(outcome.attempts[0].failure?.kind == .rateLimited)
        #expect(outcome.attempts[1].startedAt.timeIntervalSince(outcome.attempts[0].startedAt) < 30)
        #expect(try await Self.requests(standIn) == 2)
    }

    @Test func aValidRetryAfterIsHonoured() async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script(["429-retry-after:2", "ok"])
        let outcome = await Self.client(standIn).analyze(
            image: try await GeminiClientTests.jpeg(width: 320, height: 240), prompt: Self.prompt())
        #expect(outcome.verdicts != nil)
        #expect(outcome.attempts.count == 2)
        #expect(outcome.attempts[1].startedAt.timeIntervalSince(outcome.attempts[0].startedAt) >= 2)
    }

    @Test(arguments: ["429-daily:1e300s", "429-daily:nans", "429-daily:999999999999s", "429-daily:-1s"])
    func aDailyQuotaPausesUntilTheNextResetAtMost(fault: String) async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script([fault])
        let client = Self.client(standIn)
        let before = Date()
        let outcome = await client.analyze(image: try await GeminiClientTests.jpeg(width: 320, height: 240), prompt: Self.prompt())
        #expect(outcome.failure?.kind == .dailyQuota)
        #expect(outcome.attempts.count == 1)
        let until = try #require(client.pausedUntil)
        #expect(until.timeIntervalSince(before) <= RetryPolicy.maximumPause + 60)
        #expect(until.timeIntervalSince(before) <= RetryPolicy.secondsToPacificMidnight(from: before) + 60)
        #expect(try await Self.requests(standIn) == 1)
    }

    /// A fault answered with a 200 that holds no usable answer, and the failure it must give.
    @Test(arguments: [
        ("deep", GeminiFailure.Kind.unusableAnswer), ("deep:300", .unusableAnswer), ("html", .unusableAnswer), ("empty", .unusableAnswer),
        ("truncated", .unusableAnswer),
    ])
    func unparseableBodiesAreFailedAttempts(fault: String, kind: GeminiFailure.Kind) async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script([fault])
        let outcome = await Self.client(standIn).analyze(
            image: try await GeminiClientTests.jpeg(width: 320, height: 240), prompt: Self.prompt())
        #expect(outcome.verdicts == nil)
        #expect(outcome.failure?.kind == kind)
        #expect(outcome.attempts.count == 1)
        #expect(outcome.attempts[0].statusCode == 200)
        #expect(outcome.attempts[0].usage.estimated)
        #expect(try await Self.requests(standIn) == 1)
    }

    @Test(arguments: [("html:502", GeminiFailure.Kind.serverError, 502), ("empty:503", .serverError, 503)])
    func errorPagesWithoutAnErrorBodyAreRetried(fault: String, kind: GeminiFailure.Kind, status: Int) async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script([fault, "ok"])
        let outcome = await Self.client(standIn).analyze(
            image: try await GeminiClientTests.jpeg(width: 320, height: 240), prompt: Self.prompt())
        #expect(outcome.verdicts != nil)
        #expect(outcome.attempts.map(\.statusCode) == [status, 200])
        #expect(outcome.attempts[0].failure?.kind == kind)
        #expect(try await Self.requests(standIn) == 2)
    }

    @Test(arguments: ["close", "cut-off"])
    func aConnectionThatEndsWithoutAWholeAnswerIsAFailedAttemptThatReachedTheServer(fault: String) async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script([fault, "ok"])
        let outcome = await Self.client(standIn).analyze(
            image: try await GeminiClientTests.jpeg(width: 320, height: 240), prompt: Self.prompt())
        #expect(outcome.verdicts != nil)
        #expect(outcome.attempts.count == 2)
        #expect(outcome.attempts[0].failure?.kind == .network)
        #expect(outcome.attempts[0].reachedServer)
        #expect(outcome.attempts[0].usage == .none)
        #expect(try await Self.requests(standIn) == 2)
    }

    /// libcurl re-sends a request on a fresh connection by itself when a kept-alive connection
    /// closes without an answer; the server then sees two requests. Vigil stops the re-send: every
    /// request on the wire is one reported attempt.
    @Test func aKeptAliveConnectionClosedWithoutAnAnswerIsOneAttemptPerRequest() async throws {
        let standIn = try await GeminiStandIn.start()
        // One connection slot, so every request reuses the connection the previous answer left open.
        let client = Self.client(standIn, concurrency: 1)
        let image = try await GeminiClientTests.jpeg(width: 320, height: 240)
        // Round 0 answers; round 1's first request goes out on the kept-alive connection and gets no
        // answer; round 2's too, and its retry (on a fresh connection) gets none either.
        try await standIn.script(["ok", "close", "ok", "close", "close", "ok"])
        var reported = 0
        for round in 0..<3 {
            var call = client.call(image: image, prompt: Self.prompt("cam\(round)"))
            while let attempt = await call.next() {
                reported += 1
                // The attempt is handed out before anything else goes on the wire.
                #expect(try await Self.requests(standIn) == reported)
                if attempt.failure?.kind == .network { #expect(attempt.reachedServer && attempt.statusCode == nil) }
            }
            #expect(call.outcome.verdicts != nil, "round \(round): \(String(describing: call.outcome.failure))")
        }
        #expect(reported == 6)
        #expect(try await Self.requests(standIn) == 6)
    }

    @Test(arguments: ["large:3", "large-chunked:3"])
    func aResponseOverTheLimitFailsAndTheNextCallSucceeds(fault: String) async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script([fault, "ok"])
        let client = Self.client(standIn, maxResponseBytes: 1_000_000)
        let image = try await GeminiClientTests.jpeg(width: 320, height: 240)
        let large = await client.analyze(image: image, prompt: Self.prompt())
        #expect(large.verdicts == nil)
        #expect(large.failure?.kind == .responseTooLarge)
        #expect(large.failure?.message.contains("max_response_bytes") == true)
        // It reached the server and is not retried (asking again would cost again).
        #expect(large.attempts.count == 1)
        #expect(large.attempts[0].reachedServer)
        #expect(large.attempts[0].statusCode == 200)
        #expect(large.attempts[0].failure?.kind == .responseTooLarge)
        let next = await client.analyze(image: image, prompt: Self.prompt())
        #expect(next.verdicts != nil)
        #expect(next.attempts.count == 1)
        #expect(try await Self.requests(standIn) == 2)
    }

    @Test func theHandleKeepsNoLargeBufferBetweenRequests() async throws {
        let standIn = try await GeminiStandIn.start()
        try await standIn.script(["large:4", "large-chunked:4", "ok"])
        let easy = try #require(CurlEasy())
        let url = standIn.baseURL + "/v1beta/models/gemini-2.5-flash:generateContent"
        let headers = ["x-goog-api-key: \(Self.apiKey)", "Content-Type: application/json", "Expect:"]
        let body = Array(#"{"contents": [{"role": "user", "parts": [{"text": "hello"}]}]}"#.utf8)
        let accepted = easy.post(url: url, headers: headers, body: body, connectTimeout: 10, totalTimeout: 60, maxResponseBytes: 10_000_000)
        let response = try accepted.get()
        #expect(response.body.count == 4_000_000)
        #expect(easy.retainedBufferCapacity <= CurlEasy.initialBodyCapacity)
        let refused = easy.post(url: url, headers: headers, body: body, connectTimeout: 10, totalTimeout: 60, maxResponseBytes: 1_000_000)
        guard case .failure(let error) = refused else {
            Issue.record("a 4 MB body passed a 1 MB limit")
            return
        }
        #expect(error.kind == .responseTooLarge)
        #expect(error.requestSent)
        #expect(easy.retainedBufferCapacity <= CurlEasy.initialBodyCapacity)
        let small = try easy.post(url: url, headers: headers, body: body, connectTimeout: 10, totalTimeout: 60, maxResponseBytes: 1_000_000)
            .get()
        #expect(small.status == 200)
        #expect(try await Self.requests(standIn) == 3)
    }
}
