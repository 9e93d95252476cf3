/// Where usage rows go, and where they wait while PostgreSQL is unreachable.
package struct DatabaseConfiguration: Sendable, Equatable {
    /// A libpq connection URL (`postgresql://user@host:5432/vigil`) or keyword string
    /// (`host=... dbname=...`). Nil here means: take `VIGIL_DATABASE_URL`, else libpq's `PG*`
    /// variables. May contain a password; never printed.
    package var url: String?
    /// Directory of the on-disk spool for rows that could not be written yet.
    /// Default `/var/lib/vigil/spool` (systemd's `StateDirectory=vigil`).
    package var spoolDirectory: String
    /// Most rows written in one batch. Default 500.
    package var batchSize: Int
    /// How long the writer waits to fill a batch, in milliseconds. Default 20.
    package var flushIntervalMilliseconds: Int
    /// Free space, in MiB, the spool's file system must keep for Gemini calls to be made: below it
    /// the daemon makes no call (every call must become a row), and resumes by itself when space
    /// returns. The reserve holds the rows of the calls already in flight. Default 64.
    package var spoolReserveMegabytes: Int

    package static let defaultSpoolDirectory = "/var/lib/vigil/spool"

    package init(
        url: String? = nil, spoolDirectory: String = defaultSpoolDirectory, batchSize: Int = 500, flushIntervalMilliseconds: Int = 20,
        spoolReserveMegabytes: Int = 64
    ) {
        self.url = url
        self.spoolDirectory = spoolDirectory
        self.batchSize = batchSize
        self.flushIntervalMilliseconds = flushIntervalMilliseconds
        self.spoolReserveMegabytes = spoolReserveMegabytes
    }

    static let keys = ["url", "spool_directory", "batch_size", "flush_interval_ms", "spool_reserve_mb"]

    static func read(_ object: ConfigurationObject?) -> DatabaseConfiguration {
        var result = DatabaseConfiguration()
        guard let object else { return result }
        if let url = object.string("url") {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") || url.contains("=") {
                result.url = url
            } else {
                object.reader.report(
                    object.path("url"), line: object.line("url"),
                    "is not a PostgreSQL connection URL",
                    hint: "write postgresql://USER@HOST:5432/DBNAME (keep the password in ~/.pgpass or PGPASSWORD)")
            }
        }
        if let value = object.string("spool_directory") { result.spoolDirectory = value }
        if let value = object.integer("batch_size", in: 1...50_000) { result.batchSize = value }
        if let value = object.integer("flush_interval_ms", in: 1...10_000) { result.flushIntervalMilliseconds = value }
        if let value = object.integer("spool_reserve_mb", in: 0...1_048_576) { result.spoolReserveMegabytes = value }
        return result
    }
}
