import Foundation
// libFuzzer target FuzzGeminiError: what Vigil reads from a failed call and what it decides —
// `GeminiErrorBody.parse` on the body, `RetryDelayParser` on the same bytes as a protobuf duration
// and as a `Retry-After` header, then `RetryPolicy.decide` on the result, as `GeminiClient` does, and
// the conversions of the delay to a sleep (`SecondsConversion`).
//
// Run every target: `scripts/fuzz [SECONDS]` from the repository root. This one alone, once built:
//   Fuzz/.build/release/FuzzGeminiError -dict=Fuzz/Dictionaries/FuzzGeminiError.dict DIR
// where DIR is a copy of Fuzz/Corpus/FuzzGeminiError/ (libFuzzer adds the inputs it finds to it).
// Seeds: every recorded Gemini body, hostile error bodies, durations and Retry-After values.
import FuzzSupport
import VigilCore
import VigilCurl
import VigilGemini

/// libFuzzer's entry point: one input, checked. Always 0 (the input may join the corpus).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeminiError(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    GeminiErrorTarget.run(FuzzInput.bytes(data, size))
    return 0
}

/// What holds for any error body or header: a delay read from it is a finite number of seconds, zero
/// or more, or none; a retry waits a finite, non-negative time no longer than the policy allows and
/// not past the deadline; a daily-quota pause ends within 25 hours; no conversion traps.
enum GeminiErrorTarget {
    /// Clock readings to decide at: the RFC 9110 example day, the hour after US clocks go forward,
    /// the hour of 1 a.m. that repeats when they go back, and one second before Pacific midnight
    /// ahead of a leap day.
    static let nows = [784_111_717, 1_772_964_000, 1_793_521_800, 1_835_423_999].map { Date(timeIntervalSince1970: $0) }
    /// The client's default policy (4 attempts, 0.5 s doubling to 8 s with jitter, 120 s at most).
    static let policy = RetryPolicy()
    /// How far apart two readings of one instant may be after `Date` arithmetic, in seconds.
    static let tolerance = 0.001

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let body = GeminiErrorBody.parse(bytes)
        if let delay = body?.retryDelaySeconds {
            invariant(delay.isFinite && delay >= 0, "the error body's retryDelay is \(delay) s")
        }
        if let seconds = RetryDelayParser.protobufSeconds(text) {
            invariant(seconds.isFinite && seconds >= 0, "protobufSeconds gives \(seconds)")
        }
        var generator = SeededGenerator(seed: bytes)
        for now in nows {
            let retryAfter = RetryDelayParser.retryAfterSeconds(text, now: now)
            if let retryAfter {
                invariant(retryAfter.isFinite && retryAfter >= 0, "Retry-After gives \(retryAfter) s at \(now)")
            }
            // As GeminiClient does: the body's delay first, else the header's.
            let delay = body?.retryDelaySeconds ?? retryAfter
            let dailyQuota = body?.isDailyQuota ?? false
            // A daily quota pauses whatever the attempt and deadline.
            let pause = RetryPolicy.Failure.http(status: 429, retryDelay: delay, dailyQuota: true)
            check(
                policy.decide(after: pause, attempt: 1, now: now, deadline: nil, using: &generator), after: pause, now: now, deadline: nil)
            var failures: [RetryPolicy.Failure] = [
                .http(status: 429, retryDelay: delay, dailyQuota: dailyQuota), .http(status: 503, retryDelay: delay, dailyQuota: false),
                .transport,
            ]
            if let code = body?.code {
                failures.append(.http(status: code, retryDelay: delay, dailyQuota: dailyQuota))
            }
            for failure in failures {
                for attempt in [1, policy.maxAttempts - 1] {
                    for deadline in [nil, now.addingTimeInterval(30)] {
                        let decision = policy.decide(after: failure, attempt: attempt, now: now, deadline: deadline, using: &generator)
                        check(decision, after: failure, now: now, deadline: deadline)
                    }
                }
            }
        }
    }

    static func check(_ decision: RetryPolicy.Decision, after failure: RetryPolicy.Failure, now: Date, deadline: Date?) {
        switch decision {
        case .retry(let after):
            let longest = max(policy.maxRetryDelay, policy.backoff.cap)
            invariant(after.isFinite && after >= 0 && after <= longest, "\(failure) at \(now): retry after \(after) s")
            if let deadline {
                invariant(now.addingTimeInterval(after) <= deadline, "\(failure) at \(now): retry after \(after) s, past the deadline")
            }
            let milliseconds = SecondsConversion.milliseconds(after)
            invariant((0...Int(Int32.max)).contains(milliseconds), "\(after) s is \(milliseconds) ms")
            _ = SecondsConversion.duration(after, atMost: policy.maxRetryDelay)
        case .pause(let until):
            let seconds = until.timeIntervalSince(now)
            invariant(
                seconds.isFinite && seconds >= -tolerance && seconds <= RetryPolicy.maximumPause + tolerance,
                "\(failure) at \(now): pause for \(seconds) s")
            _ = SecondsConversion.duration(seconds, atMost: RetryPolicy.maximumPause)
        case .giveUp:
            break
        }
    }
}
