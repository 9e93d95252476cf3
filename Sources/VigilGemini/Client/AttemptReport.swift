public import Foundation
public import VigilCore

/// One attempt of an analysis: what was sent when, what came back, and what it cost in tokens.
///
/// Every attempt that reached the server is reported, successful or not, so it can become exactly
/// one `api_usage` row.
public struct AttemptReport: Sendable {
    /// 1 for the first attempt, 2 for the first retry, ...
    public var attempt: Int
    public var startedAt: Date
    public var durationMilliseconds: Int
    /// The HTTP status; nil when no response came.
    public var statusCode: Int?
    /// Tokens reported (or estimated, flagged so); zero when the attempt got no usage.
    public var usage: TokenUsage
    public var finishReason: String?
    /// Whether any of the request reached the server (false for a refused connection).
    public var reachedServer: Bool
    /// The verdicts, when the attempt succeeded.
    public var verdicts: [CameraVerdict]?
    /// Why not, when it failed.
    public var failure: GeminiFailure?
    /// The answer text (or the body) of an unusable answer, kept for inspection; redacted.
    public var rawText: String?

    public var success: Bool { verdicts != nil }
}
