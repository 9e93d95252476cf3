import Foundation
import VigilCore

/// Finds the Gemini API key: `GEMINI_API_KEY`, then the systemd credential `gemini_api_key`
/// (`$CREDENTIALS_DIRECTORY/gemini_api_key`, from `LoadCredential=`), then `gemini.api_key_file`.
enum GeminiKey {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The key and where it came from (never the key itself in that text).
    static func load(configuration: GeminiConfiguration) -> Result<String, Missing> {
        resolve(configuration: configuration).map(\.source)
    }

    static func resolve(configuration: GeminiConfiguration) -> Result<(key: String, source: String), Missing> {
        let environment = Environment.variables
        if let key = environment["GEMINI_API_KEY"]?.trimmingWhitespace(), !key.isEmpty {
            return .success((key, "GEMINI_API_KEY"))
        }
        if let directory = environment["CREDENTIALS_DIRECTORY"], let key = read(directory + "/gemini_api_key") {
            return .success((key, "systemd credential gemini_api_key"))
        }
        if let file = configuration.apiKeyFile {
            guard FileManager.default.fileExists(atPath: file) else {
                return .failure(Missing(description: "no API key: gemini.api_key_file \(file) does not exist"))
            }
            guard let key = read(file) else {
                return .failure(
                    Missing(
                        description:
                            "no API key: gemini.api_key_file \(file) is unreadable or empty (it must be readable by the vigil user)"))
            }
            return .success((key, file))
        }
        return .failure(Missing(description: "no API key: set GEMINI_API_KEY, a systemd credential gemini_api_key, or gemini.api_key_file"))
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let key = String(decoding: data, as: UTF8.self).trimmingWhitespace()
        return key.isEmpty ? nil : key
    }
}
