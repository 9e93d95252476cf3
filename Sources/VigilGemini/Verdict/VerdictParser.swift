package import VigilCore

/// Turns the model's answer text into verdicts, or says exactly why it cannot.
///
/// The answer must be JSON matching the prompt's schema: a single verdict, or one per camera id
/// for a group. Anything else is an error carrying the reason; nothing is guessed.
package enum VerdictParser {
    /// Why an answer was refused.
    package struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        package var reason: String
        package var description: String { reason }
    }

    package static func verdicts(from text: String, prompt: AnalysisPrompt, frameSizes: [String: String] = [:]) throws(Invalid)
        -> [CameraVerdict]
    {
        var body = text.trimmingWhitespace()
        if body.hasPrefix("```") {
            body = String(body.drop { $0 != "\n" }.dropFirst())
            if body.hasSuffix("```") { body = String(body.dropLast(3)) }
        }
        let root: JSONNode
        do {
            root = try JSONParser.parse(body)
        } catch {
            throw Invalid(reason: "the answer is not JSON (\(error))")
        }
        if !prompt.isGroup {
            let id = prompt.cameraIDs[0]
            return [try verdict(root, cameraID: id, quadrant: nil, frameSize: frameSizes[id], text: text)]
        }
        guard root.object != nil else { throw Invalid(reason: "the answer is not an object keyed by camera id") }
        return try prompt.cameraIDs.enumerated().map { (index, id) throws(Invalid) in
            guard let node = root[id] else { throw Invalid(reason: "the answer has no verdict for camera \(id)") }
            return try verdict(node, cameraID: id, quadrant: index, frameSize: frameSizes[id], text: text)
        }
    }

    private static func verdict(_ node: JSONNode, cameraID: String, quadrant: Int?, frameSize: String?, text: String) throws(Invalid)
        -> CameraVerdict
    {
        let context = quadrant == nil ? "" : " for camera \(cameraID)"
        guard let detected = node["incident_detected"]?.bool else {
            throw Invalid(reason: "incident_detected\(context) is missing or not true/false")
        }
        guard let type = node["incident_type"]?.string, CameraVerdict.incidentTypes.contains(type) else {
            throw Invalid(reason: "incident_type\(context) is missing or not one of \(CameraVerdict.incidentTypes.joined(separator: ", "))")
        }
        guard let confidence = node["confidence"]?.numberText, let value = Double(confidence), (0...1).contains(value) else {
            throw Invalid(reason: "confidence\(context) is missing or not a number from 0 to 1")
        }
        guard let description = node["description"]?.string else {
            throw Invalid(reason: "description\(context) is missing or not text")
        }
        if detected == (type == "none") {
            throw Invalid(reason: "incident_detected\(context) contradicts incident_type \(type)")
        }
        return CameraVerdict(
            cameraID: cameraID, quadrant: quadrant, incidentDetected: detected, incidentType: type,
            confidence: confidence, description: description, frameSize: frameSize, analysisText: text)
    }
}
