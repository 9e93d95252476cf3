package import Hummingbird
import NIOCore
package import VigilStore

/// Who is asking: the token, and how it came (a bearer header, or a browser session with its CSRF
/// token).
package struct ConsolePrincipal: Sendable {
    package var token: ConsoleTokenRepository.Token
    /// The session's CSRF token; nil for a bearer token (which needs none).
    package var csrf: String?

    package var role: ConsoleRole { ConsoleRole(rawValue: token.role) ?? .viewer }
    /// The only client this principal sees, nil for all.
    package var client: String? { token.client }

    /// Whether this principal may see client `id` (every client, or its own).
    package func sees(client id: String) -> Bool { client == nil || client == id }
}

/// The request context of `vigil serve`: the remote address (for the login rate limit) and the
/// principal the authentication middleware found.
package struct ConsoleRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package var principal: ConsolePrincipal?
    /// The peer's IP address, `unknown` when the channel has none (in-process tests).
    package var remoteAddress: String

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
