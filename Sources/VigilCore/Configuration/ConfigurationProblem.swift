/// One thing wrong with a configuration file: where, what, and what to do about it.
package struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// The JSON path of the offending value, such as `cameras[2].url` (indexes count from 0).
    package var path: String
    /// The line of the file it is on, when known.
    package var line: Int?
    /// What is wrong, in a sentence without the value when the value may be secret.
    package var message: String
    /// What to do about it.
    package var hint: String

    package init(path: String, line: Int?, message: String, hint: String) {
        self.path = path
        self.line = line
        self.message = message
        self.hint = hint
    }

    /// `line 14, cameras[2].url: ... (hint: ...)`.
    package var description: String {
        let location = [line.map { "line \($0)" }, path.isEmpty ? "(top level)" : path].compactMap { $0 }.joined(separator: ", ")
        return "\(location): \(message)" + (hint.isEmpty ? "" : " — \(hint)")
    }
}
