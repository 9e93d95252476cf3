/// Which verdicts become alerts, and how often one source may alert: the operator's settings
/// (`alerts.min_confidence`, `alerts.incident_types`, `alerts.cooldown_seconds`), possibly
/// overridden for one client by `clients[].alerts`.
package struct AlertRules: Sendable, Equatable {
    /// The lowest confidence (0 to 1) a verdict must state to alert. Default 0.6.
    package var minConfidence: Double
    /// The incident types that alert, lowercase; nil alerts on every type but `none`. Never holds `none`.
    package var incidentTypes: Set<String>?
    /// Seconds after an alert during which the same camera does not alert again for the same
    /// incident type. Default 300; 0 alerts on every verdict that passes.
    package var cooldownSeconds: Int

    package static let defaultMinConfidence = 0.6
    package static let defaultCooldownSeconds = 300

    package init(
        minConfidence: Double = defaultMinConfidence, incidentTypes: Set<String>? = nil, cooldownSeconds: Int = defaultCooldownSeconds
    ) {
        self.minConfidence = minConfidence
        self.incidentTypes = incidentTypes
        self.cooldownSeconds = cooldownSeconds
    }

    /// Whether a verdict of this type and confidence alerts (the cooldown is not considered here).
    ///
    /// Never for `none`, nor for a verdict without a confidence or one below ``minConfidence``
    /// (a NaN confidence never alerts); with ``incidentTypes`` set, only for those types. The type
    /// is compared lowercased: `Theft` is `theft`.
    package func alerts(incidentType: String, confidence: Double?) -> Bool {
        let type = incidentType.lowercased()
        guard type != "none", let confidence, confidence >= minConfidence else { return false }
        if let incidentTypes, !incidentTypes.contains(type) { return false }
        return true
    }

    /// These rules with each setting the client gives replacing the operator's.
    package func overridden(by client: ClientAlertsConfiguration) -> AlertRules {
        AlertRules(
            minConfidence: client.minConfidence ?? minConfidence, incidentTypes: client.incidentTypes ?? incidentTypes,
            cooldownSeconds: client.cooldownSeconds ?? cooldownSeconds)
    }

    /// `min_confidence`, 0 to 1, if the object gives it.
    static func readMinConfidence(_ object: ConfigurationObject) -> Double? {
        object.number("min_confidence", in: 0...1)
    }

    /// `cooldown_seconds`, 0 to 86,400, if the object gives it.
    static func readCooldownSeconds(_ object: ConfigurationObject) -> Int? {
        object.integer("cooldown_seconds", in: 0...86_400)
    }

    /// `incident_types`, if the object gives it: a non-empty array of incident type names
    /// (lowercase ASCII letters, digits and `_`) among ``CameraVerdict/incidentTypes``, never `none`.
    static func readIncidentTypes(_ object: ConfigurationObject) -> Set<String>? {
        guard let nodes = object.array("incident_types") else { return nil }
        let path = object.path("incident_types")
        guard !nodes.isEmpty else {
            object.reader.report(
                path, line: object.line("incident_types"), "is empty, so nothing would ever alert",
                hint: "list the types that alert, such as [\"theft\", \"intrusion\"], or remove the key to alert on every type")
            return nil
        }
        var types: Set<String> = []
        for (index, node) in nodes.enumerated() {
            guard case .string(let type) = node.value, !type.isEmpty, type.count <= 64,
                type.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
            else {
                object.reader.report(
                    "\(path)[\(index)]", line: node.line, "is not an incident type name",
                    hint: "use 1 to 64 lowercase letters, digits or '_', as the verdicts do: \"theft\", \"break_in\"")
                continue
            }
            guard type != "none" else {
                object.reader.report(
                    "\(path)[\(index)]", line: node.line, "is \"none\", which never alerts: it is the verdict that nothing happened",
                    hint: "remove it from the list")
                continue
            }
            guard CameraVerdict.incidentTypes.contains(type) else {
                object.reader.report(
                    "\(path)[\(index)]", line: node.line, "is \"\(type)\", which is not an incident type Gemini's verdicts report",
                    hint: "use one of: \(CameraVerdict.incidentTypes.filter { $0 != "none" }.joined(separator: ", "))")
                continue
            }
            types.insert(type)
        }
        return types.isEmpty ? nil : types
    }
}
