import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigilConsole
import VigilCore
import VigilStore

/// `vigil serve`: the web console and REST API, reading PostgreSQL, independent of the daemons.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web console and the REST API (/api/v1/) from the database.",
        discussion: """
            Listens on --listen, else console.listen, else 127.0.0.1:9465. Nothing is readable without a token \
            (vigil tokens create): send Authorization: Bearer vgl_..., or log in at /login once for a session cookie. \
            The API is described at /api/v1/openapi.json. Serve plain HTTP on loopback, or behind a TLS proxy with \
            console.secure_cookies true. Give --config for the clients' budgets, invoice drafts and the billing actions; \
            console.database_connections (default 4) sets how many requests read the database at once.
            """
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free one).") var listen: String?

    func validate() throws {
        if let listen, HTTPConfiguration.parse(listen) == nil {
            throw ValidationError("--listen must be HOST:PORT, for example 127.0.0.1:9465, got \(listen.quotedAndEscaped())")
        }
    }

    func run() async throws {
        // An explicit --config is read even beside --database-url: it names the clients (budgets,
        // plans for drafts), the billing section and the console's settings.
        // Reports group thousands of sessions or days over tens of thousands of rollup rows: room to
        // do it in memory (PostgreSQL's default 4MB sorted a month by session on disk, 90 ms against 64).
        let session = try DatabaseSession.open(
            global: global, database: database, needsConfiguration: global.config != nil,
            connections: { ($0?.console ?? ConsoleConfiguration()).databaseConnections }, settings: ["work_mem": "32MB"])
        let console = session.configuration?.console ?? ConsoleConfiguration()
        let address = listen.flatMap(HTTPConfiguration.parse) ?? console.listen
        let logger = Logger(label: "vigil.console")
        let server = ConsoleServer(
            database: session.client, clients: session.configuration?.clients ?? [], billing: session.configuration?.billing,
            secureCookies: console.secureCookies, logger: logger)
        let app = server.application(host: address.listenHost, port: address.listenPort) { port in
            logger.info(
                "console listening",
                metadata: ["address": "\(address.listenHost):\(port)", "database_connections": "\(session.client.connections)"])
        }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
