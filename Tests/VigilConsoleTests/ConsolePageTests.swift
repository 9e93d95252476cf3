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

/// The pages (a client, a camera, the usage explorer, the invoices), the evidence pictures, the
/// invoice PDF and the billing actions.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct ConsolePageTests {
    static func page(_ client: some TestClientProtocol, _ uri: String, _ token: String, status: HTTPResponse.Status = .ok) async throws
        -> String
    {
        try await client.execute(uri: uri, method: .get, headers: ConsoleTestFixture.bearer(token)) { response in
            #expect(response.status == status, "\(uri)")
            return String(buffer: response.body)
        }
    }

    /// No markup from data, no inline style or script, the stylesheet and the nav.
    static func checkClean(_ page: String, _ uri: String) {
        #expect(!page.contains("<script"), "\(uri)")
        #expect(!page.contains(" style="), "\(uri)")
        #expect(page.contains("href=\"/static/console.css\"") && page.contains("<nav>"), "\(uri)")
    }

    /// This month beside last month, skipped samples, budget bars per client, and the cameras down
    /// (`gate`'s session ended; `till` streams), for all clients and for a client-limited token.
    @Test func overviewComparesMonthsAndShowsBudgetsAndCamerasDown() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.database.psql(
            """
            INSERT INTO api_usage (request_id, "timestamp", client_id, source_id, source_kind, model, success, status_code, cost, prompt_tokens,
                                   completion_tokens, thoughts_tokens, total_tokens, endpoint, method, duration_ms)
            SELECT 'last-month', date_trunc('month', now(), 'UTC') - interval '3 days', c.id, 'till', 'camera', 'gemini-2.5-flash', false, 500,
                   1.5, 100, 10, 40, 150, '/v1beta/models/gemini-2.5-flash:generateContent', 'POST', 800
            FROM clients c WHERE c.code = 'acme';
            INSERT INTO scene_gate_hourly (client_id, hour, source_id, source_kind, skipped, cost_avoided)
            SELECT c.id, date_trunc('month', now(), 'UTC'), 'till', 'camera', 7, 0.875 FROM clients c WHERE c.code = 'acme';
            INSERT INTO cameras (id, client_id, name, stream, enabled) SELECT 'spare', id, 'Spare', 'rtsp://cam/3', false FROM clients WHERE code = 'acme';
            """)
        try await fixture.application().test(.router) { client in
            let page = try await Self.page(client, "/", fixture.viewer)
            Self.checkClean(page, "/")
            #expect(page.contains("id=\"calls\">4<") && page.contains("id=\"last-calls\">1<"))
            #expect(page.contains("id=\"skipped\">7<") && page.contains("id=\"last-skipped\">0<"))
            #expect(page.contains("id=\"cost\"><span title=\"0.625 USD\">") && page.contains("id=\"last-cost\"><span title=\"1.5"))
            #expect(page.contains("id=\"success-rate\">100.0 %<") && page.contains("id=\"last-success-rate\">0.0 %<"))
            #expect(page.contains("id=\"p95\">–<") && !page.contains("id=\"last-p95\">–<"))
            #expect(page.components(separatedBy: "<svg class=\"budget\"").count == 3)
            let down = try #require(page.components(separatedBy: "id=\"cameras-down\"").last)
            #expect(down.contains("<a href=\"/cameras/gate\">gate</a>") && down.contains("eof"))
            #expect(!down.contains("/cameras/till") && !down.contains("/cameras/spare"))
            let limited = try await Self.page(client, "/", fixture.acmeViewer)
            #expect(limited.contains("id=\"calls\">3<") && limited.contains("Every enabled camera is streaming."))
            #expect(limited.components(separatedBy: "<svg class=\"budget\"").count == 2 && !limited.contains("Other Ltd"))
            // The API carries the same: last month's one call failed, and its latency.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let monthStart = try #require(calendar.date(from: calendar.dateComponents([.year, .month], from: Date())))
            let lastMonthStart = try #require(calendar.date(byAdding: .month, value: -1, to: monthStart))
            let day = Date.ISO8601FormatStyle().year().month().day()
            let uri = "/api/v1/usage?from=\(lastMonthStart.formatted(day))&to=\(monthStart.formatted(day))"
            try await client.execute(uri: uri, method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)) { response in
                let total = try #require(try ConsoleTestFixture.object(response)["total"] as? [String: Any])
                #expect(total["calls"] as? Int == 1 && total["success_rate"] as? Double == 0)
                #expect(total["average_latency_ms"] as? Double == 800 && (total["p95_latency_ms"] as? Double ?? 0) > 0)
            }
            // The cameras in the API say the same: till streams, gate is down since its session ended.
            try await client.execute(uri: "/api/v1/cameras", method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)) { response in
                let cameras = try #require(try ConsoleTestFixture.object(response)["cameras"] as? [[String: Any]])
                let byID = Dictionary(uniqueKeysWithValues: cameras.map { ("\($0["id"] ?? "")", $0) })
                #expect(byID["till"]?["streaming"] as? Bool == true && byID["till"]?["down_since"] is NSNull)
                #expect(byID["gate"]?["streaming"] as? Bool == false && byID["gate"]?["down_since"] is String)
                #expect(byID["gate"]?["last_error"] as? String == "eof" && byID["spare"]?["last_error"] is NSNull)
            }
            try await client.execute(uri: "/api/v1/usage", method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)) { response in
                let total = try #require(try ConsoleTestFixture.object(response)["total"] as? [String: Any])
                #expect(total["success_rate"] as? Double == 1 && total["p95_latency_ms"] is NSNull)
            }
        }
    }

    @Test func clientPageShowsCamerasBudgetIncidentsAndInvoicesEscaped() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            let page = try await Self.page(client, "/clients/acme", fixture.viewer)
            Self.checkClean(page, "/clients/acme")
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;=cmd"))
            #expect(page.contains("<a href=\"/cameras/till\">till</a>"))
            #expect(page.contains("id=\"client-calls\">3<"))
            #expect(page.contains("title=\"0.375 USD\""))
            #expect(page.contains("<svg class=\"budget\""))
            #expect(page.contains("a person at the till"))
            #expect(!page.contains("rtsp://") && !page.contains("secret"))
            _ = try await Self.page(client, "/clients/nonesuch", fixture.viewer, status: .notFound)
            _ = try await Self.page(client, "/clients/other", fixture.acmeViewer, status: .notFound)
            _ = try await Self.page(client, "/clients/acme", fixture.acmeViewer)
            let stylesheet = try await Self.page(client, "/static/console.css", fixture.viewer)
            #expect(stylesheet.contains("@media print"))
        }
    }

    @Test func cameraPageHasATimelineCallsPerDayAndIncidents() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            let page = try await Self.page(client, "/cameras/till", fixture.viewer)
            Self.checkClean(page, "/cameras/till")
            #expect(page.contains("<svg class=\"chart timeline\""))
            #expect(page.contains("<rect class=\"session open\""))
            #expect(page.contains("calls per day") || page.contains("Calls per day"))
            #expect(page.contains("<td class=\"number\">3</td>"))
            #expect(page.contains("a person at the till"))
            #expect(!page.contains("rtsp://") && !page.contains("secret"))
            _ = try await Self.page(client, "/cameras/gate", fixture.acmeViewer, status: .notFound)
            _ = try await Self.page(client, "/cameras/nonesuch", fixture.viewer, status: .notFound)
        }
    }

    @Test func usageExplorerMatchesSQLAndExportsCSV() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let from = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86400)).prefix(10)
        let to = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 86400)).prefix(10)
        let cost = try await fixture.database.psql(
            "SELECT coalesce(sum(cost) FILTER (WHERE NOT unpriced), 0) FROM api_usage WHERE \"timestamp\" >= '\(from)' AND \"timestamp\" < '\(to)'"
        )
        try await fixture.application().test(.router) { client in
            let page = try await Self.page(client, "/usage?from=\(from)&to=\(to)&by=client", fixture.viewer)
            Self.checkClean(page, "/usage")
            #expect(page.contains("id=\"usage-calls\">4<"))
            let shown = page.firstMatch(of: /id="usage-cost">([0-9.]+)</)?.1
            #expect(shown.flatMap { Decimal(string: String($0)) } == Decimal(string: cost), "\(cost)")
            #expect(page.contains("<option value=\"client\" selected>"))
            #expect(page.contains("href=\"/usage.csv?from=\(from)&amp;to=\(to)&amp;by=client\""))
            let limited = try await Self.page(client, "/usage?from=\(from)&to=\(to)&by=client", fixture.acmeViewer)
            #expect(limited.contains("id=\"usage-calls\">3<"))
            #expect(!limited.contains("<td>other</td>"))
            try await client.execute(
                uri: "/usage.csv?from=\(from)&to=\(to)&by=client", method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = String(buffer: response.body).split(whereSeparator: \.isNewline)
                #expect(lines.first?.hasPrefix("key,kind,calls") == true)
                #expect(lines.count == 4, "\(lines)")
            }
            _ = try await Self.page(client, "/usage?from=tomorrow", fixture.viewer, status: .badRequest)
            _ = try await Self.page(client, "/usage?by=week", fixture.viewer, status: .badRequest)
            // The defaults: the last 30 days by day.
            let defaults = try await Self.page(client, "/usage", fixture.viewer)
            #expect(defaults.contains("id=\"usage-calls\">4<"))
        }
    }

    @Test func evidenceIsServedByRequestIDForAnAllowedTokenOnly() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-evidence-\(UUID().uuidString)/2026-11-30")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]) + Data("JFIF".utf8) + Data([0xFF, 0xD9])
        let path = folder.appendingPathComponent("r1.jpg").path
        try jpeg.write(to: URL(fileURLWithPath: path))
        // A row whose path is not its own picture (never served), and the secret it points at.
        try await fixture.database.psql(
            """
            UPDATE analyses SET evidence_path = '\(path)' WHERE request_id = 'r1';
            UPDATE analyses SET evidence_path = '/etc/passwd' WHERE request_id = 'o1';
            """)
        try await fixture.application().test(.router) { client in
            for token in [fixture.viewer, fixture.acmeViewer] {
                try await client.execute(uri: "/evidence/r1.jpg", method: .get, headers: ConsoleTestFixture.bearer(token)) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "image/jpeg")
                    #expect(Data(buffer: response.body) == jpeg)
                }
            }
            let camera = try await Self.page(client, "/cameras/till", fixture.viewer)
            #expect(camera.contains("<img class=\"evidence\" src=\"/evidence/r1.jpg\""))
            for uri in ["/evidence/o1.jpg", "/evidence/r2.jpg", "/evidence/r1", "/evidence/..%2F..%2Fetc%2Fpasswd"] {
                _ = try await Self.page(client, uri, fixture.viewer, status: .notFound)
            }
            let otherViewer = ConsoleSecret.newToken()
            _ = try await ConsoleTokenRepository(client: fixture.client).create(
                name: "other-viewer", role: "viewer", client: "other", hashHex: ConsoleSecret.hashHex(otherViewer))
            _ = try await Self.page(client, "/evidence/r1.jpg", otherViewer, status: .notFound)
            try await client.execute(uri: "/evidence/r1.jpg", method: .get) { #expect($0.status == .seeOther) }
        }
    }

    @Test func invoicesPageDraftPreviewAndPDF() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let period = try #require(BillingPeriod.containing(Date(), timeZone: "UTC"))
        try await fixture.application().test(.router) { client in
            let list = try await Self.page(client, "/invoices?month=\(period.label)", fixture.viewer)
            Self.checkClean(list, "/invoices")
            #expect(list.contains("href=\"/invoices/draft?client=acme&amp;month=\(period.label)\""))
            #expect(!list.contains("action=\"/invoices/issue\""), "a viewer gets no issue button")
            let billingList = try await Self.page(client, "/invoices?month=\(period.label)", fixture.billing)
            #expect(billingList.contains("action=\"/invoices/issue\""))
            _ = try await Self.page(client, "/invoices?month=2026-13", fixture.viewer, status: .badRequest)
            try await client.execute(
                uri: "/invoices/draft?client=acme&month=\(period.label)", method: .get, headers: ConsoleTestFixture.bearer(fixture.viewer)
            ) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(!page.contains("<script"))
                #expect(response.headers[.contentSecurityPolicy]?.contains("style-src 'sha256-") == true)
            }
            // The client page offers this month's draft (and last month's, not issued) as HTML, PDF and CSV.
            let clientPage = try await Self.page(client, "/clients/acme", fixture.viewer)
            #expect(clientPage.contains("href=\"/invoices/draft?client=acme&amp;month=\(period.label)&amp;format=pdf\""))
            let lastMonth = try #require(BillingPeriod.containing(period.start.addingTimeInterval(-1), timeZone: "UTC"))
            #expect(clientPage.contains("href=\"/invoices/draft?client=acme&amp;month=\(lastMonth.label)\""))
            try await client.execute(
                uri: "/invoices/draft?client=acme&month=\(period.label)&format=pdf", method: .get,
                headers: ConsoleTestFixture.bearer(fixture.viewer)
            ) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/pdf")
                #expect(String(buffer: response.body).hasPrefix("%PDF-"))
                #expect(response.headers[.contentDisposition]?.contains("draft-acme-\(period.label).pdf") == true)
            }
            try await client.execute(
                uri: "/invoices/draft?client=acme&month=\(period.label)&format=csv", method: .get,
                headers: ConsoleTestFixture.bearer(fixture.viewer)
            ) { response in
                #expect(response.status == .ok && response.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(response.headers[.contentDisposition]?.contains("draft-acme-\(period.label).csv") == true)
            }
            _ = try await Self.page(
                client, "/invoices/draft?client=acme&month=\(period.label)&format=exe", fixture.viewer, status: .badRequest)
            _ = try await Self.page(client, "/invoices/draft?client=other&month=\(period.label)", fixture.acmeViewer, status: .notFound)
            _ = try await Self.page(client, "/invoices/draft?client=nonesuch&month=\(period.label)", fixture.viewer, status: .notFound)
        }
        let invoice = try await InvoiceRepository(client: fixture.client).issue(
            for: ClientConfiguration(id: "acme", name: ConsoleTestFixture.hostileName), period: period, cameras: 1)
        let number = try #require(invoice.number)
        try await fixture.application().test(.router) { client in
            let page = try await Self.page(client, "/invoices/\(number)", fixture.viewer)
            Self.checkClean(page, "/invoices/\(number)")
            #expect(page.contains("href=\"/invoices/\(number).pdf\""))
            #expect(page.contains("&lt;script&gt;alert(1)"))
            for uri in ["/api/v1/invoices/\(number).pdf", "/invoices/\(number).pdf"] {
                try await client.execute(uri: uri, method: .get, headers: ConsoleTestFixture.bearer(fixture.acmeViewer)) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/pdf")
                    #expect(String(buffer: response.body).hasPrefix("%PDF-"))
                }
            }
            let otherViewer = ConsoleSecret.newToken()
            _ = try await ConsoleTokenRepository(client: fixture.client).create(
                name: "other-viewer", role: "viewer", client: "other", hashHex: ConsoleSecret.hashHex(otherViewer))
            _ = try await Self.page(client, "/invoices/\(number).pdf", otherViewer, status: .notFound)
            _ = try await Self.page(client, "/invoices/\(number)", otherViewer, status: .notFound)
            let acme = try await Self.page(client, "/clients/acme", fixture.viewer)
            #expect(acme.contains("<a href=\"/invoices/\(number)\">\(number)</a>"))
        }
    }

    @Test func theAPIAnswersOtherMethodsWith405() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            for method in [HTTPRequest.Method.post, .put, .delete, .patch, .trace] {
                try await client.execute(uri: "/api/v1/clients", method: method, headers: ConsoleTestFixture.bearer(fixture.admin)) {
                    response in
                    #expect(response.status == .methodNotAllowed, "\(method)")
                    #expect(response.headers[.allow] == "GET, HEAD")
                    let object = try ConsoleTestFixture.object(response)
                    #expect(object["error"] is String)
                }
            }
        }
    }

    /// Logs in with `token` and returns the session cookie and the page's CSRF token.
    static func session(_ client: some TestClientProtocol, _ token: String) async throws -> (cookie: String, csrf: String) {
        let cookie = try await client.execute(
            uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "token=\(token)")
        ) { response in
            String((response.headers[.setCookie] ?? "").split(separator: ";")[0])
        }
        let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
        let csrf = try #require(page.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        return (cookie, String(csrf))
    }

    @Test func issuingAndCreditingNeedTheBillingRoleAndTheCSRFToken() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let month = try #require(BillingPeriod.containing(Date(), timeZone: "UTC")).label
        try await fixture.application().test(.router) { client in
            let issueForm = "client=acme&month=\(month)"
            func post(_ uri: String, _ body: String, _ headers: HTTPFields) async throws -> (HTTPResponse.Status, String?) {
                var headers = headers
                headers[.contentType] = "application/x-www-form-urlencoded"
                return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    ($0.status, $0.headers[.location])
                }
            }
            // A viewer is refused, by bearer or by session (even with its CSRF token).
            #expect(try await post("/invoices/issue", issueForm, ConsoleTestFixture.bearer(fixture.viewer)).0 == .forbidden)
            let viewer = try await Self.session(client, fixture.viewer)
            #expect(try await post("/invoices/issue", issueForm + "&csrf=\(viewer.csrf)", [.cookie: viewer.cookie]).0 == .forbidden)
            // A billing session without its CSRF token is refused, and nothing is issued.
            let billing = try await Self.session(client, fixture.billing)
            #expect(try await post("/invoices/issue", issueForm, [.cookie: billing.cookie]).0 == .forbidden)
            #expect(try await post("/invoices/issue", issueForm + "&csrf=wrong", [.cookie: billing.cookie]).0 == .forbidden)
            #expect(try await fixture.database.psql("SELECT count(*) FROM invoices") == "0")
            // Another client's, for a limited token: 404.
            let acmeBilling = ConsoleSecret.newToken()
            _ = try await ConsoleTokenRepository(client: fixture.client).create(
                name: "acme-billing", role: "billing", client: "acme", hashHex: ConsoleSecret.hashHex(acmeBilling))
            #expect(
                try await post("/invoices/issue", "client=other&month=\(month)", ConsoleTestFixture.bearer(acmeBilling)).0 == .notFound)
            // With it: issued, and redirected to the invoice.
            let (status, location) = try await post("/invoices/issue", issueForm + "&csrf=\(billing.csrf)", [.cookie: billing.cookie])
            #expect(status == .seeOther)
            let number = try await fixture.database.psql("SELECT number FROM invoices WHERE kind = 'invoice'")
            #expect(location == "/invoices/\(number)")
            #expect(try await fixture.database.psql("SELECT total::text FROM invoices WHERE number = '\(number)'") != "")
            // Issuing again returns the same invoice.
            #expect(try await post("/invoices/issue", issueForm, ConsoleTestFixture.bearer(fixture.billing)).1 == "/invoices/\(number)")
            #expect(try await fixture.database.psql("SELECT count(*) FROM invoices") == "1")
            // The invoice page offers the credit form to billing only.
            let page = try await client.execute(uri: "/invoices/\(number)", method: .get, headers: [.cookie: billing.cookie]) {
                String(buffer: $0.body)
            }
            #expect(page.contains("action=\"/invoices/\(number)/credit\"") && page.contains("value=\"\(billing.csrf)\""))
            #expect(try await !Self.page(client, "/invoices/\(number)", fixture.viewer).contains("/credit\""))
            // Credit: viewer 403, no CSRF 403, no reason 400, too much 409, then a partial credit.
            let credit = "/invoices/\(number)/credit"
            #expect(try await post(credit, "reason=x", ConsoleTestFixture.bearer(fixture.viewer)).0 == .forbidden)
            #expect(try await post(credit, "reason=x", [.cookie: billing.cookie]).0 == .forbidden)
            #expect(try await post(credit, "reason=&csrf=\(billing.csrf)", [.cookie: billing.cookie]).0 == .badRequest)
            #expect(try await post(credit, "reason=x&amount=100000&csrf=\(billing.csrf)", [.cookie: billing.cookie]).0 == .conflict)
            #expect(try await post("/invoices/NOPE-1/credit", "reason=x", ConsoleTestFixture.bearer(fixture.billing)).0 == .notFound)
            let (creditStatus, creditLocation) = try await post(
                credit, "reason=Camera+offline+%3Cb%3E&amount=0.10&csrf=\(billing.csrf)", [.cookie: billing.cookie])
            #expect(creditStatus == .seeOther)
            let note = try await fixture.database.psql("SELECT number FROM invoices WHERE kind = 'credit_note'")
            #expect(creditLocation == "/invoices/\(note)")
            #expect(
                try await fixture.database.psql("SELECT (total = -0.10)::text || ' ' || reason FROM invoices WHERE number = '\(note)'")
                    == "true Camera offline <b>")
            let notePage = try await Self.page(client, "/invoices/\(note)", fixture.viewer)
            #expect(notePage.contains("Camera offline &lt;b&gt;") && notePage.contains("<a href=\"/invoices/\(number)\">"))
        }
        // Without the billing configuration, nothing is issued or credited.
        try await fixture.application(billing: nil).test(.router) { client in
            for (uri, body) in [("/invoices/issue", "client=other&month=\(month)"), ("/invoices/NOPE-1/credit", "reason=x")] {
                try await client.execute(
                    uri: uri, method: .post,
                    headers: [.authorization: "Bearer \(fixture.billing)", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: body)
                ) { #expect($0.status == .serviceUnavailable, "\(uri)") }
            }
        }
        #expect(try await fixture.database.psql("SELECT count(*) FROM invoices") == "2")
    }
}
