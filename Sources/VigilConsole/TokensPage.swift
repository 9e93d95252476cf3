import Foundation
import VigilStore

extension Page {
    /// `/tokens`: every token (name, role, client, when made, last used, revoked), a form that
    /// makes one, and a revoke button per live token; a token just made is shown once, above.
    static func tokens(
        principal: ConsolePrincipal, tokens: [ConsoleTokenRepository.Token],
        created: (token: ConsoleTokenRepository.Token, secret: String)?, problem: String?
    ) -> HTML {
        var notice: HTML = ""
        if let created {
            notice = """
                <div class="created"><p>Token <strong>\(created.token.name)</strong> (\(created.token.role)\(created.token.client.map { ", client " + $0 } ?? "")) made. Copy it now: it is not shown again, and only its SHA-256 is kept.</p>
                <p><code id="new-token">\(created.secret)</code></p></div>
                """
        }
        if let problem { notice = "<p class=\"error\" id=\"token-problem\">\(problem)</p>" }
        let rows: [HTML] = tokens.map { token in
            let state: HTML =
                token.revokedAt.map { "revoked \(time($0))" }
                ?? "<form method=\"post\" action=\"/tokens/\(token.id)/revoke\">\(csrfField(principal))<button type=\"submit\">Revoke</button></form>"
            return
                "<tr><td class=\"number\">\(token.id)</td><td>\(token.name)</td><td>\(token.role)</td><td>\(token.client ?? "all")</td><td>\(time(token.createdAt))</td><td>\(time(token.lastUsedAt))</td><td>\(state)</td></tr>"
        }
        let roles: [HTML] = ConsoleRole.allCases.map { "<option value=\"\($0.rawValue)\">\($0.rawValue)</option>" }
        return layout(
            title: "Tokens", principal: principal,
            body: """
                <h1>Tokens</h1>\(notice)
                <h2>Make a token</h2>
                <form class="token" method="post" action="/tokens">\(csrfField(principal))
                <label>Name <input type="text" name="name" maxlength="100" required></label>
                <label>Role <select name="role">\(roles)</select></label>
                <label>Limited to client <input type="text" name="client" placeholder="all clients"></label>
                <button type="submit">Make</button></form>
                <h2>All tokens</h2>
                <table><thead><tr><th class="number">Id</th><th>Name</th><th>Role</th><th>Client</th><th>Made</th><th>Last used</th><th></th></tr></thead>
                <tbody>\(rows)</tbody></table>
                """)
    }
}
