import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilConsole
import VigilStore
import VigilTestSupport

/// `/tokens`: an admin of every client makes, lists and revokes tokens in the browser; nobody else
/// may, and a new token is shown once and stored only as its hash.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct ConsoleTokensPageTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func post(_ client: some TestClientProtocol, _ uri: String, _ body: String, token: String) async throws -> (
        status: HTTPResponse.Status, body: String
    ) {
        var headers = ConsoleTestFixture.bearer(token)
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status, String(buffer: response.body))
        }
    }

    @Test func anAdminMakesAToken() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let log = LogCapture()
        try await fixture.application(logger: log.logger(level: .info)).test(.router) { client in
            let page = try await ConsolePageTests.page(client, "/tokens", fixture.admin)
            ConsolePageTests.checkClean(page, "/tokens")
            #expect(page.contains("<td>acme-viewer</td>") && page.contains("action=\"/tokens\""))
            #expect(!page.contains("vgl_"), "no token on the list")
            let made = try await Self.post(client, "/tokens", "name=shop+staff&role=viewer&client=acme", token: fixture.admin)
            #expect(made.status == .ok)
            let secret = try #require(made.body.firstMatch(of: /id="new-token">(vgl_[A-Za-z0-9_-]+)</)?.1).description
            // The new token works at once, with its role and client, and the database holds its hash only.
            try await client.execute(uri: "/api/v1/clients", method: .get, headers: ConsoleTestFixture.bearer(secret)) { response in
                #expect(response.status == .ok)
                let clients = try ConsoleTestFixture.object(response)["clients"] as? [[String: Any]]
                #expect(clients?.compactMap { $0["id"] as? String } == ["acme"])
            }
            #expect(
                try await fixture.database.psql("SELECT role || '|' || client_code FROM console_tokens WHERE name = 'shop staff'")
                    == "viewer|acme")
            #expect(
                try await fixture.database.psql("SELECT encode(token_hash, 'hex') FROM console_tokens WHERE name = 'shop staff'")
                    == ConsoleSecret.hashHex(secret)
            )
            // The list after it no longer shows the token.
            #expect(try await !ConsolePageTests.page(client, "/tokens", fixture.admin).contains(secret))
        }
        #expect(log.lines.contains { $0.contains("console created a token") })
        #expect(!log.lines.contains { $0.contains("vgl_") })
    }

    @Test func mistakesAreRefusedWithTheReason() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            for (body, reason) in [
                ("name=x&role=root", "role must be viewer, billing or admin"), ("name=+&role=viewer", "name must be 1 to 100"),
                ("name=viewer&role=viewer", "exists already"), ("name=y&role=viewer&client=nonesuch", "no client has id nonesuch"),
                ("name=a%0Ab&role=viewer", "control characters"), ("name=123&role=viewer", "digits alone"),
            ] {
                let answer = try await Self.post(client, "/tokens", body, token: fixture.admin)
                #expect(answer.status == .badRequest, "\(body)")
                #expect(answer.body.contains(reason), "\(body): \(answer.body)")
                #expect(!answer.body.contains("id=\"new-token\""), "\(body)")
            }
            #expect(try await fixture.database.psql("SELECT count(*) FROM console_tokens") == "4")
        }
    }

    @Test func onlyAnAdminOfEveryClientManagesTokens() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let acmeAdmin = ConsoleSecret.newToken()
        _ = try await ConsoleTokenRepository(client: fixture.client).create(
            name: "acme-admin", role: "admin", client: "acme", hashHex: ConsoleSecret.hashHex(acmeAdmin))
        try await fixture.application().test(.router) { client in
            for token in [fixture.viewer, fixture.billing, fixture.acmeViewer, acmeAdmin] {
                _ = try await ConsolePageTests.page(client, "/tokens", token, status: .forbidden)
                #expect(try await Self.post(client, "/tokens", "name=sneaky&role=admin", token: token).status == .forbidden)
                #expect(try await Self.post(client, "/tokens/1/revoke", "", token: token).status == .forbidden)
                try await client.execute(uri: "/api/v1/tokens", method: .get, headers: ConsoleTestFixture.bearer(token)) {
                    #expect($0.status == .forbidden)
                }
            }
            #expect(
                try await fixture.database.psql("SELECT count(*) FROM console_tokens WHERE name = 'sneaky' OR revoked_at IS NOT NULL")
                    == "0")
            // Only the admin's pages link to the tokens.
            #expect(try await ConsolePageTests.page(client, "/", fixture.admin).contains("href=\"/tokens\""))
            #expect(try await !ConsolePageTests.page(client, "/", acmeAdmin).contains("href=\"/tokens\""))
        }
    }

    @Test func aRevokedTokenIsRefusedAtOnce() async throws {
        let fixture = try await ConsoleTestFixture.make()
        try await fixture.application().test(.router) { client in
            let id = try await fixture.database.psql("SELECT id FROM console_tokens WHERE name = 'viewer'")
            _ = try await ConsolePageTests.page(client, "/", fixture.viewer)
            let revoked = try await Self.post(client, "/tokens/\(id)/revoke", "", token: fixture.admin)
            #expect(revoked.status == .seeOther)
            _ = try await ConsolePageTests.page(client, "/api/v1/clients", fixture.viewer, status: .unauthorized)
            #expect(try await ConsolePageTests.page(client, "/tokens", fixture.admin).contains("revoked "))
            #expect(try await Self.post(client, "/tokens/99999/revoke", "", token: fixture.admin).status == .notFound)
            #expect(try await Self.post(client, "/tokens/viewer/revoke", "", token: fixture.admin).status == .notFound)
        }
    }

    /// Digits are an id: a token whose name is another token's id (made before names could not be
    /// digits) is not revoked with it.
    @Test func digitsRevokeTheTokenWithThatIdOnly() async throws {
        let fixture = try await ConsoleTestFixture.make()
        let repository = ConsoleTokenRepository(client: fixture.client)
        let viewerID = try await fixture.database.psql("SELECT id FROM console_tokens WHERE name = 'viewer'")
        _ = try await repository.create(
            name: viewerID, role: "viewer", client: nil, hashHex: ConsoleSecret.hashHex(ConsoleSecret.newToken()))
        #expect(try await repository.revoke(viewerID)?.name == "viewer")
        #expect(try await fixture.database.psql("SELECT count(*) FROM console_tokens WHERE revoked_at IS NOT NULL") == "1")
        #expect(try await fixture.database.psql("SELECT revoked_at IS NULL FROM console_tokens WHERE name = '\(viewerID)'") == "t")
    }
}
