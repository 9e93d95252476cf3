package import Foundation
package import VigilCore

/// Whether and when a failed Gemini attempt is tried again.
///
/// - 429: after the server's `retryDelay` (or backoff when it gave none), unless that is longer
///   than ``maxRetryDelay``; a per-day quota pauses every call instead, until the quota resets
///   (midnight in America/Los_Angeles) or earlier if the server says so, never longer than
///   ``maximumPause`` whatever the server says.
/// - 500, 502, 503, 504, timeouts and broken connections: exponential backoff with jitter.
/// - 400, 403, 404 and other 4xx: never; the request itself is wrong (bad key, unknown model).
/// - A 200 whose answer is unusable: never; asking again costs again and the next sample comes soon.
/// Attempts are bounded by `maxAttempts`, and none starts after the caller's deadline. A delay that
/// is not a finite number of seconds, zero or more (NaN, ±∞, negative: only a caller that skipped
/// ``RetryDelayParser`` could pass one) counts as no delay given.
package struct RetryPolicy: Sendable, Equatable {
    /// What went wrong with one attempt.
    package enum Failure: Sendable, Equatable {
        /// An HTTP error status, with `retryDelay` (seconds, from the body's `RetryInfo` or the
        /// `Retry-After` header) and whether a per-day quota was hit.
        case http(status: Int, retryDelay: Double?, dailyQuota: Bool)
        /// A timeout, refused or broken connection.
        case transport
        /// HTTP 200 but no usable verdict (malformed, blocked, truncated).
        case unusableAnswer
    }

    /// What to do next.
    package enum Decision: Sendable, Equatable {
        /// Try again after this many seconds.
        case retry(after: Double)
        /// Stop; the analysis has failed.
        case giveUp
        /// Stop, and make no call at all until this time (a daily quota).
        case pause(until: Date)
    }

    /// Most attempts per analysis, the first included. Default 4.
    package var maxAttempts: Int
    /// Delays between attempts for server errors and timeouts. Default 0.5 s doubling to 8 s.
    package var backoff: ExponentialBackoff
    /// Longest `retryDelay` honoured by retrying; a longer one gives up (the next sample will try).
    package var maxRetryDelay: Double

    /// The longest daily-quota pause, in seconds: 25 hours, the longest a Pacific day can be (the
    /// day clocks go back). The next reset is never further away, so a longer pause can only come
    /// from a wrong delay or a broken time-zone database.
    package static let maximumPause: Double = 25 * 3600

    package init(maxAttempts: Int = 4, backoff: ExponentialBackoff = ExponentialBackoff(initial: 0.5, cap: 8), maxRetryDelay: Double = 120)
    {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.maxRetryDelay = maxRetryDelay
    }

    /// The decision after attempt number `attempt` (1-based) failed with `failure` at `now`;
    /// `deadline` is the latest time another attempt may start.
    package func decide(
        after failure: Failure, attempt: Int, now: Date, deadline: Date?,
        using generator: inout some RandomNumberGenerator
    ) -> Decision {
        let delay: Double
        switch failure {
        case .http(429, let retryDelay, true):
            let untilReset = Self.secondsToPacificMidnight(from: now)
            return .pause(until: now.addingTimeInterval(min(Self.valid(retryDelay) ?? untilReset, untilReset)))
        case .http(429, let retryDelay, false):
            delay = Self.valid(retryDelay) ?? backoff.delay(attempt: attempt - 1, using: &generator)
            if !(delay <= maxRetryDelay) { return .giveUp }
        case .http(let status, _, _) where [500, 502, 503, 504].contains(status):
            delay = backoff.delay(attempt: attempt - 1, using: &generator)
        case .http:
            return .giveUp
        case .transport:
            delay = backoff.delay(attempt: attempt - 1, using: &generator)
        case .unusableAnswer:
            return .giveUp
        }
        guard attempt < maxAttempts else { return .giveUp }
        if let deadline, now.addingTimeInterval(delay) > deadline { return .giveUp }
        return .retry(after: delay)
    }

    /// The decision with the system's random numbers.
    package func decide(after failure: Failure, attempt: Int, now: Date = Date(), deadline: Date? = nil) -> Decision {
        var generator = SystemRandomNumberGenerator()
        return decide(after: failure, attempt: attempt, now: now, deadline: deadline, using: &generator)
    }

    /// Seconds until midnight in America/Los_Angeles, when Gemini's daily quotas reset: at least
    /// 60, at most ``maximumPause``.
    static func secondsToPacificMidnight(from now: Date) -> Double {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/Los_Angeles") ?? .gmt
        let start = calendar.startOfDay(for: now)
        let next = calendar.date(byAdding: .day, value: 1, to: start) ?? now.addingTimeInterval(86_400)
        let seconds = next.timeIntervalSince(now)
        guard seconds.isFinite else { return maximumPause }
        return min(maximumPause, max(60, seconds))
    }

    /// `seconds` when it is a usable delay (finite, not negative), else nil.
    private static func valid(_ seconds: Double?) -> Double? {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return nil }
        return seconds
    }
}
