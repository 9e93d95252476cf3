import ArgumentParser
import Foundation
import VigilCore

/// How a subcommand finds PostgreSQL.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("PostgreSQL connection URL; overrides the configuration.",
                                            discussion: "Default: $VIGIL_DATABASE_URL, else database.url, else libpq's PG* variables.",
                                            valueName: "URL"))
    var databaseURL: String?

    /// The connection string to use: flag, then `VIGIL_DATABASE_URL`, then the configuration, then
    /// "" (libpq then reads `PGHOST`, `PGDATABASE`, ...).
    /// The connection string and the secrets it holds. Reads the configuration file only when
    /// neither the flag nor `VIGIL_DATABASE_URL` gives a URL; a missing default file is then no error.
    func connectionString(global: GlobalOptions) throws -> (string: String, secrets: [String]) {
        var configuration: VigilConfiguration?
        if (databaseURL ?? "").isEmpty && (Environment.variables["VIGIL_DATABASE_URL"] ?? "").isEmpty {
            let explicit = global.config != nil || Environment.variables["VIGIL_CONFIG"] != nil
            if explicit || FileManager.default.fileExists(atPath: global.configPath) {
                configuration = try global.loadConfiguration()
            }
        }
        let string = resolve(configuration: configuration)
        var secrets = configuration?.secrets ?? []
        if let password = DatabasePassword.extract(from: string) { secrets.append(password) }
        if let password = Environment.variables["PGPASSWORD"], !password.isEmpty { secrets.append(password) }
        return (string, secrets)
    }

    func resolve(configuration: VigilConfiguration?) -> String {
        if let databaseURL, !databaseURL.isEmpty { return databaseURL }
        if let fromEnvironment = Environment.variables["VIGIL_DATABASE_URL"], !fromEnvironment.isEmpty { return fromEnvironment }
        return configuration?.database.url ?? ""
    }
}
