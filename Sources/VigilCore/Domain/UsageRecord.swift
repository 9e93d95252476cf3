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
    /// Cameras of the source (1, or 4 for a group), whether or not each had a frame.
    package var cameraCount: Int
    /// The cameras present in the image, in quadrant order: those that had a fresh frame (a dark
    /// quadrant's camera is not one). The call's cost is split over them in equal shares
    /// (`api_usage.camera_ids`, `vigil_cost_share`). Empty when unknown: a record spooled by a
    /// version before it existed (the ledger then takes a camera's own id, or a group's verdicts).
    package var cameraIDs: [String]
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

    /// The service tier the call asked for (`api_usage.requested_service_tier`).
    package var requestedTier: ServiceTier = .standard

    /// The cluster node that made the call (`vigil run --node`); nil outside cluster mode.
    package var node: String?
    /// The epoch of the node's lease on the source when the call was made (a fencing token: the
    /// ledger marks a row whose epoch a newer owner had already superseded); nil outside cluster mode.
    package var leaseEpoch: Int64?

    /// The tier that served the call, which prices it: what the response's
    /// `usageMetadata.serviceTier` said; a response that said nothing was served at standard (the
    /// API's default); a call with no response (failed, or its outcome unknown) at the tier it asked
    /// for. Nil when the response named a tier Vigil does not know: the call is then unpriced.
    package var servedTier: ServiceTier? {
        if let reported = usage.serviceTier { return ServiceTier(wire: reported) }
        return statusCode == 200 ? .standard : requestedTier
    }

    /// ``servedTier`` as stored in `api_usage.service_tier`: its name, or `unknown`.
    package var servedTierName: String { servedTier?.rawValue ?? "unknown" }

    package init(
        requestID: String? = nil, timestamp: Date, clientID: String, sourceID: String,
        sourceKind: String, endpoint: String, method: String = "POST", statusCode: Int?, model: String,
        usage: TokenUsage, success: Bool, error: String? = nil, finishReason: String? = nil, attempt: Int = 1,
        durationMilliseconds: Int, cost: Money? = nil, priceID: Int? = nil, sessionIDs: [UUID] = [],
        cameraCount: Int = 1, cameraIDs: [String] = [], imageWidth: Int? = nil, imageHeight: Int? = nil,
        verdicts: [CameraVerdict] = []
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
        self.cameraIDs = cameraIDs
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.verdicts = verdicts
    }

    private enum CodingKeys: String, CodingKey {
        case requestID, timestamp, clientID, sourceID, sourceKind, endpoint, method, statusCode, model, usage, success, error
        case finishReason, attempt, durationMilliseconds, cost, priceID, sessionIDs, cameraCount, cameraIDs, imageWidth
        case imageHeight, verdicts, outcome, requestedTier, node, leaseEpoch
    }

    /// Decodes a record, also one spooled as JSON by a version before ``cameraIDs`` existed (none:
    /// unknown).
    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            requestID: try values.decode(String.self, forKey: .requestID), timestamp: try values.decode(Date.self, forKey: .timestamp),
            clientID: try values.decode(String.self, forKey: .clientID), sourceID: try values.decode(String.self, forKey: .sourceID),
            sourceKind: try values.decode(String.self, forKey: .sourceKind), endpoint: try values.decode(String.self, forKey: .endpoint),
            method: try values.decode(String.self, forKey: .method), statusCode: try values.decodeIfPresent(Int.self, forKey: .statusCode),
            model: try values.decode(String.self, forKey: .model), usage: try values.decode(TokenUsage.self, forKey: .usage),
            success: try values.decode(Bool.self, forKey: .success), error: try values.decodeIfPresent(String.self, forKey: .error),
            finishReason: try values.decodeIfPresent(String.self, forKey: .finishReason),
            attempt: try values.decode(Int.self, forKey: .attempt),
            durationMilliseconds: try values.decode(Int.self, forKey: .durationMilliseconds),
            cost: try values.decodeIfPresent(Money.self, forKey: .cost), priceID: try values.decodeIfPresent(Int.self, forKey: .priceID),
            sessionIDs: try values.decode([UUID].self, forKey: .sessionIDs), cameraCount: try values.decode(Int.self, forKey: .cameraCount),
            cameraIDs: try values.decodeIfPresent([String].self, forKey: .cameraIDs) ?? [],
            imageWidth: try values.decodeIfPresent(Int.self, forKey: .imageWidth),
            imageHeight: try values.decodeIfPresent(Int.self, forKey: .imageHeight),
            verdicts: try values.decode([CameraVerdict].self, forKey: .verdicts))
        self.outcome = try values.decodeIfPresent(String.self, forKey: .outcome)
        self.requestedTier = try values.decodeIfPresent(ServiceTier.self, forKey: .requestedTier) ?? .standard
        self.node = try values.decodeIfPresent(String.self, forKey: .node)
        self.leaseEpoch = try values.decodeIfPresent(Int64.self, forKey: .leaseEpoch)
    }
}
