import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilBilling
import VigilConsole
import VigilCore
import VigilStore
import VigilTestSupport

/// What the console shows: the overview page escaped, JSON values as strings, the OpenAPI document
/// matching the responses, and the `vigil tokens` commands.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct ConsoleContentTests {
    @Test func hostileClientNameIsEscapedOnTheOverviewAndAStringInJSON() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                return String(buffer: response.body)
            }
            #expect(page.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;=cmd</td>"))
            #expect(!page.contains("<script"))
            #expect(!page.contains(" style="))
            #expect(page.contains("<svg class=\"chart\""))
            #expect(
                page.contains("<td><a href=\"/clients/acme\">acme</a></td>")
                    && page.contains("<td><a href=\"/clients/other\">other</a></td>")
                    && page.contains("<td>Other Ltd</td>"))
            #expect(page.contains("href=\"/static/console.css\""))
            try await client.execute(uri: "/api/v1/clients/acme", method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)) {
                response in
                let object = try ConsoleTestFixture.object(response)
                #expect(object["name"] as? String == ConsoleTestFixture.hostileName)
            }
            try await client.execute(uri: "/static/console.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            }
        }
    }

    @Test func overviewShowsTheSignedInTokenEscaped() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let token = ConsoleSecret.newToken()
        _ = try await ConsoleTokenRepository(client: fixture.client).create(
            name: ConsoleTestFixture.hostileName, role: "viewer", client: nil, hashHex: ConsoleSecret.hashHex(token))
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get, headers: ConsoleTestFixture.bearer(token)) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;=cmd"))
                #expect(!page.contains("<script"))
            }
        }
    }

    @Test func htmlEscapesEveryInterpolation() {
        let value = "<b>\"x\" & 'y'</b>\n"
        let fragment: HTML = "<p title=\"\(value)\">\(value)</p>"
        #expect(
            fragment.rendered
                == "<p title=\"&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;\\n\">&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;\\n</p>"
        )
        let inner: HTML = "<i>\(value)</i>"
        #expect(("<p>\(inner)</p>" as HTML).rendered == "<p><i>&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;\\n</i></p>")
    }

    @Test func openAPIDocumentDescribesEveryRouteAndItsResponses() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.database.psql(
            """
            INSERT INTO invoices (client_id, month, number, kind, year, sequence, period_start, period_end, currency, provider_cost, subtotal, vat,
                                  total, document, issue_date, due_date)
            SELECT id, '2026-10', 'INV-2026-0001', 'invoice', 2026, 1, '2026-10-01', '2026-11-01', 'USD', 1, 10, 2.34, 12.34, '{}',
                   '2026-11-01', '2026-11-15'
            FROM clients WHERE code = 'acme'
            """
        )
        try await fixture.application().test(.router) { client in
            let document = try await client.execute(
                uri: "/api/v1/openapi.json", method: .get, headers: ConsoleTestFixture.bearer(fixture.admin)
            ) {
                try ConsoleTestFixture.object($0)
            }
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(Set(paths.keys) == Set(OpenAPIDocument.paths))
            let components = try #require(document["components"] as? [String: Any])
            let schemes = components["securitySchemes"] as? [String: [String: Any]]
            #expect(schemes?["bearer"]?["scheme"] as? String == "bearer")
            let schemas = try #require(components["schemas"] as? [String: [String: Any]])
            func properties(_ name: String) -> Set<String> { Set((schemas[name]?["properties"] as? [String: Any])?.keys ?? [:].keys) }
            func check(_ object: [String: Any], _ schema: String, _ route: String) {
                #expect(Set(object.keys) == properties(schema), "\(route) against \(schema)")
            }
            // Each route: its response, and the schema of its elements.
            let routes: [(String, String, String?, String?)] = [
                ("/clients", "ClientList", "clients", "Client"), ("/clients/acme", "Client", nil, nil),
                ("/cameras", "CameraList", "cameras", "Camera"), ("/cameras/till/sessions", "SessionList", "sessions", "Session"),
                ("/usage?by=client", "Usage", "rows", "UsageRow"), ("/incidents", "IncidentList", "incidents", "Incident"),
                ("/invoices", "InvoiceList", "invoices", "Invoice"), ("/budgets", "BudgetList", "budgets", "Budget"),
                ("/tokens", "TokenList", "tokens", "Token"),
            ]
            for (route, schema, list, element) in routes {
                let object = try await client.execute(
                    uri: "/api/v1" + route, method: .get, headers: ConsoleTestFixture.bearer(fixture.admin)
                ) {
                    #expect($0.status == .ok, "\(route)")
                    return try ConsoleTestFixture.object($0)
                }
                check(object, schema, route)
                if let list, let element {
                    let items = object[list] as? [[String: Any]] ?? []
                    #expect(!items.isEmpty, "\(route) has no \(list) to compare")
                    for item in items { check(item, element, route) }
                }
                if schema == "Usage", let total = object["total"] as? [String: Any] { check(total, "UsageRow", route) }
            }
            let error = try await client.execute(
                uri: "/api/v1/clients/nonesuch", method: .get, headers: ConsoleTestFixture.bearer(fixture.admin)
            ) {
                #expect($0.status == .notFound)
                return try ConsoleTestFixture.object($0)
            }
            check(error, "Error", "/clients/nonesuch")
        }
    }

    @Test func tokensCommandsCreateListAndRevoke() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let vigil = TestEnvironment.vigilExecutable
        let database = ["--database-url", fixture.database.url]
        let created = try await ProcessRunner.run(
            vigil, ["tokens", "create", "--name", "ops", "--role", "billing", "--client", "acme"] + database)
        #expect(created.status == 0, "\(created.standardError)")
        let token = created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("vgl_"))
        #expect(
            try await fixture.database.psql("SELECT encode(token_hash, 'hex') FROM console_tokens WHERE name = 'ops'")
                == ConsoleSecret.hashHex(token))
        let again = try await ProcessRunner.run(vigil, ["tokens", "create", "--name", "ops", "--role", "viewer"] + database)
        #expect(again.status == 65)
        let badRole = try await ProcessRunner.run(vigil, ["tokens", "create", "--name", "x", "--role", "root"] + database)
        #expect(badRole.status == 64)
        let noClient = try await ProcessRunner.run(
            vigil, ["tokens", "create", "--name", "x", "--role", "viewer", "--client", "nonesuch"] + database)
        #expect(noClient.status == 65)
        let listed = try await ProcessRunner.run(vigil, ["tokens", "list", "--format", "json"] + database)
        #expect(listed.status == 0)
        #expect(!listed.standardOutput.contains(token) && !listed.standardOutput.contains(ConsoleSecret.hashHex(token)))
        let rows = try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]]
        let ops = rows?.first { $0["name"] as? String == "ops" }
        #expect(ops?["role"] as? String == "billing" && ops?["client"] as? String == "acme")
        let text = try await ProcessRunner.run(vigil, ["tokens", "list"] + database)
        #expect(text.standardOutput.contains("ops") && !text.standardOutput.contains(token))
        let revoked = try await ProcessRunner.run(vigil, ["tokens", "revoke", "ops"] + database)
        #expect(revoked.status == 0)
        #expect(try await fixture.database.psql("SELECT revoked_at IS NOT NULL FROM console_tokens WHERE name = 'ops'") == "t")
        let missing = try await ProcessRunner.run(vigil, ["tokens", "revoke", "nonesuch"] + database)
        #expect(missing.status == 65)
    }

    @Test func serveAnswersOverARealSocket() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.live) { client in
            try await client.execute(uri: "/api/v1/clients", method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/clients", method: .get) { #expect($0.status == .unauthorized) }
        }
    }
}

/// `GET /api/v1/invoices/{number}` in JSON, CSV and HTML, the client's own view only.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct ConsoleInvoiceTests {
    @Test func anIssuedInvoiceInEachFormatForItsClientOnly() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let period = try #require(BillingPeriod.containing(Date(), timeZone: "UTC"))
        let invoice = try await InvoiceRepository(client: fixture.client).issue(
            for: ClientConfiguration(id: "acme", name: ConsoleTestFixture.hostileName), period: period, cameras: 1)
        let number = try #require(invoice.number)
        let otherViewer = ConsoleSecret.newToken()
        _ = try await ConsoleTokenRepository(client: fixture.client).create(
            name: "other-viewer", role: "viewer", client: "other", hashHex: ConsoleSecret.hashHex(otherViewer))
        try await fixture.application().test(.router) { client in
            let viewer = ConsoleTestFixture.bearer(fixture.viewer)
            try await client.execute(uri: "/api/v1/invoices/\(number)", method: .get, headers: viewer) { response in
                #expect(response.status == .ok)
                let object = try ConsoleTestFixture.object(response)
                #expect(object["number"] as? String == number)
                #expect(!String(buffer: response.body).contains("margin"))
            }
            try await client.execute(uri: "/api/v1/invoices/\(number).csv", method: .get, headers: viewer) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            }
            try await client.execute(uri: "/api/v1/invoices/\(number).html", method: .get, headers: viewer) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(!page.contains("<script"))
                let csp = response.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("script-src 'none'") && csp.contains("style-src 'sha256-") && !csp.contains("unsafe-inline"))
            }
            try await client.execute(
                uri: "/api/v1/invoices/\(number)", method: .get, headers: ConsoleTestFixture.bearer(fixture.acmeViewer)
            ) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/invoices/\(number)", method: .get, headers: ConsoleTestFixture.bearer(otherViewer)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/invoices", method: .get, headers: ConsoleTestFixture.bearer(otherViewer)) { response in
                let object = try ConsoleTestFixture.object(response)
                #expect((object["invoices"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/api/v1/invoices/NOPE-1", method: .get, headers: viewer) { #expect($0.status == .notFound) }
        }
    }
}
