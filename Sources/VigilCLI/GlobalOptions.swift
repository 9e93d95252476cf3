public import ArgumentParser
import Foundation
public import Logging
import VigilCore

/// Options every subcommand takes: where the configuration is and how much to log.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Configuration file.", discussion: "Default: $VIGIL_CONFIG, else /etc/vigil/config.json.", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "LEVEL"))
    var logLevel: Logger.Level = .info

    /// The configuration path this invocation uses.
    var configPath: String { ConfigurationLoader.path(explicit: config, environment: Environment.variables) }

    /// Loads and validates the configuration, or exits 65 after printing every problem.
    func loadConfiguration() throws -> VigilConfiguration {
        do {
            return try ConfigurationLoader.load(path: configPath)
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        }
    }

    /// The configuration when one was named (`--config`, `VIGIL_CONFIG`) or the default file exists;
    /// nil otherwise. A named or existing file that is invalid still exits 65.
    func loadConfigurationIfPresent() throws -> VigilConfiguration? {
        let named = config != nil || Environment.variables["VIGIL_CONFIG"] != nil
        guard named || FileManager.default.fileExists(atPath: configPath) else { return nil }
        return try loadConfiguration()
    }

    /// Sets up logging to stderr at the chosen level, redacting `secrets`, and returns the root logger.
    func bootstrapLogging(secrets: [String] = []) -> Logger {
        LogOutput.bootstrap(level: logLevel, secrets: secrets)
        return Logger(label: "vigil")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
