package import Foundation
package import Hummingbird
package import Logging
import VigilBilling
package import VigilCore
package import VigilStore

/// `vigil serve`: the web console and the REST API under `/api/v1/`, reading PostgreSQL.
///
/// Nothing but `/login` and `/static/` answers without authentication. A token limited to one
/// client sees that client only: lists leave the others out (in SQL), and another client's id is
/// 404, as if it did not exist.
package struct ConsoleServer: Sendable {
    let database: DatabaseClient
    let clients: [ClientConfiguration]
    let billing: BillingConfiguration?
    let secureCookies: Bool
    let limiter: LoginLimiter
    let logger: Logger

    /// - Parameters:
    ///   - secureCookies: mark the session cookie `Secure` (`console.secure_cookies`; the server
    ///     itself speaks plain HTTP, so TLS is a proxy's).
    ///   - limiter: failed logins per address; default 5 a minute.
    ///   - clients: the configured clients, for `/api/v1/budgets`, invoice drafts and issuing (none
    ///     without a configuration).
    ///   - billing: the configuration's `billing` (seller, terms, number prefixes) for drafts,
    ///     invoices and credit notes made here. Without it nothing is issued or credited here (a
    ///     frozen document must not get a default seller or number prefix); drafts use the defaults.
    package init(
        database: DatabaseClient, clients: [ClientConfiguration] = [], billing: BillingConfiguration? = nil,
        secureCookies: Bool, limiter: LoginLimiter = LoginLimiter(), logger: Logger
    ) {
        self.database = database
        self.clients = clients
        self.billing = billing
        self.secureCookies = secureCookies
        self.limiter = limiter
        self.logger = logger
    }

    var tokens: ConsoleTokenRepository { ConsoleTokenRepository(client: database) }

    /// Every route, behind the security-headers and authentication middleware.
    package func router() -> Router<ConsoleRequestContext> {
        let router = Router(context: ConsoleRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: AuthenticationMiddleware(tokens: tokens))
        let tokens = self.tokens
        let limiter = self.limiter
        let secureCookies = self.secureCookies
        router.get("static/console.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: ConsoleStylesheet.text)))
        }
        router.get("login") { _, _ in ConsoleResponse.html(Page.login(message: nil)) }
        router.post("login") { request, context in
            try await ConsoleSession.login(request, context: context, tokens: tokens, limiter: limiter, secureCookies: secureCookies)
        }
        router.post("logout") { request, _ in try await ConsoleSession.logout(request, tokens: tokens, secureCookies: secureCookies) }
        let database = self.database
        let overview = ConsoleOverview(database: database, clients: clients)
        router.get("/") { _, context in try await overview.response(context: context) }
        ConsoleAPI(database: database, clients: clients).register(on: router)
        ConsolePages(database: database, clients: clients, billing: billing).register(on: router)
        ConsoleTokens(tokens: tokens, catalog: ConsoleCatalog(client: database)).register(on: router)
        return router
    }

    /// The HTTP application (a `Service`) on `host:port`; `onListening` gets the bound port.
    package func application(host: String, port: Int, onListening: @escaping @Sendable (Int) -> Void = { _ in }) -> some ApplicationProtocol
    {
        Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "vigil"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) }, logger: logger)
    }
}
