import Testing
import VigilCore

/// `console` in the configuration: `listen`, `secure_cookies` and `database_connections`, their
/// defaults and errors.
struct ConsoleConfigurationTests {
    static func configuration(console: String?) -> String {
        """
        {
          \(console.map { "\"console\": \($0)," } ?? "")
          "clients": [{"id": "acme", "name": "Acme"}],
          "cameras": [{"id": "till", "name": "Till", "url": "rtsp://cam/1", "client": "acme"}]
        }
        """
    }

    @Test func defaultsWithoutAConsoleSection() throws {
        let console = try ConfigurationLoader.parse(Self.configuration(console: nil)).console
        #expect(console.listen.listen == "127.0.0.1:9465")
        #expect(console.secureCookies == false)
        #expect(console.databaseConnections == 4)
    }

    @Test func listenAndSecureCookiesAreRead() throws {
        let console = try ConfigurationLoader.parse(Self.configuration(console: #"{"listen": "0.0.0.0:8443", "secure_cookies": true}"#))
            .console
        #expect(console.listen.listenHost == "0.0.0.0" && console.listen.listenPort == 8443)
        #expect(console.secureCookies)
        let pooled = try ConfigurationLoader.parse(Self.configuration(console: #"{"database_connections": 12}"#)).console
        #expect(pooled.databaseConnections == 12)
    }

    @Test(arguments: [
        #"{"listen": "nowhere"}"#, #"{"secure_cookies": "yes"}"#, #"{"port": 1}"#,
        #"{"database_connections": 0}"#, #"{"database_connections": 33}"#, #"{"database_connections": 2.5}"#,
    ])
    func mistakesAreReported(console: String) {
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.parse(Self.configuration(console: console)) }
    }
}
