import VigilCore

/// A Gemini error body: `{"error": {"code", "message", "status", "details": [...]}}`.
package struct GeminiErrorBody: Sendable, Equatable {
    package var code: Int?
    package var status: String?
    package var message: String?
    /// `google.rpc.RetryInfo.retryDelay` in seconds (`"58s"` → 58): finite and not negative; nil
    /// when absent or not a valid duration (`"nans"`, `"1e300s"`, `"-5s"`), see ``RetryDelayParser``.
    package var retryDelaySeconds: Double?
    /// `google.rpc.QuotaFailure` violations' quota ids.
    package var quotaIDs: [String]
    /// `google.rpc.ErrorInfo` reasons (`API_KEY_INVALID`).
    package var reasons: [String]

    /// Whether a quota that only clears at the daily reset was exceeded.
    package var isDailyQuota: Bool { quotaIDs.contains { $0.contains("PerDay") } }

    /// Parses an error body; nil when the body is not one.
    package static func parse(_ body: [UInt8]) -> GeminiErrorBody? {
        guard let root = try? JSONParser.parse(body), let error = root["error"] else { return nil }
        var result = GeminiErrorBody(
            code: error["code"]?.int, status: error["status"]?.string, message: error["message"]?.string,
            retryDelaySeconds: nil, quotaIDs: [], reasons: [])
        for detail in error["details"]?.array ?? [] {
            let type = detail["@type"]?.string ?? ""
            if type.hasSuffix("google.rpc.RetryInfo"), let delay = detail["retryDelay"]?.string {
                result.retryDelaySeconds = parseDuration(delay)
            } else if type.hasSuffix("google.rpc.QuotaFailure") {
                result.quotaIDs += (detail["violations"]?.array ?? []).compactMap { $0["quotaId"]?.string }
            } else if type.hasSuffix("google.rpc.ErrorInfo"), let reason = detail["reason"]?.string {
                result.reasons.append(reason)
            }
        }
        return result
    }

    /// A protobuf JSON duration (`"58s"`, `"1.5s"`) in seconds; nil unless it is a valid,
    /// non-negative one (``RetryDelayParser/protobufSeconds(_:)``).
    static func parseDuration(_ text: String) -> Double? {
        RetryDelayParser.protobufSeconds(text)
    }
}
