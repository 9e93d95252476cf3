import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilConsole
import VigilCore
import VigilStore
import VigilTestSupport

/// Who may read what: tokens, roles, client limits, sessions, CSRF, the login rate limit, headers.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct ConsoleAccessTests {
    static let apiRoutes = [
        "/api/v1/openapi.json", "/api/v1/clients", "/api/v1/clients/acme", "/api/v1/cameras", "/api/v1/cameras/till/sessions",
        "/api/v1/usage", "/api/v1/incidents",
        "/api/v1/invoices", "/api/v1/budgets", "/api/v1/tokens",
    ]

    @Test func tokensAreStoredOnlyAsTheirHashAndRevokedAtOnce() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let stored = try await fixture.database.psql("SELECT encode(token_hash, 'hex') FROM console_tokens WHERE name = 'viewer'")
        #expect(stored == ConsoleSecret.hashHex(fixture.viewer))
        #expect(fixture.viewer.hasPrefix("vgl_") && fixture.viewer.count == 4 + 43)
        let everything = try await fixture.database.psql("SELECT t::text FROM console_tokens t")
        #expect(!everything.contains(fixture.viewer) && !everything.contains(String(fixture.viewer.dropFirst(4))))
        let repository = ConsoleTokenRepository(client: fixture.client)
        #expect(try await repository.create(name: "viewer", role: "viewer", client: nil, hashHex: ConsoleSecret.hashHex("x")) == nil)
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/v1/clients", method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)) { response in
                #expect(response.status == .ok)
            }
            #expect(try await repository.revoke("viewer")?.revokedAt != nil)
            try await client.execute(uri: "/api/v1/clients", method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)) { response in
                #expect(response.status == .unauthorized)
            }
        }
        #expect(try await repository.list().first { $0.name == "viewer" }?.revokedAt != nil)
        #expect(try await fixture.database.psql("SELECT count(*) FROM console_tokens WHERE last_used_at IS NOT NULL") == "1")
    }

    @Test func everyRouteNeedsAToken() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            for route in Self.apiRoutes {
                for headers: HTTPFields in [[:], ConsoleTestFixture.bearer("vgl_nottoken"), [.authorization: "Basic YTpi"]] {
                    try await client.execute(uri: route, method: .get, headers: headers) { response in
                        #expect(response.status == .unauthorized, "\(route)")
                        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                        let object = try ConsoleTestFixture.object(response)
                        #expect(object["error"] is String)
                    }
                }
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login")
            }
        }
    }

    @Test func rolesAndClientLimits() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            for (token, status) in [(fixture.viewer, HTTPResponse.Status.forbidden), (fixture.billing, .forbidden), (fixture.admin, .ok)] {
                try await client.execute(uri: "/api/v1/tokens", method: .get, headers: ConsoleTestFixture.bearer(token)) { response in
                    #expect(response.status == status)
                    if status == .ok {
                        let body = String(buffer: response.body)
                        #expect(!body.contains(fixture.viewer) && !body.contains(ConsoleSecret.hashHex(fixture.viewer)))
                    }
                }
            }
            let limited = ConsoleTestFixture.bearer(fixture.acmeViewer)
            try await client.execute(uri: "/api/v1/clients/other", method: .get, headers: limited) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/clients/nonesuch", method: .get, headers: limited) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/clients/acme", method: .get, headers: limited) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/usage?client=other", method: .get, headers: limited) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/cameras/gate/sessions", method: .get, headers: limited) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/cameras/till/sessions", method: .get, headers: limited) { response in
                let sessions = try ConsoleTestFixture.object(response)["sessions"] as? [[String: Any]]
                #expect(sessions?.compactMap { $0["id"] as? String } == ["0190d3b2-7c00-7000-8000-000000000001"])
            }
            try await client.execute(uri: "/api/v1/clients", method: .get, headers: limited) { response in
                let clients = try ConsoleTestFixture.object(response)["clients"] as? [[String: Any]]
                #expect(clients?.compactMap { $0["id"] as? String } == ["acme"])
            }
            try await client.execute(uri: "/api/v1/cameras", method: .get, headers: limited) { response in
                let cameras = try ConsoleTestFixture.object(response)["cameras"] as? [[String: Any]]
                #expect(cameras?.compactMap { $0["id"] as? String } == ["till"])
                #expect(!String(buffer: response.body).contains("secret"))
            }
            try await client.execute(uri: "/api/v1/incidents", method: .get, headers: limited) { response in
                let incidents = try ConsoleTestFixture.object(response)["incidents"] as? [[String: Any]]
                #expect(incidents?.compactMap { $0["client"] as? String } == ["acme"])
            }
            try await client.execute(uri: "/api/v1/budgets", method: .get, headers: limited) { response in
                let budgets = try ConsoleTestFixture.object(response)["budgets"] as? [[String: Any]]
                #expect(budgets?.compactMap { $0["client"] as? String } == ["acme"])
                #expect(budgets?.first?["spent"] as? String == "0.375")
                #expect(budgets?.first?["state"] as? String == "normal")
            }
            try await client.execute(uri: "/api/v1/usage?by=client", method: .get, headers: limited) { response in
                let object = try ConsoleTestFixture.object(response)
                #expect((object["total"] as? [String: Any])?["calls"] as? Int == 3)
                #expect((object["rows"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["acme"])
            }
            let cost = try await fixture.database.psql("SELECT coalesce(sum(cost) FILTER (WHERE NOT unpriced), 0) FROM api_usage")
            try await client.execute(uri: "/api/v1/usage?by=client", method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)) {
                response in
                let object = try ConsoleTestFixture.object(response)
                #expect((object["total"] as? [String: Any])?["calls"] as? Int == 4)
                let total = (object["total"] as? [String: Any])?["cost"] as? String
                #expect(total.flatMap { Decimal(string: $0) } == Decimal(string: cost), "\(cost)")
                #expect((object["rows"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["acme", "other"])
            }
        }
    }

    @Test(arguments: [
        ("/api/v1/usage?by=week", "by"), ("/api/v1/usage?from=yesterday", "from"), ("/api/v1/usage?from=2026-11-02&to=2026-11-01", "from"),
        ("/api/v1/incidents?days=0", "days"), ("/api/v1/cameras/till/sessions?days=400", "days"), ("/api/v1/incidents?days=x", "days"),
        ("/api/v1/invoices?month=2026-13", "month"),
    ])
    func badParametersAre400NamingTheParameter(uri: String, parameter: String) async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)) { response in
                #expect(response.status == .badRequest)
                let object = try ConsoleTestFixture.object(response)
                #expect((object["error"] as? String)?.contains("parameter \(parameter)") == true, "\(object)")
            }
        }
    }

    @Test func loginOpensASessionAndStateChangesNeedItsCSRFToken() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("name=\"token\""))
            }
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let cookie = try await client.execute(
                uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=\(fixture.billing)")
            ) { response in
                #expect(response.status == .seeOther)
                let setCookie = response.headers[.setCookie] ?? ""
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && !setCookie.contains("Secure"))
                return String(setCookie.split(separator: ";")[0])
            }
            #expect(try await fixture.database.psql("SELECT count(*) FROM console_sessions") == "1")
            #expect(try await !fixture.database.psql("SELECT encode(id_hash, 'hex') FROM console_sessions").contains(cookie.dropFirst(14)))
            let session: HTTPFields = [.cookie: cookie]
            let page = try await client.execute(uri: "/", method: .get, headers: session) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            try await client.execute(uri: "/api/v1/clients", method: .get, headers: session) { #expect($0.status == .ok) }
            // A state-changing request with the cookie alone (a cross-site form could send one) is refused.
            var noCSRF = session
            noCSRF[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(uri: "/logout", method: .post, headers: noCSRF, body: ByteBuffer(string: "")) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/logout", method: .post, headers: noCSRF, body: ByteBuffer(string: "csrf=wrong")) {
                #expect($0.status == .forbidden)
            }
            #expect(try await fixture.database.psql("SELECT count(*) FROM console_sessions") == "1")
            let csrf = try #require(page.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            try await client.execute(uri: "/logout", method: .post, headers: noCSRF, body: ByteBuffer(string: "csrf=\(csrf)")) { response in
                #expect(response.status == .seeOther)
            }
            #expect(try await fixture.database.psql("SELECT count(*) FROM console_sessions") == "0")
            try await client.execute(uri: "/api/v1/clients", method: .get, headers: session) { #expect($0.status == .unauthorized) }
        }
    }

    /// PostgreSQL unreachable: 503 with Retry-After on the API and the pages, a warning in the log,
    /// and the connection's password nowhere.
    @Test func anUnreachableDatabaseAnswers503WithoutThePassword() async throws {
        let log = LogCapture()
        let password = "s3cret-\(UUID().uuidString.prefix(8))"
        let database = DatabaseClient(
            connectionString: "postgresql://vigil:\(password)@127.0.0.1:\(TestEnvironment.freePort())/nowhere",
            redactor: SecretRedactor(secrets: [password]))
        let server = ConsoleServer(database: database, secureCookies: false, logger: log.logger(level: .info))
        let application = Application(router: server.router(), logger: log.logger(level: .info))
        try await application.test(.router) { client in
            for uri in ["/api/v1/usage", "/api/v1/clients", "/", "/usage"] {
                try await client.execute(
                    uri: uri, method: .get, headers: ConsoleTestFixture.bearer("vgl_" + String(repeating: "a", count: 43))
                ) { response in
                    #expect(response.status == .serviceUnavailable, "\(uri)")
                    #expect(response.headers[.retryAfter] == "5", "\(uri)")
                    #expect(!String(buffer: response.body).contains(password), "\(uri)")
                }
            }
        }
        #expect(log.lines.contains { $0.contains("database unreachable") })
        #expect(!log.lines.contains { $0.contains(password) })
    }

    /// A database that does not exist is no outage: 500 and an error in the log, not "try again".
    @Test func aRefusedConnectionIsAnErrorNotAnOutage() async throws {
        let base = try #require(TestEnvironment.databaseURL)
        let slash = try #require(base.range(of: "/", options: .backwards))
        let url = String(base[..<slash.upperBound]) + "no_such_database_here"
        let log = LogCapture()
        let server = ConsoleServer(database: DatabaseClient(connectionString: url), secureCookies: false, logger: log.logger(level: .info))
        try await Application(router: server.router(), logger: log.logger(level: .info)).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/clients", method: .get, headers: ConsoleTestFixture.bearer("vgl_" + String(repeating: "b", count: 43))
            ) { response in
                #expect(response.status == .internalServerError && response.headers[.retryAfter] == nil)
                #expect(String(buffer: response.body).contains("refused the console's connection"))
            }
        }
        #expect(log.lines.contains { $0.contains("check database.url") })
    }

    @Test func failedLoginsAreRateLimitedAndNeverLogTheToken() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let log = LogCapture()
        try await fixture.application(limiter: LoginLimiter(limit: 5, window: 60), logger: log.logger(level: .info)).test(.router) {
            client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            for attempt in 1...7 {
                try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=vgl_guess\(attempt)"))
                { response in
                    #expect(response.status == (attempt <= 5 ? .unauthorized : .tooManyRequests), "attempt \(attempt)")
                }
            }
            // Even the right token waits out the minute.
            try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=\(fixture.admin)")) {
                #expect($0.status == .tooManyRequests)
            }
        }
        let lines = log.lines
        #expect(lines.filter { $0.contains("console login failed") }.count == 5)
        #expect(lines.filter { $0.contains("too many failures") }.count == 3)
        #expect(!lines.contains { $0.contains("vgl_") || $0.contains("guess") })
    }

    @Test func limiterForgetsFailuresAfterTheWindow() {
        let limiter = LoginLimiter(limit: 2, window: 60)
        let start = Date(timeIntervalSince1970: 1_000_000)
        limiter.recordFailure("a", now: start)
        limiter.recordFailure("a", now: start.addingTimeInterval(1))
        #expect(limiter.isBlocked("a", now: start.addingTimeInterval(2)))
        #expect(!limiter.isBlocked("b", now: start.addingTimeInterval(2)))
        #expect(!limiter.isBlocked("a", now: start.addingTimeInterval(61)))
    }

    @Test func responsesCarrySecurityHeaders() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            for (uri, headers) in [
                ("/api/v1/clients", ConsoleTestFixture.bearer(fixture.viewer)), ("/", ConsoleTestFixture.bearer(fixture.viewer)),
                ("/login", [:]),
                ("/api/v1/clients", [:]), ("/api/v1/nonesuch", ConsoleTestFixture.bearer(fixture.viewer)),
            ] as [(String, HTTPFields)] {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    let csp = response.headers[.contentSecurityPolicy] ?? ""
                    #expect(
                        csp.contains("script-src 'none'") && csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"), "\(uri)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    #expect(response.headers[.consoleReferrerPolicy] == "no-referrer")
                    if uri.hasPrefix("/api/") { #expect(response.headers[.cacheControl] == "no-store") }
                }
            }
        }
    }
}
