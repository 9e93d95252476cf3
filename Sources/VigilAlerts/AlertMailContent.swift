import Foundation
package import VigilCore

/// What an alert e-mail says: its subject, its plain text and its HTML, from one description of the
/// alert (a headline, facts, paragraphs) so the two bodies always say the same.
///
/// ```
/// [Vigil] Incident: theft at Till (Acme Garage)
/// [Vigil] Camera offline: Till (Acme Garage)
/// [Vigil] Camera back online: Till (Acme Garage) after 5 min 12 s
/// [Vigil] Budget: Acme Garage reached 80 %
/// [Vigil] Test alert
/// ```
///
/// Names come from the ``AlertContext`` (the ids when a name is not configured); the kind's
/// fields from ``Alert/details``, any of which may be missing or of another JSON type. Gemini's
/// text (the incident type, the description) and the names are untrusted: the plain text writes
/// their control characters visibly (``escapingControlCharacters()``), the HTML also escapes `&`,
/// `<`, `>`, `"` and `'`, and the subject is made one header line by ``MailMessage``.
package struct AlertMailContent: Sendable, Equatable {
    /// The subject, starting `[Vigil] `; it may hold any character (``MailMessage`` sanitizes it).
    package var subject: String
    /// The plain-text body, `\n` line breaks.
    package var text: String
    /// The HTML body, a whole document.
    package var html: String

    /// The most characters of a name or an incident type shown in the subject.
    static let subjectPieceLimit = 80

    /// The content of the mail for `alert`.
    ///
    /// - Parameter hasEvidence: whether the evidence picture is attached (the text says so; when
    ///   the alert has an evidence path but no picture, the text says it is no longer available).
    package init(alert: Alert, context: AlertContext, hasEvidence: Bool) {
        let description = Description(alert: alert, context: context, hasEvidence: hasEvidence)
        subject = "[Vigil] " + description.headline
        text = description.plainText
        html = description.htmlDocument(title: subject)
    }

    /// `5 min 12 s`, `42 s`, `3 h 5 min`, `2 d 4 h`.
    package static func duration(seconds: Int) -> String {
        let seconds = max(seconds, 0)
        switch seconds {
        case ..<60: return "\(seconds) s"
        case ..<3600: return seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds / 60) min \(seconds % 60) s"
        case ..<86_400:
            let minutes = seconds % 3600 / 60
            return minutes == 0 ? "\(seconds / 3600) h" : "\(seconds / 3600) h \(minutes) min"
        default:
            let hours = seconds % 86_400 / 3600
            return hours == 0 ? "\(seconds / 86_400) d" : "\(seconds / 86_400) d \(hours) h"
        }
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` written as HTML entities.
    package static func htmlEscaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

extension AlertMailContent {
    /// The alert told once: what both bodies and the subject are rendered from. Every string here
    /// is raw (unescaped) text.
    struct Description {
        var headline: String
        var facts: [(label: String, value: String)] = []
        /// Gemini's or the operator's words, shown apart from the facts.
        var quote: String?
        var paragraphs: [String] = []
        var footer: [(label: String, value: String)] = []
        var signature: String

        init(alert: Alert, context: AlertContext, hasEvidence: Bool) {
            let details = Details(alert: alert)
            let camera = context.cameraName ?? alert.cameraID ?? context.sourceName ?? alert.sourceID
            let client = context.clientName ?? alert.clientID
            let cameraShown = Self.short(camera ?? "a camera")
            let clientSuffix = client.map { " (\(Self.short($0)))" } ?? ""
            headline = ""
            signature = context.operatorName.map { "Sent by Vigil for \($0)." } ?? "Sent by Vigil."

            switch alert.kind {
            case .incident:
                let type = details.text("incident_type").map(Self.incidentTypeName)
                headline =
                    type.map { "Incident: \(Self.short($0)) at \(cameraShown)\(clientSuffix)" }
                    ?? "Incident at \(cameraShown)\(clientSuffix)"
                addPlace(alert: alert, context: context, camera: camera, client: client)
                if let quadrant = details.quadrant { facts.append(("Quadrant", quadrant)) }
                if let type { facts.append(("Type", type)) }
                if let confidence = details.text("confidence") { facts.append(("Confidence", confidence)) }
                quote = details.text("description")
                if let suppressed = details.int("suppressed"), suppressed > 0 {
                    paragraphs.append(
                        suppressed == 1
                            ? "1 similar incident was not sent during the cooldown."
                            : "\(suppressed) similar incidents were not sent during the cooldown.")
                }
            case .cameraOffline:
                headline = "Camera offline: \(cameraShown)\(clientSuffix)"
                addPlace(alert: alert, context: context, camera: camera, client: client)
                if let since = details.text("offline_since") { facts.append(("Offline since", since)) }
            case .cameraOnline:
                let outage = details.int("outage_seconds").map { AlertMailContent.duration(seconds: $0) }
                headline = "Camera back online: \(cameraShown)\(clientSuffix)" + (outage.map { " after \($0)" } ?? "")
                addPlace(alert: alert, context: context, camera: camera, client: client)
                if let since = details.text("offline_since") { facts.append(("Offline since", since)) }
                if let outage { facts.append(("Outage", outage)) }
            case .budget:
                let clientShown = Self.short(client ?? "a client")
                let level = details.text("level")
                let percent = details.percentSpent
                var line = "Budget: \(clientShown)"
                if let percent {
                    line += " reached \(percent) %"
                } else if let level {
                    line += " reached its \(Self.short(level)) level"
                }
                switch level {
                case "paused": line += ", calls paused"
                case "degraded": line += ", sampling slowed"
                default: break
                }
                headline = line
                if let client { facts.append(("Client", client)) }
                if let level { facts.append(("Level", level)) }
                let currency = details.text("currency").map { " " + $0 } ?? ""
                if let spent = details.text("spent") {
                    facts.append(("Spent", spent + currency + (percent.map { " (\($0) %)" } ?? "")))
                }
                if let limit = details.text("limit") { facts.append(("Monthly limit", limit + currency)) }
                if let month = details.text("month") { facts.append(("Month", month)) }
            case .test:
                headline = "Test alert"
                quote = details.text("message")
                paragraphs.append("This is a test of Vigil's e-mail alerts: this channel works.")
            }

            if hasEvidence {
                paragraphs.append("The picture is attached.")
            } else if alert.evidencePath != nil {
                paragraphs.append("The picture is no longer available.")
            }
            footer = [("Time", alert.time.formatted(Date.ISO8601FormatStyle())), ("Alert ID", alert.id)]
        }

        /// The camera, its client and the analysis source (when it is a group, not the camera).
        private mutating func addPlace(alert: Alert, context: AlertContext, camera: String?, client: String?) {
            if let camera { facts.append(("Camera", camera)) }
            if let client { facts.append(("Client", client)) }
            let source = context.sourceName ?? alert.sourceID
            if let source, source != camera, alert.sourceID != alert.cameraID { facts.append(("Group", source)) }
        }

        /// `fire_smoke` as `fire or smoke`; other types with their underscores as spaces.
        static func incidentTypeName(_ type: String) -> String {
            type == "fire_smoke" ? "fire or smoke" : type.replacingOccurrences(of: "_", with: " ")
        }

        /// `text`, cut to ``AlertMailContent/subjectPieceLimit`` characters (with `…`).
        static func short(_ text: String) -> String {
            text.count > subjectPieceLimit ? String(text.prefix(subjectPieceLimit - 1)) + "…" : text
        }

        var plainText: String {
            var lines = [headline.escapingControlCharacters(), ""]
            for fact in facts { lines.append("\(fact.label): \(fact.value.escapingControlCharacters())") }
            if !facts.isEmpty { lines.append("") }
            if let quote {
                lines.append(quote.escapingControlCharacters())
                lines.append("")
            }
            for paragraph in paragraphs {
                lines.append(paragraph.escapingControlCharacters())
                lines.append("")
            }
            for fact in footer { lines.append("\(fact.label): \(fact.value.escapingControlCharacters())") }
            lines.append("")
            lines.append("-- ")
            lines.append(signature.escapingControlCharacters())
            return lines.joined(separator: "\n") + "\n"
        }

        func htmlDocument(title: String) -> String {
            func escaped(_ text: String) -> String { AlertMailContent.htmlEscaped(text.escapingControlCharacters()) }
            var lines = [
                "<!DOCTYPE html>",
                "<html><head><meta charset=\"utf-8\"><title>\(escaped(title))</title></head>",
                "<body style=\"font-family: sans-serif; color: #222;\">",
                "<h2>\(escaped(headline))</h2>",
            ]
            if !facts.isEmpty {
                lines.append("<table cellpadding=\"4\" style=\"border-collapse: collapse;\">")
                for fact in facts {
                    lines.append("<tr><th align=\"left\">\(escaped(fact.label))</th><td>\(escaped(fact.value))</td></tr>")
                }
                lines.append("</table>")
            }
            if let quote { lines.append("<blockquote>\(escaped(quote))</blockquote>") }
            for paragraph in paragraphs { lines.append("<p>\(escaped(paragraph))</p>") }
            lines.append(
                "<p style=\"color: #666; font-size: small;\">"
                    + footer.map { "\(escaped($0.label)): \(escaped($0.value))" }.joined(separator: "<br>") + "</p>")
            lines.append("<p style=\"color: #666; font-size: small;\">\(escaped(signature))</p>")
            lines.append("</body></html>")
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// Reading an alert's details whatever their JSON types.
    struct Details {
        var alert: Alert

        /// A string as it is, a number as written, true/false as yes/no; nil for anything else.
        func text(_ key: String) -> String? {
            guard let node = alert.detail(key) else { return nil }
            switch node.value {
            case .string(let text): return text
            case .number(let text): return text
            case .bool(let flag): return flag ? "yes" : "no"
            default: return nil
            }
        }

        /// A whole number (also from a numeric string, or a number written with a fraction).
        func int(_ key: String) -> Int? {
            guard let node = alert.detail(key) else { return nil }
            if let value = node.int { return value }
            guard let text = text(key), let value = Double(text), value.isFinite, abs(value) < 1e15 else { return nil }
            return Int(value)
        }

        /// `top-left` for quadrant 0, ... (a quadrant given as text is shown as it is).
        var quadrant: String? {
            let names = ["top-left", "top-right", "bottom-left", "bottom-right"]
            if let index = int("quadrant") { return names.indices.contains(index) ? names[index] : String(index) }
            return text("quadrant")
        }

        /// The whole percentage of the limit spent (rounded down), when both amounts are exact decimals.
        var percentSpent: Int? {
            if let percent = int("percent") { return percent }
            guard let spentText = text("spent"), let limitText = text("limit"), let spent = Money(spentText),
                let limit = Money(limitText), limit > .zero, spent >= .zero
            else { return nil }
            let (percent, overflow) = spent.units.multipliedReportingOverflow(by: 100)
            guard !overflow else { return nil }
            let value = percent / limit.units
            return value <= Int128(Int.max) ? Int(value) : nil
        }
    }
}
