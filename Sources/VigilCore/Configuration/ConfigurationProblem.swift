/// One thing wrong with a configuration file: where, what, and what to do about it.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// The JSON path of the offending value, such as `cameras[2].url` (indexes count from 0).
    public var path: String
    /// The line of the file it is on, when known.
    public var line: Int?
    /// What is wrong, in a sentence without the value when the value may be secret.
    public var message: String
    /// What to do about it.
    public var hint: String

    public init(path: String, line: Int?, message: String, hint: String) {
        self.path = path
        self.line = line
        self.message = message
        self.hint = hint
    }

    /// `line 14, cameras[2].url: ... (hint: ...)`.
    public var description: String {
        let location = [line.map { "line \($0)" }, path.isEmpty ? "(top level)" : path].compactMap { $0 }.joined(separator: ", ")
        return "\(location): \(message)" + (hint.isEmpty ? "" : " — \(hint)")
    }
}
