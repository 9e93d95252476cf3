import Crypto
import Foundation
import HTTPTypes
package import Hummingbird
import Logging
import VigilCore
package import VigilStore

/// Security headers on every response (errors included), and errors turned into responses: JSON
/// `{"error": ...}` under `/api/`, a short page elsewhere (a 401 page redirects to `/login`).
package struct SecurityHeadersMiddleware: RouterMiddleware {
    package typealias Context = ConsoleRequestContext

    package static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors 'none'"

    package init() {}

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        let isAPI = request.uri.path.hasPrefix("/api/")
        do {
            // The API only reads: any other method is 405, naming the ones it answers.
            if isAPI && request.method != .get && request.method != .head {
                throw ConsoleError(.methodNotAllowed, "method \(request.method.rawValue) not allowed: the API answers GET and HEAD")
            }
            response = try await next(request, context)
        } catch let error as ConsoleError {
            response = Self.errorResponse(error, api: isAPI)
        } catch let error as HTTPError {
            response = Self.errorResponse(
                ConsoleError(error.status, error.status == .notFound ? "not found" : error.status.reasonPhrase), api: isAPI)
        } catch let error as PostgresError where error.isRefusedConnection {
            // Wrong credentials or database name: waiting will not mend it; the operator must.
            context.logger.error(
                "console request failed: the database refused the connection (check database.url)",
                metadata: ["error": "\(String(describing: error).escapingControlCharacters())"])
            response = Self.errorResponse(
                ConsoleError(.internalServerError, "the database refused the console's connection; see the server's log"), api: isAPI)
        } catch let error as PostgresError where error.isConnectionProblem {
            // PostgreSQL is down or unreachable: the console is, for now; say so, and when to retry.
            context.logger.warning(
                "console request failed: database unreachable",
                metadata: ["error": "\(String(describing: error).escapingControlCharacters())"])
            response = Self.errorResponse(ConsoleError(.serviceUnavailable, "the database is unreachable; try again shortly"), api: isAPI)
            response.headers[.retryAfter] = "5"
        } catch {
            context.logger.error("console request failed", metadata: ["error": "\(String(describing: error).escapingControlCharacters())"])
            response = Self.errorResponse(ConsoleError(.internalServerError, "internal error"), api: isAPI)
        }
        // A route may set a stricter policy of its own (a document's style allowed by its hash).
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.consoleReferrerPolicy] = "no-referrer"
        response.headers[.consoleFrameOptions] = "DENY"
        if isAPI || response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// The policy of a self-contained document (an invoice's printable HTML): nothing loaded, no
    /// script, and only its own `<style>` block, by its SHA-256.
    static func documentPolicy(styleOf page: String) -> String {
        var style = "'none'"
        if let open = page.range(of: "<style>"), let close = page.range(of: "</style>", range: open.upperBound..<page.endIndex) {
            style = "'sha256-" + Data(SHA256.hash(data: Data(page[open.upperBound..<close.lowerBound].utf8))).base64EncodedString() + "'"
        }
        return "default-src 'none'; img-src 'self' data:; style-src \(style); script-src 'none'; frame-ancestors 'none'"
    }

    static func errorResponse(_ error: ConsoleError, api: Bool) -> Response {
        if api {
            var response = ConsoleResponse.json(["error": error.message], status: error.status)
            if error.status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"vigil\"" }
            if error.status == .methodNotAllowed { response.headers[.allow] = "GET, HEAD" }
            return response
        }
        if error.status == .unauthorized {
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
        return ConsoleResponse.html(
            Page.layout(title: "\(error.status.code)", principal: nil, body: "<h1>\(error.status.code)</h1><p>\(error.message)</p>"),
            status: error.status)
    }
}

/// Finds the principal: `Authorization: Bearer vgl_...` (looked up by hash on every request, so a
/// revoked token fails at once), else the `vigil_session` cookie. Everything but `/login` and
/// `/static/` needs one. A state-changing request over a session needs its CSRF token (header
/// `X-CSRF-Token` or form field `csrf`); a bearer token needs none (a browser never sends it by itself).
package struct AuthenticationMiddleware: RouterMiddleware {
    package typealias Context = ConsoleRequestContext
    let tokens: ConsoleTokenRepository

    package init(tokens: ConsoleTokenRepository) { self.tokens = tokens }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/login" || path.hasPrefix("/static/") { return try await next(request, context) }
        var context = context
        var request = request
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer ") else { throw ConsoleError.unauthenticated }
            let token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
            guard token.hasPrefix(ConsoleSecret.tokenPrefix),
                let found = try await tokens.authenticate(hashHex: ConsoleSecret.hashHex(token))
            else {
                throw ConsoleError.unauthenticated
            }
            context.principal = ConsolePrincipal(token: found, csrf: nil)
        } else if let cookie = request.cookies[ConsoleSession.cookieName]?.value, !cookie.isEmpty {
            guard let session = try await tokens.session(idHashHex: ConsoleSecret.hashHex(cookie)) else {
                throw ConsoleError.unauthenticated
            }
            context.principal = ConsolePrincipal(token: session.token, csrf: session.csrf)
            if request.method != .get && request.method != .head {
                var presented = request.headers[.consoleCSRFToken]
                if presented == nil {
                    let body = try await request.collectBody(upTo: ConsolePages.formLimit)
                    presented = FormBody(String(buffer: body))["csrf"]
                }
                guard let presented, ConsoleSecret.constantTimeEqual(presented, session.csrf) else {
                    throw ConsoleError(.forbidden, "missing or wrong CSRF token")
                }
            }
        } else {
            throw ConsoleError.unauthenticated
        }
        return try await next(request, context)
    }
}

/// An `application/x-www-form-urlencoded` body.
struct FormBody {
    var fields: [String: String] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
    }

    subscript(_ name: String) -> String? { fields[name] }
}

extension HTTPField.Name {
    /// `Referrer-Policy`.
    package static let consoleReferrerPolicy = HTTPField.Name("Referrer-Policy")!
    /// `X-Frame-Options`.
    static let consoleFrameOptions = HTTPField.Name("X-Frame-Options")!
    /// `X-CSRF-Token`: a session's CSRF token on a state-changing request.
    package static let consoleCSRFToken = HTTPField.Name("X-CSRF-Token")!
}
