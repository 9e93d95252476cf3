import Foundation
import Testing

@testable import VigilGemini

/// Retry delays from the network are parsed strictly: anything but a finite, non-negative number of
/// seconds is "no delay given". Pure.
@Suite struct RetryDelayParserTests {
    static let valid: [(String, Double)] = [
        ("58s", 58), ("1.5s", 1.5), ("0s", 0), ("0.000000001s", 0.000_000_001), ("315576000000s", 315_576_000_000),
        ("3600s", 3600), ("007s", 7),
    ]

    static let refused = [
        "nans", "NaNs", "nan", "infs", "-infs", "inf", "1e300s", "1E3s", "-5s", "-0s", "+5s", "58", "s", "", " 58s", "58s ",
        "5.s", ".5s", "1.1234567890s", "9999999999999s", "0x10s", "5 s", "5ss", "١٢s",
    ]

    @Test(arguments: valid)
    func protobufDurationsAreSeconds(text: String, seconds: Double) {
        #expect(RetryDelayParser.protobufSeconds(text) == seconds)
        #expect(GeminiErrorBody.parseDuration(text) == seconds)
    }

    @Test(arguments: refused)
    func anythingElseIsNoDelay(text: String) {
        #expect(RetryDelayParser.protobufSeconds(text) == nil)
    }

    @Test func anErrorBodyWithAHostileDelayHasNone() throws {
        for delay in ["nans", "1e300s", "-5s", "infs"] {
            let body = #"""
                {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "details": [
                  {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": "GenerateRequestsPerDayPerProjectPerModel"}]},
                  {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "\#(delay)"}]}}
                """#
            let error = try #require(GeminiErrorBody.parse(Array(body.utf8)))
            #expect(error.retryDelaySeconds == nil, "\(delay)")
            #expect(error.isDailyQuota)
        }
    }

    static let now = Date(timeIntervalSince1970: 784_111_717)  // Sun, 06 Nov 1994 08:48:37 GMT

    static let retryAfter: [(String, Double?)] = [
        ("120", 120), ("0", 0), (" 7 ", 7), ("000000000012", 12),
        ("nan", nil), ("NaN", nil), ("-1", nil), ("1.5", nil), ("inf", nil), ("Infinity", nil), ("1e3", nil), ("", nil),
        ("9999999999999", nil), ("soon", nil), ("+5", nil), ("5 5", nil),
        // The three HTTP-date forms, 60 s after `now`.
        ("Sun, 06 Nov 1994 08:49:37 GMT", 60), ("Sunday, 06-Nov-94 08:49:37 GMT", 60), ("Sun Nov  6 08:49:37 1994", 60),
        // A date in the past means now.
        ("Sat, 05 Nov 1994 08:49:37 GMT", 0),
        // Not dates.
        ("Sun, 31 Feb 1994 08:49:37 GMT", nil), ("Sun, 06 Nov 1994 25:49:37 GMT", nil), ("Sun, 06 Nov 1994 08:49:37 PST", nil),
        ("Sun, 06 Foo 1994 08:49:37 GMT", nil), ("Sun, 6 Nov 1994 08:49:37 GMT", nil), ("Sun, 06 Nov 1994 08:49 GMT", nil),
        ("Sun, 06 Nov 99999 08:49:37 GMT", nil), ("Xyz, 06 Nov 1994 08:49:37 GMT", nil),
    ]

    @Test(arguments: retryAfter)
    func retryAfterIsSecondsOrAnHTTPDate(value: String, seconds: Double?) {
        #expect(RetryDelayParser.retryAfterSeconds(value, now: Self.now) == seconds)
    }

    @Test func aFarDateIsFiniteAndLeftForThePolicyToCap() throws {
        let seconds = try #require(RetryDelayParser.retryAfterSeconds("Fri, 31 Dec 9999 23:59:59 GMT", now: Self.now))
        #expect(seconds.isFinite && seconds > 0)
        let policy = RetryPolicy(maxAttempts: 4, backoff: .init(initial: 0.5, cap: 8, jitter: 0))
        #expect(policy.decide(after: .http(status: 429, retryDelay: seconds, dailyQuota: false), attempt: 1, now: Self.now) == .giveUp)
    }
}
