import Foundation

/// Reads a configuration file, parses it, and validates it completely.
package enum ConfigurationLoader {
    /// The file read when no `--config` is given and `VIGIL_CONFIG` is unset.
    package static let defaultPath = "/etc/vigil/config.json"

    /// The configuration path to use: the explicit one, else `VIGIL_CONFIG`, else ``defaultPath``.
    package static func path(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["VIGIL_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultPath
    }

    /// Loads and validates the file at `path`.
    ///
    /// - Throws: ``ConfigurationError`` listing every problem: a missing or unreadable file, a
    ///   syntax error (with line and column), or each invalid value with its JSON path and line.
    package static func load(path: String) throws(ConfigurationError) -> VigilConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (check its permissions)" : "does not exist"
            throw ConfigurationError(
                file: path,
                problems: [
                    ConfigurationProblem(
                        path: "", line: nil, message: "the file \(reason)",
                        hint: "pass --config FILE or set VIGIL_CONFIG; config.example.json shows every key")
                ])
        }
        return try parse(Array(data), file: path)
    }

    /// Parses and validates a document; `file` names it in the error.
    ///
    /// - Throws: ``ConfigurationError`` whose problems hold no password (those of the cameras and
    ///   the database that could be read, and any in a stream URL that could not) and no raw
    ///   control character from the file (they are escaped: `\n`, `\x1b`).
    package static func parse(_ bytes: [UInt8], file: String) throws(ConfigurationError) -> VigilConfiguration {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw ConfigurationError(
                file: file,
                problems: [
                    ConfigurationProblem(
                        path: "", line: error.line, message: "is not valid JSON: \(error.message) (column \(error.column))",
                        hint: "JSON allows no comments and no trailing commas"
                    ).escapingControlCharacters()
                ])
        }
        let reader = ConfigurationReader()
        let configuration = VigilConfiguration.read(root, reader: reader)
        if let configuration, reader.problems.isEmpty { return configuration }
        var redactor = SecretRedactor()
        for secret in configuration?.secrets ?? [] { redactor.add(secret) }
        // Secrets are removed from the text as read, then what is left is escaped.
        let problems = reader.problems.map { problem in
            var redacted = problem
            redacted.message = redactor.redact(problem.message)
            return redacted.escapingControlCharacters()
        }
        throw ConfigurationError(file: file, problems: problems)
    }

    /// Parses and validates a document held in a string.
    package static func parse(_ text: String, file: String = "<string>") throws(ConfigurationError) -> VigilConfiguration {
        try parse(Array(text.utf8), file: file)
    }
}
