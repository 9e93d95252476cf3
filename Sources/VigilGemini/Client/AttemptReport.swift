package import Foundation
package import VigilCore

/// One attempt of an analysis: what was sent when, what came back, and what it cost in tokens.
///
/// Every attempt that reached the server is reported, successful or not, so it can become exactly
/// one `api_usage` row.
package struct AttemptReport: Sendable {
    /// 1 for the first attempt, 2 for the first retry, ...
    package var attempt: Int
    package var startedAt: Date
    package var durationMilliseconds: Int
    /// The HTTP status; nil when no response came.
    package var statusCode: Int?
    /// Tokens reported (or estimated, flagged so; or refused as implausible, flagged so by
    /// ``TokenUsage/invalidReason`` with every count zero); zero when the attempt got no usage.
    package var usage: TokenUsage
    package var finishReason: String?
    /// Whether any of the request reached the server (false for a refused connection).
    package var reachedServer: Bool
    /// The verdicts, when the attempt succeeded.
    package var verdicts: [CameraVerdict]?
    /// Why not, when it failed.
    package var failure: GeminiFailure?
    /// The answer text (or the body) of an unusable answer, kept for inspection; redacted.
    package var rawText: String?
    /// The tier this attempt asked for (the one that served it is in ``usage``'s `serviceTier`).
    package var requestedTier: ServiceTier = .standard

    package var success: Bool { verdicts != nil }
}
