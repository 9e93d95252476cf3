/// The web console and REST API of `vigil serve` (`console` in the configuration).
package struct ConsoleConfiguration: Sendable, Equatable {
    /// Address to listen on. Default `127.0.0.1:9465` (loopback only).
    package var listen: HTTPConfiguration
    /// Whether the session cookie is marked `Secure` even when served without TLS (behind a
    /// TLS-terminating proxy). Default false.
    package var secureCookies: Bool
    /// PostgreSQL connections the console keeps, so that several browsers and scripts are answered
    /// at once (each request's queries run on one of them). Default 4, 1 to 32.
    package var databaseConnections: Int

    package static let databaseConnectionsRange = 1...32

    package init(
        listen: HTTPConfiguration = HTTPConfiguration(listenHost: "127.0.0.1", listenPort: 9465), secureCookies: Bool = false,
        databaseConnections: Int = 4
    ) {
        self.listen = listen
        self.secureCookies = secureCookies
        self.databaseConnections = databaseConnections
    }

    static let keys = ["listen", "secure_cookies", "database_connections"]

    static func read(_ object: ConfigurationObject?) -> ConsoleConfiguration {
        var configuration = ConsoleConfiguration()
        guard let object else { return configuration }
        configuration.listen = HTTPConfiguration.readListen(object, default: configuration.listen)
        if let secure = object.bool("secure_cookies") { configuration.secureCookies = secure }
        if let connections = object.integer("database_connections", in: databaseConnectionsRange) {
            configuration.databaseConnections = connections
        }
        return configuration
    }
}
