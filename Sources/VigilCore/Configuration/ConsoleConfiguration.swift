/// The web console and REST API of `vigil serve` (`console` in the configuration).
package struct ConsoleConfiguration: Sendable, Equatable {
    /// Address to listen on. Default `127.0.0.1:9465` (loopback only).
    package var listen: HTTPConfiguration
    /// Whether the session cookie is marked `Secure` even when served without TLS (behind a
    /// TLS-terminating proxy). Default false.
    package var secureCookies: Bool

    package init(listen: HTTPConfiguration = HTTPConfiguration(listenHost: "127.0.0.1", listenPort: 9465), secureCookies: Bool = false) {
        self.listen = listen
        self.secureCookies = secureCookies
    }

    static let keys = ["listen", "secure_cookies"]

    static func read(_ object: ConfigurationObject?) -> ConsoleConfiguration {
        var configuration = ConsoleConfiguration()
        guard let object else { return configuration }
        if let listen = object.string("listen") {
            if let parsed = HTTPConfiguration.parse(listen) {
                configuration.listen = parsed
            } else {
                object.reader.report(
                    object.path("listen"), line: object.line("listen"), "\"\(listen)\" is not HOST:PORT",
                    hint: "for example 127.0.0.1:9465, or [::1]:9465; port 0 picks a free one")
            }
        }
        if let secure = object.bool("secure_cookies") { configuration.secureCookies = secure }
        return configuration
    }
}
