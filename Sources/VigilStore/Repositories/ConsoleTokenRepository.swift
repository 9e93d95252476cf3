package import Foundation

/// The console's API tokens and browser sessions (`console_tokens`, `console_sessions`).
///
/// Only hashes are stored: a token's SHA-256 and a session cookie's SHA-256, passed in as lowercase
/// hex (the caller hashes; this module has no cryptography). Every value is a bind parameter.
package struct ConsoleTokenRepository: Sendable {
    /// One token as listed: never the token nor its hash.
    package struct Token: Sendable, Equatable, Codable {
        package var id: Int
        package var name: String
        /// `viewer`, `billing` or `admin`.
        package var role: String
        /// The only client the token sees (`clients.code`), nil for every client.
        package var client: String?
        package var createdAt: Date?
        package var lastUsedAt: Date?
        package var revokedAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, name, role, client
            case createdAt = "created_at"
            case lastUsedAt = "last_used_at"
            case revokedAt = "revoked_at"
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(role, forKey: .role)
            try container.encode(client, forKey: .client)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(lastUsedAt, forKey: .lastUsedAt)
            try container.encode(revokedAt, forKey: .revokedAt)
        }
    }

    /// A live browser session: its token and its CSRF token.
    package struct Session: Sendable, Equatable {
        package var token: Token
        package var csrf: String
    }

    let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    static let columns = "t.id, t.name, t.role, t.client_code, t.created_at, t.last_used_at, t.revoked_at"

    static func token(_ row: PostgresRow) -> Token {
        Token(
            id: row.int("id") ?? 0, name: row.string("name") ?? "", role: row.string("role") ?? "viewer", client: row.string("client_code"),
            createdAt: row.date("created_at"), lastUsedAt: row.date("last_used_at"), revokedAt: row.date("revoked_at"))
    }

    /// Stores a new token by its hash; nil when the name is taken.
    package func create(name: String, role: String, client code: String?, hashHex: String) async throws -> Token? {
        try await client.withConnection { connection in
            try connection.query(
                """
                INSERT INTO console_tokens AS t (name, role, client_code, token_hash) VALUES ($1, $2, $3, decode($4, 'hex'))
                ON CONFLICT (name) DO NOTHING
                RETURNING \(Self.columns)
                """, [name, role, code, hashHex]
            ).first.map(Self.token)
        }
    }

    /// Every token, oldest first.
    package func list() async throws -> [Token] {
        try await client.withConnection { connection in
            try connection.query("SELECT \(Self.columns) FROM console_tokens t ORDER BY t.id").rows.map(Self.token)
        }
    }

    /// Revokes the token with this id (digits: never a name, see ``ConsoleTokenSpec``) or name, and
    /// ends its sessions; nil when there is no such token. A token revoked already stays as it was.
    package func revoke(_ idOrName: String) async throws -> Token? {
        try await client.withConnection { connection in
            try connection.transaction { connection in
                let found = try connection.query(
                    """
                    UPDATE console_tokens t SET revoked_at = coalesce(t.revoked_at, now())
                    WHERE CASE WHEN $1 ~ '^[0-9]{1,9}$' THEN t.id = $1::integer ELSE t.name = $1 END
                    RETURNING \(Self.columns)
                    """, [idOrName]
                ).first.map(Self.token)
                if let found { _ = try connection.query("DELETE FROM console_sessions WHERE token_id = $1", [found.id]) }
                return found
            }
        }
    }

    /// The live (not revoked) token with this hash, marking it used (at most once a minute).
    package func authenticate(hashHex: String) async throws -> Token? {
        try await client.withConnection { connection in
            try connection.query(
                """
                WITH found AS (SELECT * FROM console_tokens WHERE token_hash = decode($1, 'hex') AND revoked_at IS NULL),
                touched AS (
                    UPDATE console_tokens c SET last_used_at = now() FROM found
                    WHERE c.id = found.id AND (c.last_used_at IS NULL OR c.last_used_at < now() - interval '1 minute')
                    RETURNING c.id
                )
                SELECT \(Self.columns) FROM found t
                """, [hashHex]
            ).first.map(Self.token)
        }
    }

    /// Opens a session for `tokenID`, known by the hash of its cookie, until `expiresAt`.
    package func createSession(idHashHex: String, tokenID: Int, csrf: String, expiresAt: Date) async throws {
        _ = try await client.withConnection { connection in
            try connection.query(
                "INSERT INTO console_sessions (id_hash, token_id, csrf, expires_at) VALUES (decode($1, 'hex'), $2, $3, $4::timestamptz)",
                [idHashHex, tokenID, csrf, expiresAt])
        }
    }

    /// The unexpired session with this cookie hash whose token is not revoked.
    package func session(idHashHex: String) async throws -> Session? {
        try await client.withConnection { connection in
            try connection.query(
                """
                SELECT \(Self.columns), s.csrf FROM console_sessions s JOIN console_tokens t ON t.id = s.token_id
                WHERE s.id_hash = decode($1, 'hex') AND s.expires_at > now() AND t.revoked_at IS NULL
                """, [idHashHex]
            ).first.map { Session(token: Self.token($0), csrf: $0.string("csrf") ?? "") }
        }
    }

    /// Ends the session with this cookie hash (and any expired ones).
    package func deleteSession(idHashHex: String) async throws {
        _ = try await client.withConnection { connection in
            try connection.query("DELETE FROM console_sessions WHERE id_hash = decode($1, 'hex') OR expires_at <= now()", [idHashHex])
        }
    }
}
