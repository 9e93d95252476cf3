/// Why a configuration could not be loaded: the file, and every problem found in it.
///
/// Its description is the message an operator sees: the file, then one problem a line (control
/// characters from the file are escaped). It never contains an RTSP or database password.
package struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The file that was read (or a label such as `<stdin>`).
    package var file: String
    /// Every problem found, in file order; never empty.
    package var problems: [ConfigurationProblem]

    package init(file: String, problems: [ConfigurationProblem]) {
        self.file = file
        self.problems = problems
    }

    package var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "configuration \(file.escapingControlCharacters()) has \(count):\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
