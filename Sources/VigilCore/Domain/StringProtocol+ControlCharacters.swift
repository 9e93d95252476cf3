/// Text from data (a configuration file, the database, a camera, the command line) made safe to show
/// in a log line, a terminal or a document: Vigil's one rule for control characters.
extension StringProtocol {
    /// The text with every control character written visibly, so that a value shown in a message,
    /// a log line or a text or HTML document stays on its line and cannot forge another line or move a
    /// terminal's cursor: `\t`, `\n` and `\r`; `\xHH` for the other C0 controls, DEL and the C1
    /// controls; `\u{2028}` and `\u{2029}` for the line and paragraph separators; `\u{202e}` and the
    /// like for the bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069), which
    /// would otherwise reorder what follows them on the line ("Trojan Source").
    ///
    /// Everything else is kept as it is, backslashes included, so escaping twice changes nothing.
    package func escapingControlCharacters() -> String {
        guard unicodeScalars.contains(where: \.isShownEscaped) else { return String(self) }
        var text = ""
        for scalar in unicodeScalars {
            if scalar.isShownEscaped { text += scalar.visibleEscape } else { text.unicodeScalars.append(scalar) }
        }
        return text
    }

    /// The text in double quotes, with `"` and `\` escaped and control characters written as
    /// ``escapingControlCharacters()`` does: `"c\n1"`. For a key or an id shown in a path.
    package func quotedAndEscaped() -> String {
        var text = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case _ where scalar.isShownEscaped: text += scalar.visibleEscape
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}

private extension Unicode.Scalar {
    /// C0 controls, DEL, C1 controls, U+2028 and U+2029, and the bidirectional controls.
    var isShownEscaped: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029 || (0x202A...0x202E).contains(value)
            || (0x2066...0x2069).contains(value)
    }

    var visibleEscape: String {
        switch value {
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return "\\u{\(String(value, radix: 16))}"
        default:
            let hex = String(value, radix: 16)
            return "\\x" + (hex.count < 2 ? "0" + hex : hex)
        }
    }
}
