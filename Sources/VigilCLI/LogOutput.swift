import Foundation
import Logging
import VigilCore

/// Log lines on standard error, one per event, ready for journald: `info [camera=front-door] message`.
///
/// No timestamp is written when stderr is not a terminal (journald adds its own); with a terminal
/// each line starts with the UTC time. Every line passes through a ``SecretRedactor`` holding the
/// configuration's secrets, the Gemini key, and any URL password, as a last line of defence.
struct LogOutput: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let label: String
    let redactor: SecretRedactor
    let withTimestamp: Bool

    /// Installs this handler for every logger of the process. Call once, early.
    static func bootstrap(level: Logger.Level, secrets: [String]) {
        let redactor = SecretRedactor(secrets: secrets)
        let withTimestamp = isatty(2) == 1
        LoggingSystem.bootstrap { label in
            LogOutput(logLevel: level, label: label, redactor: redactor, withTimestamp: withTimestamp)
        }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = ""
        if withTimestamp {
            line += Date().formatted(.iso8601) + " "
        }
        line += "\(event.level)"
        if !merged.isEmpty {
            line += " [" + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "]"
        }
        line += " \(event.message)"
        FileHandleOutput.standardError.write(redactor.redact(line) + "\n")
    }
}
