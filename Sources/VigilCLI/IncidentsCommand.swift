import ArgumentParser
import Foundation
import VigilBilling
import VigilCore
import VigilStore

/// `vigil incidents`: the incidents Gemini reported, newest first.
struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "List the incidents Gemini reported, newest first.",
        discussion: """
            Every camera verdict with incident_detected over the last N days (default 7): its time, camera, \
            incident type, confidence, Gemini's description and the evidence picture kept on disk (if any). \
            Text shows one line per incident (the description escaped and cut at 200 characters); json and \
            csv give every field, the description whole, with the call's request id.

            Examples:
              vigil incidents --days 1
              vigil incidents --client acme --camera till --format json
              vigil incidents --days 30 --format csv > incidents.csv
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The last N days, up to now (1 to 3660).", valueName: "N"))
    var days: Int = 7

    @Option(help: ArgumentHelp("Only this client.", valueName: "ID"))
    var client: String?

    @Option(help: ArgumentHelp("Only this camera.", valueName: "ID"))
    var camera: String?

    @Option(help: "Output format: text, json or csv.")
    var format: ReportFormat = .text

    func validate() throws {
        guard (1...3660).contains(days) else { throw ValidationError("--days must be 1 to 3660, got \(days)") }
        guard format != .html else { throw ValidationError("--format must be text, json or csv") }
    }

    func run() async throws {
        let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
        let since = Date().addingTimeInterval(-Double(days) * 86_400)
        let rows = try await session.run("incidents") {
            try await IncidentRepository(client: session.client).list(since: since, clientID: client, cameraID: camera)
        }
        switch format {
        case .json: try emit(Self.json(rows), to: nil)
        case .csv: try emit(Self.csv(rows), to: nil)
        default: try emit(Self.text(rows, days: days, client: client, camera: camera), to: nil)
        }
    }

    /// One line per incident, every untrusted text escaped, then the total.
    static func text(_ rows: [IncidentRow], days: Int, client: String?, camera: String?) -> String {
        var text = ""
        for row in rows {
            let fields = [
                iso(row.time), row.cameraID.escapingControlCharacters(), row.incidentType.escapingControlCharacters(),
                (row.confidence ?? "-").escapingControlCharacters(), shown(row.description),
                (row.evidencePath ?? "-").escapingControlCharacters(),
            ]
            text += fields.joined(separator: "  ") + "\n"
        }
        var scope = "in the last \(days) day\(days == 1 ? "" : "s")"
        if let client { scope += " for client \(client.escapingControlCharacters())" }
        if let camera { scope += " on camera \(camera.escapingControlCharacters())" }
        return text + "\(rows.count) incident\(rows.count == 1 ? "" : "s") \(scope)\n"
    }

    /// An array of objects with snake_case keys; the confidence a JSON number written exactly as stored.
    static func json(_ rows: [IncidentRow]) -> String {
        let objects = rows.map { row in
            JSONNode.object(pairs: [
                ("time", .string(iso(row.time))), ("client", row.clientID.map(JSONNode.string) ?? .null),
                ("camera", .string(row.cameraID)), ("source", .string(row.sourceID)), ("incident_type", .string(row.incidentType)),
                ("confidence", row.confidence.map(number) ?? .null), ("description", .string(row.description)),
                ("evidence_path", row.evidencePath.map(JSONNode.string) ?? .null),
                ("quadrant", quadrantName(row.quadrant).map(JSONNode.string) ?? .null), ("request_id", .string(row.requestID)),
            ])
        }
        return JSONNode.array(objects).serializedString + "\n"
    }

    /// A header row, then one row per incident, every cell through ``CSVField`` (formula-safe).
    static func csv(_ rows: [IncidentRow]) -> String {
        var table = CSVTable(header: [
            "time", "client", "camera", "source", "incident_type", "confidence", "description", "evidence_path", "quadrant", "request_id",
        ])
        for row in rows {
            table.append([
                .text(iso(row.time)), row.clientID.map(CSVField.text) ?? .empty, .text(row.cameraID), .text(row.sourceID),
                .text(row.incidentType), row.confidence.map(CSVField.text) ?? .empty, .text(row.description),
                row.evidencePath.map(CSVField.text) ?? .empty, quadrantName(row.quadrant).map(CSVField.text) ?? .empty,
                .text(row.requestID),
            ])
        }
        return table.written
    }

    /// `top-left`, `top-right`, `bottom-left`, `bottom-right` for quadrants 0 to 3; nil otherwise.
    static func quadrantName(_ quadrant: Int?) -> String? {
        guard let quadrant, (0...3).contains(quadrant) else { return nil }
        return ["top-left", "top-right", "bottom-left", "bottom-right"][quadrant]
    }

    /// ISO 8601 in UTC, to the second: `2026-11-22T08:37:40Z`.
    static func iso(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }

    /// Untrusted text for one line of a terminal: cut at `limit` characters (with `…`), then escaped.
    static func shown(_ text: String, limit: Int = 200) -> String {
        guard text.count > limit else { return text.escapingControlCharacters() }
        return text.prefix(limit).escapingControlCharacters() + "…"
    }

    /// The stored text as a JSON number when it is one (`0.91`), else as a string (`NaN`).
    private static func number(_ text: String) -> JSONNode {
        text.wholeMatch(of: /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/) != nil ? JSONNode(.number(text), line: 0) : .string(text)
    }
}
