import Testing
import VigilCore

/// `console` in the configuration: `listen` and `secure_cookies`, their defaults and errors.
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
    }

    @Test func listenAndSecureCookiesAreRead() throws {
        let console = try ConfigurationLoader.parse(Self.configuration(console: #"{"listen": "0.0.0.0:8443", "secure_cookies": true}"#))
            .console
        #expect(console.listen.listenHost == "0.0.0.0" && console.listen.listenPort == 8443)
        #expect(console.secureCookies)
    }

    @Test(arguments: [#"{"listen": "nowhere"}"#, #"{"secure_cookies": "yes"}"#, #"{"port": 1}"#])
    func mistakesAreReported(console: String) {
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.parse(Self.configuration(console: console)) }
    }
}
