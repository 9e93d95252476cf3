package import Foundation
package import Logging
package import VigilCore

/// Asks Gemini for verdicts over real HTTP (libcurl), retrying as ``RetryPolicy`` says.
///
/// The API key travels only in the `x-goog-api-key` header; every message and kept text passes
/// through a redactor holding it. Requests run on the transport's own threads, at most
/// `gemini.max_concurrent_requests` at once across all callers. A per-day quota pauses every call
/// until it clears; calls made meanwhile fail at once with `.paused` and reach nothing.
package final class GeminiClient: Sendable {
    private let configuration: GeminiConfiguration
    private let apiKey: String
    private let transport: HTTPTransport
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

    /// Analyses one image: sends it, retries per policy, and reports each attempt to `onAttempt`
    /// (awaited before the next attempt, so the caller can record it) before returning.
    ///
    /// - Parameters:
    ///   - frameSizes: each camera's source frame size (`1920x1080`), stored with its verdict.
    ///   - deadline: no attempt starts after it (a retry that would is abandoned).
    package func analyze(image: GeminiImage, prompt: AnalysisPrompt, frameSizes: [String: String] = [:], deadline: Date? = nil,
                        onAttempt: @Sendable (AttemptReport) async -> Void = { _ in }) async -> AnalysisOutcome {
        var attempts: [AttemptReport] = []
        if let until = pause.until(now: Date()) {
            return AnalysisOutcome(attempts: [], verdicts: nil,
                                   failure: GeminiFailure(kind: .paused, message: "calls are paused until \(until.formatted(.iso8601)) (daily quota)"))
        }
        let body = GeminiRequestBody.make(image: image, prompt: prompt, configuration: configuration)
        let url = configuration.baseURL + endpointPath
        let headers = ["x-goog-api-key: \(apiKey)", "Content-Type: application/json", "Expect:"]
        var attempt = 1
        while true {
            let started = Date()
            let result = await transport.post(url: url, headers: headers, body: body,
                                              connectTimeout: configuration.connectTimeoutSeconds,
                                              totalTimeout: configuration.requestTimeoutSeconds)
            var report = interpret(result, attempt: attempt, started: started, image: image, prompt: prompt, frameSizes: frameSizes)
            report.durationMilliseconds = Int(Date().timeIntervalSince(started) * 1000)
            if report.reachedServer {
                attempts.append(report)
                await onAttempt(report)
            }
            if let verdicts = report.verdicts {
                return AnalysisOutcome(attempts: attempts, verdicts: verdicts, failure: nil)
            }
            let failure = report.failure ?? GeminiFailure(kind: .network, message: "no response")
            let decision = policy.decide(after: policyFailure(report, result), attempt: attempt, now: Date(), deadline: deadline)
            switch decision {
            case .retry(let delay):
                logger.info("retrying Gemini call", metadata: ["attempt": "\(attempt)", "delay_s": "\(String(format: "%.2f", delay))",
                                                                "reason": "\(failure)", "model": "\(configuration.model)"])
                try? await Task.sleep(for: .seconds(delay))
                if Task.isCancelled { return AnalysisOutcome(attempts: attempts, verdicts: nil, failure: failure) }
                attempt += 1
            case .pause(let until):
                pause.pause(until: until)
                logger.warning("Gemini daily quota exhausted; pausing calls", metadata: ["until": "\(until.formatted(.iso8601))", "model": "\(configuration.model)"])
                return AnalysisOutcome(attempts: attempts, verdicts: nil, failure: failure)
            case .giveUp:
                return AnalysisOutcome(attempts: attempts, verdicts: nil, failure: failure)
            }
        }
    }

    private func policyFailure(_ report: AttemptReport, _ result: Result<HTTPResponse, TransportError>) -> RetryPolicy.Failure {
        switch result {
        case .failure: return .transport
        case .success(let response) where response.status != 200:
            let error = GeminiErrorBody.parse(response.body)
            return .http(status: response.status, retryDelay: error?.retryDelaySeconds ?? response.retryAfterSeconds,
                         dailyQuota: error?.isDailyQuota ?? false)
        case .success:
            return .unusableAnswer
        }
    }

    private func interpret(_ result: Result<HTTPResponse, TransportError>, attempt: Int, started: Date, image: GeminiImage,
                           prompt: AnalysisPrompt, frameSizes: [String: String]) -> AttemptReport {
        var report = AttemptReport(attempt: attempt, startedAt: started, durationMilliseconds: 0, statusCode: nil, usage: .none,
                                   finishReason: nil, reachedServer: true, verdicts: nil, failure: nil, rawText: nil)
        let response: HTTPResponse
        switch result {
        case .failure(let error):
            report.reachedServer = error.requestSent
            let message = redactor.redact(error.message)
            report.failure = GeminiFailure(kind: error.kind == .timeout ? .timeout : .network, message: message)
            return report
        case .success(let value):
            response = value
        }
        report.statusCode = response.status
        guard response.status == 200 else {
            let error = GeminiErrorBody.parse(response.body)
            let message = redactor.redact(error.map { "HTTP \(response.status) \($0.status ?? ""): \($0.message ?? "")" + ($0.reasons.isEmpty ? "" : " (\($0.reasons.joined(separator: ", ")))") }
                ?? "HTTP \(response.status)")
            let kind: GeminiFailure.Kind = switch response.status {
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
            parsed = try GeminiResponse.parse(response.body)
        } catch {
            report.rawText = redactor.redact(String(decoding: response.body.prefix(65_536), as: UTF8.self))
            report.usage = estimate(image: image, prompt: prompt, answer: "")
            report.failure = GeminiFailure(kind: .unusableAnswer, message: "the response body is not JSON (\(error)); usage estimated")
            return report
        }
        report.finishReason = parsed.blockReason ?? parsed.finishReason
        if var usage = parsed.usage {
            if !usage.isTotalConsistent {
                logger.warning("Gemini usage does not add up; keeping the reported total",
                               metadata: ["total": "\(usage.totalTokens)", "sum": "\(usage.computedTotal)", "response_id": "\(parsed.responseID ?? "-")"])
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
            report.failure = GeminiFailure(kind: .unusableAnswer, message: "no answer text (finish reason \(parsed.finishReason ?? "none"))")
            return report
        }
        do {
            report.verdicts = try VerdictParser.verdicts(from: text, prompt: prompt, frameSizes: frameSizes)
        } catch {
            report.rawText = redactor.redact(text)
            report.failure = GeminiFailure(kind: .unusableAnswer, message: "the answer does not match the verdict schema: \(error.reason)")
        }
        return report
    }

    /// Usage for a 200 that reported none: the image by the family's rule, text at ~4 characters a token.
    private func estimate(image: GeminiImage, prompt: AnalysisPrompt, answer: String) -> TokenUsage {
        let imageTokens = ImageTokenRule.tokens(model: configuration.model, width: image.width, height: image.height,
                                                mediaResolution: configuration.mediaResolution)
        let textTokens = (prompt.systemInstruction.utf8.count + prompt.userText.utf8.count + 3) / 4
        let answerTokens = (answer.utf8.count + 3) / 4
        return TokenUsage(promptTokens: imageTokens + textTokens, candidatesTokens: answerTokens,
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
