import ArgumentParser
import VigilCore

/// How a subcommand finds PostgreSQL.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "PostgreSQL connection URL; overrides the configuration.",
            discussion: "Default: $VIGIL_DATABASE_URL, else database.url, else libpq's PG* variables.",
            valueName: "URL"))
    var databaseURL: String?

    /// Whether the flag or `VIGIL_DATABASE_URL` names the database (so no configuration is needed for it).
    var isGivenDirectly: Bool {
        !(databaseURL ?? "").isEmpty || !(Environment.variables["VIGIL_DATABASE_URL"] ?? "").isEmpty
    }

    /// The connection string (see ``resolve(configuration:)``) and every secret it may carry: its
    /// password, and `PGPASSWORD`, which libpq may put in its own messages.
    func connection(configuration: VigilConfiguration?) -> (string: String, secrets: [String]) {
        let string = resolve(configuration: configuration)
        var secrets: [String] = []
        if let password = DatabasePassword.extract(from: string) { secrets.append(password) }
        if let password = Environment.variables["PGPASSWORD"], !password.isEmpty { secrets.append(password) }
        return (string, secrets)
    }

    /// The connection string to use: flag, then `VIGIL_DATABASE_URL`, then the configuration, then
    /// "" (libpq then reads `PGHOST`, `PGDATABASE`, ...).
    func resolve(configuration: VigilConfiguration?) -> String {
        if let databaseURL, !databaseURL.isEmpty { return databaseURL }
        if let fromEnvironment = Environment.variables["VIGIL_DATABASE_URL"], !fromEnvironment.isEmpty { return fromEnvironment }
        return configuration?.database.url ?? ""
    }
}
