import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigilBilling
import VigilCore
import VigilHTTP
import VigilService
import VigilStore
import VigilSystemd

/// `vigil run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    /// 1 to 64 letters, digits, `-`, `_` or `.`: a node name shown in status and stored on rows.
    static func isValidNodeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the monitoring daemon (what the systemd service starts).",
        discussion: """
            Opens every configured camera, samples each group of four (tiled 2x2) and each ungrouped camera \
            every analysis.interval_seconds, asks Gemini for a verdict, and records one api_usage row per \
            call attempt. Each call is logged at info level with its tokens and cost; incidents at warning. \
            SIGTERM or SIGINT stop it cleanly (calls in flight finish, every row is written or spooled); \
            SIGHUP reloads the configuration (an invalid file is rejected and the old one stays).

            If PostgreSQL is unreachable, usage rows wait in database.spool_directory and are written when \
            it returns. Pending migrations stop the start unless --migrate is given.

            With cluster.enabled, several daemons share the configuration's sources through PostgreSQL: \
            each is a node (--node, default the host name) that analyses only the sources it leases, its \
            fair share; a node that dies is replaced within a lease. Two live nodes with one name is an \
            error at start.

            Example:
              vigil run --config /etc/vigil/config.json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Apply pending database migrations before starting instead of refusing to start.")
    var migrate = false

    @Option(help: "Seconds calls in flight may take to finish at shutdown.")
    var shutdownGrace: Double = 20

    @Option(help: ArgumentHelp("This daemon's name in a cluster (cluster.enabled); default the host name.", valueName: "NAME"))
    var node: String?

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let key: String
        switch GeminiKey.resolve(configuration: configuration.gemini) {
        case .success(let found): key = found.key
        case .failure(let missing):
            printError("vigil run: \(missing)")
            throw ExitCode(ExitStatus.invalidInput)
        }
        let (connection, databaseSecrets) = database.connection(configuration: configuration)
        let secrets = configuration.secrets + [key] + databaseSecrets
        let logger = global.bootstrapLogging(secrets: secrets)
        let registry = StatusServer.bootstrapMetrics()
        let redactor = SecretRedactor(secrets: secrets)
        let client = DatabaseClient(connectionString: connection, redactor: redactor)

        var prices = PriceBook(prices: [])
        do {
            let status = try await Migrator(client: client).status()
            if !status.isCurrent {
                guard migrate else {
                    printError(
                        "vigil run: the database schema is not current (\(status.pending.count) migration(s) pending: \(status.pending.map(\.file).joined(separator: ", "))). Run: vigil migrate --config \(global.configPath)   (or start with --migrate)"
                    )
                    throw ExitCode(ExitStatus.failure)
                }
                try await Migrator(client: client).migrate { logger.notice("\($0)") }
            }
            try await ConfigurationSync(client: client).sync(configuration)
            prices = try await PriceRepository(client: client).load()
        } catch let error as PostgresError where error.isConnectionProblem {
            logger.warning("PostgreSQL is unreachable at start; usage will be spooled until it returns", metadata: ["error": "\(error)"])
        } catch let error as MigrationError {
            printError("vigil run: \(error)")
            throw ExitCode(ExitStatus.failure)
        }

        let ledger: UsageLedger
        do {
            ledger = try UsageLedger(
                connectionString: connection, spoolDirectory: configuration.database.spoolDirectory,
                batchSize: configuration.database.batchSize,
                flushInterval: Double(configuration.database.flushIntervalMilliseconds) / 1000,
                spoolReserveBytes: UInt64(configuration.database.spoolReserveMegabytes) << 20,
                redactor: redactor, logger: logger)
        } catch {
            printError("vigil run: \(error)")
            throw ExitCode(ExitStatus.failure)
        }
        let nodeName = node ?? ProcessInfo.processInfo.hostName
        if let node, !Self.isValidNodeName(node) {
            printError(
                "vigil run: --node \"\(node.escapingControlCharacters())\" is not a valid name: use 1 to 64 letters, digits, '-', '_' or '.'"
            )
            throw ExitCode(ExitStatus.invalidInput)
        }
        var membership: ClusterMembership?
        if configuration.cluster.enabled {
            let cluster = ClusterMembership(
                repository: LeaseRepository(client: client, node: nodeName, leaseSeconds: configuration.cluster.leaseSeconds),
                configuration: configuration.cluster, sources: AnalysisPlan(configuration).sources.map(\.id),
                interval: configuration.analysis.intervalSeconds, logger: logger)
            do {
                try await cluster.join(version: Vigil.version)
            } catch let error as LeaseRepository.NameInUse {
                printError("vigil run: \(error)")
                throw ExitCode(ExitStatus.failure)
            } catch {
                printError(
                    "vigil run: cluster mode needs PostgreSQL at start, to know which sources this node may take: \(redactor.redact("\(error)"))"
                )
                throw ExitCode(ExitStatus.unavailable)
            }
            membership = cluster
        }
        let outbox = AlertOutbox(
            spoolDirectory: configuration.database.spoolDirectory, node: nodeName, client: client, logger: logger)
        let alerts = AlertCenter(configuration: configuration, outbox: outbox, logger: logger)
        let sender = AlertSender(center: alerts, logger: logger)
        let path = global.configPath
        let systemd = SystemdNotifier()
        let cameraCount = configuration.cameras.filter(\.enabled).count
        let service = MonitoringService(
            configuration: configuration, apiKey: key, ledger: ledger, database: client, prices: prices, logger: logger, alerts: alerts,
            membership: membership, shutdownGrace: shutdownGrace,
            reload: {
                do {
                    let reloaded = try ConfigurationLoader.load(path: path)
                    do { try await ConfigurationSync(client: client).sync(reloaded) } catch {
                        logger.warning("cannot sync the reloaded configuration to the database", metadata: ["error": "\(error)"])
                    }
                    return reloaded
                } catch {
                    logger.error("the new configuration is invalid; keeping the running one\n\(error)")
                    return nil
                }
            },
            ready: { systemd.ready(status: "monitoring \(cameraCount) cameras") },
            heartbeat: { systemd.watchdog() },
            heartbeatInterval: min(systemd.watchdogInterval ?? .seconds(5), .seconds(5)),
            stopping: { systemd.stopping() })
        let http = StatusServer.application(
            host: configuration.http.listenHost, port: configuration.http.listenPort, registry: registry, logger: logger,
            readiness: { service.readiness() },
            onListening: { port in
                logger.notice("serving /metrics, /healthz and /readyz", metadata: ["listen": "\(configuration.http.listenHost):\(port)"])
            })
        // Graceful shutdown runs in reverse order: the HTTP server stops first, then monitoring (its
        // calls in flight finish and are recorded), then the cluster membership (its leases are
        // released for other nodes), the alert sender (its attempts under way finish; the rest stay
        // in the outbox), and the ledger, first here, closes last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: ledger), .init(service: sender)]
        if let membership { services.append(.init(service: membership)) }
        services += [.init(service: service), .init(service: http)]
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
