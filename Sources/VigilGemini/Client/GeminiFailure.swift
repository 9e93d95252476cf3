/// Why an attempt (or a whole analysis) produced no verdict. Its message never holds the API key.
package struct GeminiFailure: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable, Equatable {
        /// 429 with a per-minute quota: retried after its delay.
        case rateLimited = "rate_limited"
        /// 429 with a per-day quota: calls pause until it clears.
        case dailyQuota = "daily_quota"
        /// 500, 502, 503, 504: retried with backoff.
        case serverError = "server_error"
        /// No answer within `gemini.request_timeout_seconds`.
        case timeout
        /// The connection could not be made, broke, or closed without an answer.
        case network
        /// 400, 403, 404 and other 4xx: the request is wrong (key, model, payload). Not retried.
        case rejected
        /// The prompt was blocked (`promptFeedback.blockReason`).
        case blocked
        /// HTTP 200, but no usable verdict: malformed JSON, a truncated body, no answer text, an
        /// answer that does not match the schema. The raw text is kept.
        case unusableAnswer = "unusable_answer"
        /// Not sent: calls are paused for a daily quota.
        case paused
        /// Not sent: its record could not be made durable first (the usage spool cannot take it).
        case notRecordable = "not_recordable"
        /// The response body was longer than `gemini.max_response_bytes`; the transfer was
        /// abandoned. The request reached the server (it is a row, failed). Not retried.
        case responseTooLarge = "response_too_large"
    }

    package var kind: Kind
    package var message: String

    package init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { "\(kind.rawValue): \(message)" }
}
