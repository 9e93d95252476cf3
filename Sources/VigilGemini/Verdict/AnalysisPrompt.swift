package import VigilCore

/// The words and the answer schema of a request: what to look for, and which quadrant is which camera.
package struct AnalysisPrompt: Sendable {
    /// The built-in system instruction, written for retail and premises security.
    package static let defaultSystemInstruction = """
        You are a security analyst watching CCTV for shops, garages and warehouses. You are shown one \
        frame from one camera, or a 2x2 grid of frames from four cameras of the same site. For each \
        camera decide whether an incident is happening now: theft or shoplifting (concealing goods, \
        leaving without paying, taking fuel or tools), intrusion (someone where nobody should be, \
        climbing fences, forcing doors, presence after hours), violence (fighting, threatening with \
        a weapon), vandalism (damaging property, graffiti), fire or smoke, a medical emergency \
        (a person collapsed or lying still), or something else that a guard must see. Ordinary \
        activity — customers browsing, staff working, vehicles refuelling, empty scenes, weather, \
        lighting changes, animals — is not an incident. A dark or black frame means that camera has \
        no picture: report no incident for it and say "no picture". For an incident, describe it \
        concretely in one sentence (what, where in the frame, how many people); otherwise say only \
        "quiet" or a few words — output tokens are the expensive ones. Set confidence between 0 and 1. \
        Answer only with compact JSON matching the schema.
        """

    /// The system instruction sent.
    package var systemInstruction: String
    /// The text part sent after the image.
    package var userText: String
    /// The JSON schema the answer must match (`responseJsonSchema`).
    package var schema: JSONNode
    /// The camera ids answers are keyed by, in quadrant order; a single camera's id alone.
    package var cameraIDs: [String]
    /// Whether the answer is one verdict (single camera) or one per camera id (group).
    package var isGroup: Bool

    /// The prompt for a source. `missing` names cameras whose quadrant is dark (no fresh frame);
    /// `changed`, when a scene gate judged, the cameras whose scene changed since the last picture
    /// sent (a group's prompt says which quadrants changed).
    package init(source: AnalysisSource, missing: Set<String> = [], changed: Set<String>? = nil, systemInstruction: String? = nil) {
        self.systemInstruction = systemInstruction ?? Self.defaultSystemInstruction
        switch source {
        case .camera(let camera):
            isGroup = false
            cameraIDs = [camera.id]
            userText = "Camera \"\(camera.name)\" (id \(camera.id)). Is an incident happening in this frame?"
            schema = Self.verdictSchema
        case .group(_, let cameras):
            isGroup = true
            cameraIDs = cameras.map(\.id)
            let positions = ["top-left", "top-right", "bottom-left", "bottom-right"]
            var lines = ["2x2 grid, one camera per quadrant:"]
            for (index, camera) in cameras.enumerated() {
                var state = ""
                if missing.contains(camera.id) {
                    state = " (no picture)"
                } else if let changed {
                    state = changed.contains(camera.id) ? " (changed since the last look)" : " (unchanged since the last look)"
                }
                lines.append("\(positions[index]) = \(camera.id) \"\(camera.name)\"\(state)")
            }
            lines.append("One verdict per camera id; judge each quadrant alone.")
            userText = lines.joined(separator: "\n")
            let ids = JSONNode.array(cameras.map { .string($0.id) })
            schema = .object([
                "type": .string("object"),
                "properties": .object(pairs: cameras.map { ($0.id, Self.verdictSchema) }),
                "required": ids,
                "propertyOrdering": ids,
            ])
        }
    }

    /// One camera's verdict: `{incident_detected, incident_type, confidence, description}`.
    package static let verdictSchema: JSONNode = {
        let order = ["incident_detected", "incident_type", "confidence", "description"].map(JSONNode.string)
        return .object([
            "type": .string("object"),
            "properties": .object([
                "incident_detected": .object(["type": .string("boolean"), "description": .string("true when an incident is happening now")]
                ),
                "incident_type": .object([
                    "type": .string("string"), "enum": .array(CameraVerdict.incidentTypes.map(JSONNode.string)),
                    "description": .string("none when there is no incident"),
                ]),
                "confidence": .object(["type": .string("number"), "minimum": .number(0), "maximum": .number(1)]),
                "description": .object(["type": .string("string"), "description": .string("what is seen, briefly")]),
            ]),
            "required": .array(order),
            "propertyOrdering": .array(order),
        ])
    }()
}
