import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/tokens`: token management for an admin, as `vigil tokens` does it: the tokens (never a token
/// or its hash), a form that creates one and shows it once, and a revoke button per token.
///
/// Only an admin token that is not limited to a client manages tokens: a client-limited admin would
/// otherwise see other clients' tokens, or make itself a token that sees every client. The forms
/// carry the session's CSRF token (checked by ``AuthenticationMiddleware``).
struct ConsoleTokens: Sendable {
    let tokens: ConsoleTokenRepository
    let catalog: ConsoleCatalog

    func register(on router: Router<ConsoleRequestContext>) {
        let page = self
        router.get("tokens") { _, context in try await page.list(context: context, created: nil) }
        router.post("tokens") { request, context in try await page.create(request, context: context) }
        router.post("tokens/:id/revoke") { _, context in try await page.revoke(context: context) }
    }

    static func requireTokenAdmin(_ context: ConsoleRequestContext) throws -> ConsolePrincipal {
        let principal = try ConsoleAPI.principal(context)
        guard principal.role >= .admin else { throw ConsoleError.forbidden(.admin) }
        guard principal.client == nil else {
            throw ConsoleError(.forbidden, "managing tokens needs an admin token that is not limited to a client")
        }
        return principal
    }

    /// The list, with the token just made (shown this once) when there is one.
    func list(context: ConsoleRequestContext, created: (token: ConsoleTokenRepository.Token, secret: String)?, problem: String? = nil)
        async throws -> Response
    {
        let principal = try Self.requireTokenAdmin(context)
        var response = ConsoleResponse.html(
            Page.tokens(principal: principal, tokens: try await tokens.list(), created: created, problem: problem),
            status: problem == nil ? .ok : .badRequest)
        // A page holding a new token is never kept by a cache.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func create(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let principal = try Self.requireTokenAdmin(context)
        let form = try await ConsolePages.form(request)
        let client = form["client"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let spec: ConsoleTokenSpec
        do {
            spec = try ConsoleTokenSpec(name: form["name"] ?? "", role: form["role"] ?? "", client: client)
        } catch {
            return try await list(context: context, created: nil, problem: "The token was not made: \(error.description).")
        }
        if let client = spec.client, try await catalog.clients(only: client).isEmpty {
            return try await list(context: context, created: nil, problem: "The token was not made: no client has id \(client).")
        }
        let secret = ConsoleSecret.newToken()
        guard
            let token = try await tokens.create(
                name: spec.name, role: spec.role.rawValue, client: spec.client, hashHex: ConsoleSecret.hashHex(secret))
        else {
            return try await list(context: context, created: nil, problem: "The token was not made: a token with that name exists already.")
        }
        context.logger.info(
            "console created a token",
            metadata: [
                "id": "\(token.id)", "name": "\(token.name.escapingControlCharacters())", "role": "\(token.role)",
                "by": "\(principal.token.name.escapingControlCharacters())",
            ])
        return try await list(context: context, created: (token, secret))
    }

    func revoke(context: ConsoleRequestContext) async throws -> Response {
        let principal = try Self.requireTokenAdmin(context)
        guard let id = context.parameters.get("id"), id.wholeMatch(of: /[0-9]{1,9}/) != nil else {
            throw ConsoleError(.notFound, "no such token")
        }
        guard let revoked = try await tokens.revoke(id) else { throw ConsoleError(.notFound, "no such token") }
        context.logger.info(
            "console revoked a token",
            metadata: [
                "id": "\(revoked.id)", "name": "\(revoked.name.escapingControlCharacters())",
                "by": "\(principal.token.name.escapingControlCharacters())",
            ])
        return Response(status: .seeOther, headers: [.location: "/tokens"])
    }
}
