/// One thing wrong with a configuration file: where, what, and what to do about it.
package struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// The JSON path of the offending value, such as `cameras[2].url` (indexes count from 0; a key
    /// that is empty or not a plain word is quoted, as in `clients[1].plan.""`).
    package var path: String
    /// ``path`` as an operator reads it: each list element it passes through is followed by its
    /// `id`, quoted, when the element has a string id: `cameras[2] ("yard").url`.
    package var shownPath: String
    /// The line of the file it is on, when known.
    package var line: Int?
    /// What is wrong, in a sentence without the value when the value may be secret.
    package var message: String
    /// What to do about it.
    package var hint: String

    /// A problem at `path`; `shownPath` defaults to `path`.
    package init(path: String, shownPath: String? = nil, line: Int?, message: String, hint: String) {
        self.path = path
        self.shownPath = shownPath ?? path
        self.line = line
        self.message = message
        self.hint = hint
    }

    /// This problem with control characters in every text written visibly (`\n`, `\x1b`,
    /// `\u{2028}`), so that it prints on one line whatever the file held.
    package func escapingControlCharacters() -> ConfigurationProblem {
        ConfigurationProblem(
            path: path.escapingControlCharacters(), shownPath: shownPath.escapingControlCharacters(), line: line,
            message: message.escapingControlCharacters(), hint: hint.escapingControlCharacters())
    }

    /// `line 14, cameras[2] ("yard").url: ... — ...`, always one line: control characters are escaped.
    package var description: String {
        let location = [line.map { "line \($0)" }, shownPath.isEmpty ? "(top level)" : shownPath].compactMap { $0 }.joined(separator: ", ")
        return ("\(location): \(message)" + (hint.isEmpty ? "" : " — \(hint)")).escapingControlCharacters()
    }
}
