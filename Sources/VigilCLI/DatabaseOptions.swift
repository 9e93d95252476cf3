import ArgumentParser
import VigilCore

/// How a subcommand finds PostgreSQL.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("PostgreSQL connection URL; overrides the configuration.",
                                            discussion: "Default: $VIGIL_DATABASE_URL, else database.url, else libpq's PG* variables.",
                                            valueName: "URL"))
    var databaseURL: String?

    /// The connection string to use: flag, then `VIGIL_DATABASE_URL`, then the configuration, then
    /// "" (libpq then reads `PGHOST`, `PGDATABASE`, ...).
    func resolve(configuration: VigilConfiguration?) -> String {
        if let databaseURL, !databaseURL.isEmpty { return databaseURL }
        if let fromEnvironment = Environment.variables["VIGIL_DATABASE_URL"], !fromEnvironment.isEmpty { return fromEnvironment }
        return configuration?.database.url ?? ""
    }
}
