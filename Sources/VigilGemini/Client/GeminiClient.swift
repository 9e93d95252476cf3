package import Foundation
package import Logging
package import VigilCore
import VigilCurl

/// Asks Gemini for verdicts over real HTTP (libcurl), retrying as ``RetryPolicy`` says.
///
/// The API key travels only in the `x-goog-api-key` header; every message and kept text passes
/// through a redactor holding it. Requests run on the transport's own threads, at most
/// `gemini.max_concurrent_requests` at once across all callers. A per-day quota pauses every call
/// until it clears (never past the next reset, midnight Pacific time, so 25 hours at most); calls
/// made meanwhile fail at once with `.paused` and reach nothing.
///
/// Nothing the server sends is trusted: each request on the wire is one attempt (libcurl's own
/// re-sends are stopped), a body longer than `gemini.max_response_bytes` is abandoned
/// (`.responseTooLarge`), retry delays are parsed strictly and capped by the ``RetryPolicy``, and
/// token counts that cannot be real make the attempt's usage invalid (all 0, with the reason and
/// the raw `usageMetadata`; a warning is logged) while its verdicts, if any, are kept.
package final class GeminiClient: Sendable {
    /// The configuration it was made with.
    package let configuration: GeminiConfiguration
    private let apiKey: String
    private let transport: HTTPTransport
    /// Flex calls' own connection slots: a flex call may wait minutes, and must not hold a slot a
    /// standard call needs.
    private let flexTransport: HTTPTransport
    private let policy: RetryPolicy
    private let redactor: SecretRedactor
    private let logger: Logger
    private let pause = PauseGate()

    /// - Parameters:
    ///   - configuration: base URL, model, timeouts, concurrency, thinking.
    ///   - apiKey: the key; never logged, never in a URL.
    package init(configuration: GeminiConfiguration, apiKey: String, logger: Logger, policy: RetryPolicy? = nil) {
        self.configuration = configuration
        self.apiKey = apiKey
        self.transport = HTTPTransport(concurrency: configuration.maxConcurrentRequests)
        self.flexTransport = HTTPTransport(concurrency: configuration.maxConcurrentRequests, name: "vigil-http-flex")
        self.policy = policy ?? RetryPolicy(maxAttempts: configuration.maxAttempts)
        self.redactor = SecretRedactor(secrets: [apiKey])
        self.logger = logger
    }

    /// `/v1beta/models/{model}:generateContent`, as stored in `api_usage.endpoint`.
    package var endpointPath: String { "/v1beta/models/\(configuration.model):generateContent" }

    /// The model asked.
    package var model: String { configuration.model }

    /// Until when calls are paused for a daily quota, if they are.
    package var pausedUntil: Date? { pause.until(now: Date()) }

    /// Requests being sent or waiting for a connection slot.
    package var requestsInFlight: Int { transport.inFlight }

    /// One analysis of `image`, attempt by attempt: each ``GeminiCall/next()`` sends one request
    /// (after the retry policy's wait) and returns what it cost, so the caller records an attempt
    /// before the next one goes on the wire. Nothing is sent until the first `next()`.
    ///
    /// - Parameter deadline: no attempt starts after it (a retry that would is abandoned).
    package func call(image: GeminiImage, prompt: AnalysisPrompt, deadline: Date? = nil, options: GeminiCallOptions = GeminiCallOptions())
        -> GeminiCall
    {
        GeminiCall(client: self, image: image, prompt: prompt, deadline: deadline, options: options)
    }

    /// Analyses one image to the end, retrying per policy, and returns every attempt with the
    /// verdicts or the final failure. For callers that record nothing (tests, benchmarks).
    package func analyze(
        image: GeminiImage, prompt: AnalysisPrompt, deadline: Date? = nil, options: GeminiCallOptions = GeminiCallOptions()
    ) async -> AnalysisOutcome {
        var call = call(image: image, prompt: prompt, deadline: deadline, options: options)
        while await call.next() != nil {}
        return call.outcome
    }

    /// The state of one analysis between attempts, for ``GeminiCall``.
    struct Exchange {
        /// The tier and resolution asked for; the tier becomes standard when a shed flex call
        /// falls back (`gemini.flex_fallback`).
        var options: GeminiCallOptions
        /// The request body, made for the first attempt and sent again by retries (made again
        /// when the tier changes).
        var body: [UInt8]?
        /// Attempts made so far.
        var attempt = 0
        /// Seconds to wait before the next attempt, when a retry is due (finite, checked again
        /// before it becomes a `Duration`).
        var delay: Double?
        /// No attempt follows.
        private(set) var isFinished = false

        mutating func finish() {
            isFinished = true
            delay = nil
        }
    }

    /// Sends attempt number `exchange.attempt + 1` (waiting first when a retry is due) and decides
    /// what follows: the report, or nil with the outcome final.
    /// Waits until the next attempt may be sent (a retry's delay) and says whether one will be:
    /// false when the analysis is over (verdicts, given up, paused, cancelled).
    func prepareAttempt(_ exchange: inout Exchange, outcome: inout AnalysisOutcome) async -> Bool {
        guard !exchange.isFinished else { return false }
        if exchange.attempt == 0, let until = pause.until(now: Date()) {
            outcome.failure = GeminiFailure(kind: .paused, message: "calls are paused until \(until.formatted(.iso8601)) (daily quota)")
            exchange.finish()
            return false
        }
        if let delay = exchange.delay {
            exchange.delay = nil
            try? await Task.sleep(for: SecondsConversion.duration(delay, atMost: max(policy.maxRetryDelay, policy.backoff.cap)))
            if Task.isCancelled {
                exchange.finish()
                return false
            }
        }
        return true
    }

    /// Sends the attempt ``prepareAttempt(_:outcome:)`` allowed and decides what follows; the
    /// report, or nil when the request never reached the server (then prepare again).
    func sendAttempt(
        _ exchange: inout Exchange, image: GeminiImage, prompt: AnalysisPrompt, deadline: Date?,
        outcome: inout AnalysisOutcome
    ) async -> AttemptReport? {
        exchange.attempt += 1
        let tier = exchange.options.tier
        let body =
            exchange.body ?? GeminiRequestBody.make(image: image, prompt: prompt, configuration: configuration, options: exchange.options)
        exchange.body = body
        let started = Date()
        let result = await (tier == .flex ? flexTransport : transport).post(
            url: configuration.baseURL + endpointPath, headers: headers, body: body,
            connectTimeout: configuration.connectTimeoutSeconds,
            totalTimeout: tier == .flex ? configuration.flexRequestTimeoutSeconds : configuration.requestTimeoutSeconds,
            maxResponseBytes: configuration.maxResponseBytes)
        var report = interpret(result, attempt: exchange.attempt, started: started, image: image, prompt: prompt)
        report.durationMilliseconds = SecondsConversion.milliseconds(Date().timeIntervalSince(started))
        report.requestedTier = tier
        if report.reachedServer { outcome.attempts.append(report) }
        if let verdicts = report.verdicts {
            outcome.verdicts = verdicts
            outcome.failure = nil
            exchange.finish()
        } else {
            let failure = report.failure ?? GeminiFailure(kind: .network, message: "no response")
            outcome.failure = failure
            if tier == .flex, configuration.flexFallback == .standard, report.statusCode == 429 || report.statusCode == 503 {
                // Shed: the retry (if the policy makes one) asks for standard, and is recorded so.
                exchange.options.tier = .standard
                exchange.body = nil
                logger.info(
                    "flex call shed; the retry asks for the standard tier",
                    metadata: ["status": "\(report.statusCode ?? 0)", "model": "\(configuration.model)"])
            }
            switch policy.decide(after: policyFailure(report, result), attempt: exchange.attempt, now: Date(), deadline: deadline) {
            case .retry(let delay):
                logger.info(
                    "retrying Gemini call",
                    metadata: [
                        "attempt": "\(exchange.attempt)", "delay_s": "\(String(format: "%.2f", delay))",
                        "reason": "\(failure)", "model": "\(configuration.model)",
                    ])
                exchange.delay = delay
            case .pause(let until):
                pause.pause(until: until)
                logger.warning(
                    "Gemini daily quota exhausted; pausing calls",
                    metadata: ["until": "\(until.formatted(.iso8601))", "model": "\(configuration.model)"])
                exchange.finish()
            case .giveUp:
                exchange.finish()
            }
        }
        return report.reachedServer ? report : nil
    }

    /// The request's headers: the key travels here, never in the URL.
    private var headers: [String] { ["x-goog-api-key: \(apiKey)", "Content-Type: application/json", "Expect:"] }

    private func policyFailure(_ report: AttemptReport, _ result: Result<HTTPResponse, TransportError>) -> RetryPolicy.Failure {
        switch result {
        case .failure(let error) where error.kind == .responseTooLarge: return .unusableAnswer
        case .failure: return .transport
        case .success(let response) where response.status != 200:
            let error = GeminiErrorBody.parse(response.body)
            return .http(
                status: response.status,
                retryDelay: error?.retryDelaySeconds
                    ?? response.retryAfter.flatMap { RetryDelayParser.retryAfterSeconds($0, now: response.receivedAt) },
                dailyQuota: error?.isDailyQuota ?? false)
        case .success:
            return .unusableAnswer
        }
    }

    private func interpret(
        _ result: Result<HTTPResponse, TransportError>, attempt: Int, started: Date, image: GeminiImage,
        prompt: AnalysisPrompt
    ) -> AttemptReport {
        var report = AttemptReport(
            attempt: attempt, startedAt: started, durationMilliseconds: 0, statusCode: nil, usage: .none,
            finishReason: nil, reachedServer: true, verdicts: nil, failure: nil, rawText: nil)
        let response: HTTPResponse
        switch result {
        case .failure(let error):
            report.reachedServer = error.requestSent
            var message = redactor.redact(error.message)
            if error.kind == .responseTooLarge { message += " (gemini.max_response_bytes)" }
            let kind: GeminiFailure.Kind =
                switch error.kind {
                case .timeout: .timeout
                case .responseTooLarge: .responseTooLarge
                case .connect, .network: .network
                }
            if error.kind == .responseTooLarge { report.statusCode = error.statusCode }
            report.failure = GeminiFailure(kind: kind, message: message)
            return report
        case .success(let value):
            response = value
        }
        report.statusCode = response.status
        guard response.status == 200 else {
            let error = GeminiErrorBody.parse(response.body)
            let message = redactor.redact(
                error.map {
                    "HTTP \(response.status) \($0.status ?? ""): \($0.message ?? "")"
                        + ($0.reasons.isEmpty ? "" : " (\($0.reasons.joined(separator: ", ")))")
                }
                    ?? "HTTP \(response.status)")
            let kind: GeminiFailure.Kind =
                switch response.status {
                case 429: (error?.isDailyQuota ?? false) ? .dailyQuota : .rateLimited
                case 500...599: .serverError
                default: .rejected
                }
            var hint = ""
            if response.status == 404 { hint = " — check gemini.model (\(configuration.model))" }
            if error?.reasons.contains("API_KEY_INVALID") == true { hint = " — check GEMINI_API_KEY" }
            report.failure = GeminiFailure(kind: kind, message: message + hint)
            return report
        }
        let parsed: GeminiResponse
        do {
            parsed = try GeminiResponse.parse(response.body, redactor: redactor)
        } catch {
            report.rawText = redactor.redact(String(decoding: response.body.prefix(65_536), as: UTF8.self))
            report.usage = estimate(image: image, prompt: prompt, answer: "")
            report.failure = GeminiFailure(kind: .unusableAnswer, message: "the response body is not JSON (\(error)); usage estimated")
            return report
        }
        report.finishReason = parsed.blockReason ?? parsed.finishReason
        if var usage = parsed.usage {
            if let reason = usage.invalidReason {
                logger.warning(
                    "Gemini reported token counts that cannot be real; usage recorded as invalid",
                    metadata: [
                        "reason": "\(reason)", "model": "\(configuration.model)", "response_id": "\(parsed.responseID ?? "-")",
                    ])
            } else if !usage.isTotalConsistent {
                logger.warning(
                    "Gemini usage does not add up; keeping the reported total",
                    metadata: [
                        "total": "\(usage.totalTokens)", "sum": "\(usage.computedTotal)", "response_id": "\(parsed.responseID ?? "-")",
                    ])
            }
            usage.modelVersion = usage.modelVersion ?? parsed.modelVersion
            usage.responseID = usage.responseID ?? parsed.responseID
            report.usage = usage
        } else {
            report.usage = estimate(image: image, prompt: prompt, answer: parsed.text ?? "")
            report.usage.modelVersion = parsed.modelVersion
            report.usage.responseID = parsed.responseID
        }
        if let block = parsed.blockReason {
            report.failure = GeminiFailure(kind: .blocked, message: "the prompt was blocked: \(block)")
            return report
        }
        guard let text = parsed.text else {
            report.failure = GeminiFailure(
                kind: .unusableAnswer, message: "no answer text (finish reason \(parsed.finishReason ?? "none"))")
            return report
        }
        do {
            report.verdicts = try VerdictParser.verdicts(from: text, prompt: prompt)
        } catch {
            report.rawText = redactor.redact(text)
            report.failure = GeminiFailure(kind: .unusableAnswer, message: "the answer does not match the verdict schema: \(error.reason)")
        }
        return report
    }

    /// Usage for a 200 that reported none: the image by the family's rule, text at ~4 characters a token.
    /// What a call of `image` with `prompt` is expected to cost in tokens (the image by the model's
    /// rule, text at about 4 characters a token, no answer), marked estimated: the usage of a call
    /// whose answer is never recorded.
    package func expectedUsage(image: GeminiImage, prompt: AnalysisPrompt, options: GeminiCallOptions = GeminiCallOptions()) -> TokenUsage {
        estimate(image: image, prompt: prompt, answer: "", mediaResolution: options.mediaResolution)
    }

    private func estimate(image: GeminiImage, prompt: AnalysisPrompt, answer: String, mediaResolution: MediaResolution? = nil) -> TokenUsage
    {
        let imageTokens = ImageTokenRule.tokens(
            model: configuration.model, width: image.width, height: image.height,
            mediaResolution: (mediaResolution ?? configuration.mediaResolutionLevel)?.rawValue)
        let textTokens = (prompt.systemInstruction.utf8.count + prompt.userText.utf8.count + 3) / 4
        let answerTokens = (answer.utf8.count + 3) / 4
        return TokenUsage(
            promptTokens: imageTokens + textTokens, candidatesTokens: answerTokens,
            promptDetails: [.init(modality: "IMAGE", tokens: imageTokens), .init(modality: "TEXT", tokens: textTokens)],
            estimated: true)
    }
}

/// The shared "no calls until" time of a daily quota.
final class PauseGate: @unchecked Sendable {
    private let lock = NSLock()
    private var until: Date?

    func pause(until date: Date) {
        lock.lock()
        defer { lock.unlock() }
        until = max(until ?? date, date)
    }

    func until(now: Date) -> Date? {
        lock.lock()
        defer { lock.unlock() }
        guard let until, until > now else { return nil }
        return until
    }
}
