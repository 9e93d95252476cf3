import Foundation
import Logging
import VigilCore

/// Log lines on standard error, one per event, ready for journald: `info [camera=front-door] message`.
///
/// The line is a ``LogLine``: exactly one line whatever the message and metadata hold, control
/// characters shown escaped (`\n`, `\x1b`). No timestamp is written when stderr is not a terminal
/// (journald adds its own); with a terminal each line starts with the UTC time. Every line passes
/// through a ``SecretRedactor`` holding the configuration's secrets, the Gemini key, and any URL
/// password, as a last line of defence, before its control characters are escaped.
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
        let line = LogLine(
            level: "\(event.level)", message: "\(event.message)", metadata: merged.mapValues(Self.logValue),
            timestamp: withTimestamp ? Date().formatted(.iso8601) : nil)
        FileHandleOutput.standardError.write(line.text(redactingWith: redactor) + "\n")
    }

    /// swift-log's metadata value as ``LogLine`` takes it; a `stringConvertible` becomes its description.
    private static func logValue(_ value: Logger.Metadata.Value) -> LogValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let items): .array(items.map(logValue))
        case .dictionary(let entries): .dictionary(entries.mapValues(logValue))
        }
    }
}
