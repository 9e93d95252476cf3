import Foundation
import Testing
import VigilCore

@testable import VigilGemini

/// When a failed Gemini attempt is tried again, decided with no server.
@Suite struct RetryPolicyTests {
    static let policy = RetryPolicy(maxAttempts: 4, backoff: ExponentialBackoff(initial: 0.5, cap: 8, jitter: 0))
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: [500, 502, 503, 504])
    func serverErrorsBackOffUntilTheLastAttempt(status: Int) {
        let failure = RetryPolicy.Failure.http(status: status, retryDelay: nil, dailyQuota: false)
        #expect(Self.policy.decide(after: failure, attempt: 1, now: Self.now) == .retry(after: 0.5))
        #expect(Self.policy.decide(after: failure, attempt: 3, now: Self.now) == .retry(after: 2))
        #expect(Self.policy.decide(after: failure, attempt: 4, now: Self.now) == .giveUp)
    }

    @Test(arguments: [400, 401, 403, 404, 409])
    func requestErrorsAreNeverRetried(status: Int) {
        #expect(Self.policy.decide(after: .http(status: status, retryDelay: nil, dailyQuota: false), attempt: 1, now: Self.now) == .giveUp)
    }

    @Test func aRateLimitWaitsTheServersDelayUnlessItIsTooLong() {
        #expect(
            Self.policy.decide(after: .http(status: 429, retryDelay: 7, dailyQuota: false), attempt: 1, now: Self.now) == .retry(after: 7))
        #expect(Self.policy.decide(after: .http(status: 429, retryDelay: 121, dailyQuota: false), attempt: 1, now: Self.now) == .giveUp)
        #expect(
            Self.policy.decide(after: .http(status: 429, retryDelay: nil, dailyQuota: false), attempt: 2, now: Self.now) == .retry(after: 1)
        )
    }

    @Test func aDailyQuotaPausesEveryCall() {
        #expect(
            Self.policy.decide(after: .http(status: 429, retryDelay: 30, dailyQuota: true), attempt: 1, now: Self.now)
                == .pause(until: Self.now.addingTimeInterval(30)))
        // Without a delay, until midnight in California (2026-09-22 07:00 UTC is midnight PDT).
        let decision = Self.policy.decide(after: .http(status: 429, retryDelay: nil, dailyQuota: true), attempt: 1, now: Self.now)
        #expect(decision == .pause(until: Date(timeIntervalSince1970: 1_790_060_400)))
    }

    /// Midnight in California after `now` (2026-09-22 07:00 UTC is midnight PDT).
    static let nextReset = Date(timeIntervalSince1970: 1_790_060_400)

    @Test(arguments: [1e300, 86_400 * 3, .infinity, .nan, -5, 1e18])
    func aDailyQuotaPauseEndsAtTheNextResetWhateverTheServerSays(delay: Double) {
        let decision = Self.policy.decide(after: .http(status: 429, retryDelay: delay, dailyQuota: true), attempt: 1, now: Self.now)
        #expect(decision == .pause(until: Self.nextReset))
    }

    @Test func aDailyQuotaPauseNeverLastsMoreThan25Hours() {
        // Every hour of a year, through both daylight-saving changes: the pause ends at the next
        // Pacific midnight, which is never more than 25 hours (the fall-back day) away.
        let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC
        for hour in 0..<(366 * 24) {
            let now = start.addingTimeInterval(Double(hour) * 3600 + 1)
            guard
                case .pause(let until) = Self.policy.decide(
                    after: .http(status: 429, retryDelay: nil, dailyQuota: true), attempt: 1, now: now)
            else {
                Issue.record("no pause at \(now)")
                return
            }
            let seconds = until.timeIntervalSince(now)
            #expect(seconds >= 60 && seconds <= RetryPolicy.maximumPause, "\(now): \(seconds)")
        }
        // The day clocks go back in California (2026-11-01): 25 hours from its first second.
        let fallBack = Date(timeIntervalSince1970: 1_793_516_400)  // 2026-11-01 00:00 PDT
        #expect(RetryPolicy.secondsToPacificMidnight(from: fallBack) == 25 * 3600)
        #expect(RetryPolicy.maximumPause == 25 * 3600)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, -5])
    func aRateLimitWithAnUnusableDelayBacksOff(delay: Double) {
        // The delay counts as not given: the backoff's first delay, never NaN or a negative sleep.
        #expect(
            Self.policy.decide(after: .http(status: 429, retryDelay: delay, dailyQuota: false), attempt: 1, now: Self.now)
                == .retry(after: 0.5))
    }

    @Test func aRateLimitDelayAboveTheMaximumGivesUp() {
        for delay in [120.001, 1e300, 1e18] {
            #expect(
                Self.policy.decide(after: .http(status: 429, retryDelay: delay, dailyQuota: false), attempt: 1, now: Self.now) == .giveUp)
        }
        #expect(
            Self.policy.decide(after: .http(status: 429, retryDelay: 120, dailyQuota: false), attempt: 1, now: Self.now)
                == .retry(after: 120))
    }

    @Test func unusableAnswersAreNotAskedAgainAndNoAttemptStartsAfterTheDeadline() {
        #expect(Self.policy.decide(after: .unusableAnswer, attempt: 1, now: Self.now) == .giveUp)
        #expect(Self.policy.decide(after: .transport, attempt: 1, now: Self.now, deadline: Self.now.addingTimeInterval(0.4)) == .giveUp)
        #expect(
            Self.policy.decide(after: .transport, attempt: 1, now: Self.now, deadline: Self.now.addingTimeInterval(0.6))
                == .retry(after: 0.5))
    }
}
