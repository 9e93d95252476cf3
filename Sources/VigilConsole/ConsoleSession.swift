import Foundation
import Hummingbird
import Logging
import VigilStore

/// Browser sessions: `POST /login` with a token opens one (cookie `vigil_session`, HttpOnly,
/// SameSite=Strict, Secure when asked), `POST /logout` ends it.
enum ConsoleSession {
    static let cookieName = "vigil_session"
    /// How long a session lasts: 12 hours.
    static let lifetime: TimeInterval = 12 * 3600

    static func cookie(_ value: String, maxAge: Int, secure: Bool) -> String {
        "\(cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    static func login(
        _ request: Request, context: ConsoleRequestContext, tokens: ConsoleTokenRepository, limiter: LoginLimiter, secureCookies: Bool
    ) async throws -> Response {
        let address = context.remoteAddress
        if limiter.isBlocked(address) {
            context.logger.warning("console login refused: too many failures", metadata: ["remote_address": "\(address)"])
            return ConsoleResponse.html(
                Page.login(message: "Too many failed logins: wait a minute."), status: .tooManyRequests, headers: [.retryAfter: "60"])
        }
        var request = request
        let body = try await request.collectBody(upTo: ConsolePages.formLimit)
        let token = (FormBody(String(buffer: body))["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.hasPrefix(ConsoleSecret.tokenPrefix), let found = try await tokens.authenticate(hashHex: ConsoleSecret.hashHex(token))
        else {
            limiter.recordFailure(address)
            // Never the token itself: only where the attempt came from.
            context.logger.warning("console login failed", metadata: ["remote_address": "\(address)"])
            return ConsoleResponse.html(Page.login(message: "That token is not valid."), status: .unauthorized)
        }
        let sessionID = ConsoleSecret.random(bytes: 32)
        try await tokens.createSession(
            idHashHex: ConsoleSecret.hashHex(sessionID), tokenID: found.id, csrf: ConsoleSecret.random(bytes: 24),
            expiresAt: Date().addingTimeInterval(lifetime))
        context.logger.info("console login", metadata: ["token": "\(found.name)", "remote_address": "\(address)"])
        var headers: HTTPFields = [.location: "/"]
        headers[.setCookie] = cookie(sessionID, maxAge: Int(lifetime), secure: secureCookies)
        return Response(status: .seeOther, headers: headers)
    }

    static func logout(_ request: Request, tokens: ConsoleTokenRepository, secureCookies: Bool) async throws -> Response {
        if let value = request.cookies[cookieName]?.value, !value.isEmpty {
            try await tokens.deleteSession(idHashHex: ConsoleSecret.hashHex(value))
        }
        var headers: HTTPFields = [.location: "/login"]
        headers[.setCookie] = cookie("", maxAge: 0, secure: secureCookies)
        return Response(status: .seeOther, headers: headers)
    }
}
