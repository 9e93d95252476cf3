/// One log event written as one line of text, as `vigil` writes it to standard error for journald:
/// `info [camera=till request_id=abc] [Till] tokens prompt=1247 ...`.
///
/// The level, then the metadata as `key=value` pairs sorted by key in brackets (left out when there
/// is none), then the message; the timestamp first when there is one. An event is always exactly
/// one line: every control character (C0, DEL, C1, U+2028, U+2029) in the message and in the
/// metadata's keys and values, nested ones included, is written visibly (`\n`, `\x1b`), so text an
/// attacker chose (a camera's name, a model's verdict, an error echoing a URL) can neither forge a
/// line nor move a terminal's cursor. The text builds no line feed of its own; the writer adds one.
package struct LogLine: Sendable, Equatable {
    /// The level as swift-log names it: `trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`.
    package var level: String
    /// The event's message, a fixed text with names interpolated (`[Till] tokens ...`).
    package var message: String
    /// The handler's and the event's metadata together.
    package var metadata: [String: LogValue]
    /// Written first, followed by a space, when not nil (the UTC time when standard error is a
    /// terminal; journald adds its own).
    package var timestamp: String?

    package init(level: String, message: String, metadata: [String: LogValue] = [:], timestamp: String? = nil) {
        self.level = level
        self.message = message
        self.metadata = metadata
        self.timestamp = timestamp
    }

    /// The line, without a line feed, with the secrets `redactor` knows replaced by `***`.
    ///
    /// Each text is redacted as it was logged, before escaping could change how a secret is written
    /// (a key holding ESC would no longer match once shown as `\x1b`); the whole line is then
    /// redacted once more, which also masks what spans a key and its value (`password=...`) and a
    /// URL password shown with an escape in it.
    package func text(redactingWith redactor: SecretRedactor = SecretRedactor()) -> String {
        let shown = { (text: String) in redactor.redact(text).escapingControlCharacters() }
        var line = timestamp.map { $0 + " " } ?? ""
        line += shown(level)
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { shown($0.key) + "=" + Self.written($0.value, redactor: redactor) }
            line += " [" + pairs.joined(separator: " ") + "]"
        }
        line += " " + shown(message)
        return redactor.redact(line)
    }

    /// A metadata value as swift-log writes it (a string as it is; a list `["a", "b"]`; a dictionary
    /// `["k": "v"]`, here with sorted keys), redacted and escaped; strings inside a list or a
    /// dictionary are quoted, with `"` and `\` escaped.
    private static func written(_ value: LogValue, redactor: SecretRedactor, nested: Bool = false) -> String {
        switch value {
        case .string(let text):
            let redacted = redactor.redact(text)
            return nested ? redacted.quotedAndEscaped() : redacted.escapingControlCharacters()
        case .array(let items):
            return "[" + items.map { written($0, redactor: redactor, nested: true) }.joined(separator: ", ") + "]"
        case .dictionary(let entries):
            guard !entries.isEmpty else { return "[:]" }
            let pairs = entries.sorted { $0.key < $1.key }.map {
                redactor.redact($0.key).quotedAndEscaped() + ": " + written($0.value, redactor: redactor, nested: true)
            }
            return "[" + pairs.joined(separator: ", ") + "]"
        }
    }
}
