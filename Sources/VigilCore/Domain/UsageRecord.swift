package import Foundation

/// Everything recorded about one Gemini call attempt: one `api_usage` row and its verdicts.
///
/// Made once per attempt that reached the network, successful or not, and identified by
/// ``requestID``, the idempotency key: writing the same record twice leaves one row.
package struct UsageRecord: Sendable, Equatable, Codable {
    /// Unique per attempt (a time-ordered UUID, ``RequestID``); `api_usage.request_id`.
    package var requestID: String
    /// When the call started.
    package var timestamp: Date
    /// The client's configuration id (`clients.code`).
    package var clientID: String
    /// The camera or group id.
    package var sourceID: String
    /// `camera` or `group`.
    package var sourceKind: String
    /// The API path called (`/v1beta/models/gemini-2.5-flash:generateContent`).
    package var endpoint: String
    /// The HTTP method (`POST`).
    package var method: String
    /// The HTTP status, nil when no response came (timeout, connection reset).
    package var statusCode: Int?
    /// The model asked.
    package var model: String
    /// The tokens the response reported (all zero when it reported none).
    package var usage: TokenUsage
    /// Whether the call produced a valid verdict.
    package var success: Bool
    /// Why not, when it did not (redacted; no secrets).
    package var error: String?
    /// The first candidate's finish reason, or the prompt's block reason.
    package var finishReason: String?
    /// 1 for the first attempt of an analysis, 2 for its first retry, ...
    package var attempt: Int
    /// Wall time of the attempt in milliseconds.
    package var durationMilliseconds: Int
    /// Provider cost under ``priceID``; nil when the model has no price (the row is unpriced).
    package var cost: Money?
    /// The `model_prices` row used for ``cost``.
    package var priceID: Int?
    /// The stream sessions of the cameras in the image.
    package var sessionIDs: [UUID]
    /// Cameras in the image (1, or 4 for a group).
    package var cameraCount: Int
    /// The image sent.
    package var imageWidth: Int?
    package var imageHeight: Int?
    /// The verdicts, one per camera, when ``success``.
    package var verdicts: [CameraVerdict]
    /// Nil for a call whose answer (or failure) was recorded; ``unknownOutcome`` for one that went on
    /// the wire while Vigil stopped before its answer was recorded (made from its intent at the next
    /// start): usage estimated, no cost, off invoices.
    package var outcome: String?

    /// The ``outcome`` of a call whose answer was never recorded.
    package static let unknownOutcome = "unknown"

    package init(
        requestID: String? = nil, timestamp: Date, clientID: String, sourceID: String,
        sourceKind: String, endpoint: String, method: String = "POST", statusCode: Int?, model: String,
        usage: TokenUsage, success: Bool, error: String? = nil, finishReason: String? = nil, attempt: Int = 1,
        durationMilliseconds: Int, cost: Money? = nil, priceID: Int? = nil, sessionIDs: [UUID] = [],
        cameraCount: Int = 1, imageWidth: Int? = nil, imageHeight: Int? = nil, verdicts: [CameraVerdict] = []
    ) {
        self.requestID = requestID ?? RequestID.make(at: timestamp)
        self.timestamp = timestamp
        self.clientID = clientID
        self.sourceID = sourceID
        self.sourceKind = sourceKind
        self.endpoint = endpoint
        self.method = method
        self.statusCode = statusCode
        self.model = model
        self.usage = usage
        self.success = success
        self.error = error
        self.finishReason = finishReason
        self.attempt = attempt
        self.durationMilliseconds = durationMilliseconds
        self.cost = cost
        self.priceID = priceID
        self.sessionIDs = sessionIDs
        self.cameraCount = cameraCount
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.verdicts = verdicts
    }
}
