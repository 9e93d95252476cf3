package import Foundation
import VigilAlerts
package import VigilCore

/// The alerts Vigil raises, made from what happened: pure functions, tested without servers.
package enum AlertFactory {
    /// `top-left`, `top-right`, `bottom-left`, `bottom-right` for a group's quadrant 0 to 3.
    package static func quadrantName(_ quadrant: Int?) -> String? {
        guard let quadrant, (0...3).contains(quadrant) else { return nil }
        return ["top-left", "top-right", "bottom-left", "bottom-right"][quadrant]
    }

    /// An incident on `verdict`'s camera, from the call `requestID` at `time`.
    ///
    /// - Parameter suppressed: incidents of the same camera and type the cooldown kept back since
    ///   the last one sent.
    package static func incident(
        _ verdict: CameraVerdict, clientID: String, sourceID: String, requestID: String?, time: Date, suppressed: Int
    ) -> Alert {
        var details: [(String, JSONNode)] = [
            ("incident_type", .string(verdict.incidentType)),
            ("confidence", confidenceNode(verdict.confidence)),
            ("description", .string(verdict.description)),
            ("suppressed", .number(suppressed)),
        ]
        if let quadrant = quadrantName(verdict.quadrant) { details.append(("quadrant", .string(quadrant))) }
        if let requestID { details.append(("request_id", .string(requestID))) }
        return Alert(
            kind: .incident, clientID: clientID, cameraID: verdict.cameraID, sourceID: sourceID, time: time,
            details: .object(pairs: details), evidencePath: verdict.evidencePath)
    }

    /// A camera not live since `since`, noticed at `time`.
    package static func cameraOffline(camera: String, clientID: String, sourceID: String?, since: Date, time: Date) -> Alert {
        Alert(
            kind: .cameraOffline, clientID: clientID, cameraID: camera, sourceID: sourceID, time: time,
            details: .object(pairs: [
                ("offline_since", .string(timestamp(since))), ("offline_seconds", .number(seconds(time.timeIntervalSince(since)))),
            ]))
    }

    /// A camera live again at `time` after an outage that began at `since`.
    package static func cameraOnline(camera: String, clientID: String, sourceID: String?, since: Date, outage: TimeInterval, time: Date)
        -> Alert
    {
        Alert(
            kind: .cameraOnline, clientID: clientID, cameraID: camera, sourceID: sourceID, time: time,
            details: .object(pairs: [("offline_since", .string(timestamp(since))), ("outage_seconds", .number(seconds(outage)))]))
    }

    /// A client's month crossing a budget level (`warn_80`, `degrade`, `limit`, `resume`).
    package static func budget(clientID: String, month: String, level: String, spent: String, limit: String, currency: String, time: Date)
        -> Alert
    {
        Alert(
            kind: .budget, clientID: clientID, time: time,
            details: .object(pairs: [
                ("level", .string(level)), ("month", .string(month)), ("spent", .string(spent)), ("limit", .string(limit)),
                ("currency", .string(currency)),
            ]))
    }

    /// The alert `vigil alerts test` sends.
    package static func test(clientID: String?, time: Date) -> Alert {
        Alert(
            kind: .test, clientID: clientID, time: time,
            details: .object(pairs: [("message", .string("This is a test alert from Vigil: this channel works."))]))
    }

    /// Gemini's confidence as a JSON number when it is one (its exact text), else as text.
    static func confidenceNode(_ confidence: String?) -> JSONNode {
        guard let confidence else { return JSONNode(.null, line: 0) }
        return isJSONNumber(confidence) ? JSONNode(.number(confidence), line: 0) : .string(confidence)
    }

    /// Whether `text` is a plain JSON number (`0.91`, `1`, `-0.5`; no exponent, no leading zeros).
    static func isJSONNumber(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" { rest = rest.dropFirst() }
        let integer = rest.prefix { $0.isASCII && $0.isNumber }
        guard !integer.isEmpty, integer == "0" || integer.first != "0" else { return false }
        rest = rest.dropFirst(integer.count)
        guard !rest.isEmpty else { return true }
        guard rest.first == "." else { return false }
        let fraction = rest.dropFirst()
        return !fraction.isEmpty && fraction.count <= 30 && fraction.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `2026-11-30T10:01:02.345Z`, as the webhook's `time`.
    static func timestamp(_ date: Date) -> String { WebhookPayload.timestamp(date) }

    /// Whole seconds, never negative, never a trap.
    static func seconds(_ interval: TimeInterval) -> Int {
        guard interval.isFinite, interval > 0 else { return 0 }
        return Int(min(interval, 1e12).rounded(.down))
    }
}
