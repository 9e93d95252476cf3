package import Foundation

/// One camera verdict that reported an incident (an `analyses` row with `incident_detected`), as
/// `vigil incidents` lists it. Its text fields are what Gemini said and the database holds, not
/// escaped: showing them safely is the caller's job.
package struct IncidentRow: Sendable, Equatable, Encodable {
    /// When the call was made (`analyses.timestamp`).
    package var time: Date
    /// The client's configuration id (`clients.code`); nil for a row without a client.
    package var clientID: String?
    package var cameraID: String
    /// The analysis source (the camera, or its group of four) the call was made for.
    package var sourceID: String
    /// One of `CameraVerdict.incidentTypes`, as stored.
    package var incidentType: String
    /// The model's confidence as PostgreSQL's exact text of the NUMERIC (`0.91`), nil when absent.
    package var confidence: String?
    package var description: String
    /// The evidence JPEG kept on disk for the verdict, if one was.
    package var evidencePath: String?
    /// 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right; nil for a camera analysed alone.
    package var quadrant: Int?
    /// The call's request id (`api_usage.request_id`).
    package var requestID: String
    /// The model the call asked (`api_usage.model`), if recorded.
    package var model: String?

    package init(
        time: Date, clientID: String?, cameraID: String, sourceID: String, incidentType: String, confidence: String?,
        description: String, evidencePath: String?, quadrant: Int?, requestID: String, model: String? = nil
    ) {
        self.time = time
        self.clientID = clientID
        self.cameraID = cameraID
        self.sourceID = sourceID
        self.incidentType = incidentType
        self.confidence = confidence
        self.description = description
        self.evidencePath = evidencePath
        self.quadrant = quadrant
        self.requestID = requestID
        self.model = model
    }

    enum CodingKeys: String, CodingKey {
        case time, model, quadrant, confidence, description
        case clientID = "client"
        case cameraID = "camera"
        case sourceID = "source"
        case incidentType = "incident_type"
        case evidencePath = "evidence_path"
        case requestID = "request_id"
    }

    /// Snake-case keys; an absent value is written as `null`, not left out.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(time, forKey: .time)
        try container.encode(clientID, forKey: .clientID)
        try container.encode(cameraID, forKey: .cameraID)
        try container.encode(sourceID, forKey: .sourceID)
        try container.encode(incidentType, forKey: .incidentType)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(description, forKey: .description)
        try container.encode(evidencePath, forKey: .evidencePath)
        try container.encode(quadrant, forKey: .quadrant)
        try container.encode(requestID, forKey: .requestID)
        try container.encode(model, forKey: .model)
    }
}
