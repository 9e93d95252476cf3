import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import VigilConsole
import VigilCore
import VigilStore
import VigilTestSupport

/// A migrated database with two clients, their cameras and calls, and a token of each kind.
///
/// - `acme`, named ``hostileName``, camera `till` (stream URL with a password), 3 calls this month
///   costing 0.375 USD in all, an incident;
/// - `other`, camera `gate`, 1 call costing 0.25 USD, an incident.
struct ConsoleTestFixture {
    /// A client name a browser, a quote or a spreadsheet would take for code.
    static let hostileName = "<script>alert(1)</script>\"'=cmd"

    var database: TestDatabase
    var client: DatabaseClient
    var viewer: String
    var billing: String
    var admin: String
    /// A viewer limited to `acme`.
    var acmeViewer: String

    static func make() async throws -> ConsoleTestFixture {
        let database = try await TestDatabase.create()
        // Connections as vigil serve keeps them: the overview's reads run at once.
        let client = DatabaseClient(connectionString: database.url, connections: 3)
        try await Migrator(client: client).migrate()
        let escapedName = hostileName.replacingOccurrences(of: "'", with: "''")
        try await database.psql(
            """
            INSERT INTO clients (name, code) VALUES ('\(escapedName)', 'acme'), ('Other Ltd', 'other');
            INSERT INTO cameras (id, client_id, name, stream) SELECT 'till', id, 'Till', 'rtsp://user:secret@cam/1' FROM clients WHERE code = 'acme';
            INSERT INTO cameras (id, client_id, name, stream) SELECT 'gate', id, 'Gate', 'rtsp://cam/2' FROM clients WHERE code = 'other';
            INSERT INTO api_usage (request_id, "timestamp", client_id, source_id, source_kind, model, success, status_code, cost, prompt_tokens,
                                   completion_tokens, total_tokens, endpoint, method)
            SELECT 'r' || g, now() - interval '1 minute' * g, c.id, 'till', 'camera', 'gemini-2.5-flash', true, 200, 0.125, 100, 10, 110,
                   '/v1beta/models/gemini-2.5-flash:generateContent', 'POST'
            FROM clients c, generate_series(1, 3) g WHERE c.code = 'acme';
            INSERT INTO api_usage (request_id, "timestamp", client_id, source_id, source_kind, model, success, status_code, cost, prompt_tokens,
                                   completion_tokens, total_tokens, endpoint, method)
            SELECT 'o1', now() - interval '2 minutes', c.id, 'gate', 'camera', 'gemini-2.5-flash', true, 200, 0.25, 100, 10, 110,
                   '/v1beta/models/gemini-2.5-flash:generateContent', 'POST'
            FROM clients c WHERE c.code = 'other';
            INSERT INTO stream_sessions (id, camera_id, started_at, ended_at, end_reason) VALUES
                ('0190d3b2-7c00-7000-8000-000000000001', 'till', now() - interval '1 hour', NULL, NULL),
                ('0190d3b2-7c00-7000-8000-000000000002', 'gate', now() - interval '2 hours', now() - interval '1 hour', 'eof');
            INSERT INTO analyses (usage_id, request_id, "timestamp", client_id, camera_id, source_id, incident_detected, incident_type, confidence, description)
            SELECT u.id, u.request_id, u."timestamp", u.client_id, u.source_id, u.source_id, true, 'theft', 0.9, 'a person at the ' || u.source_id
            FROM api_usage u WHERE u.request_id IN ('r1', 'o1');
            """)
        let repository = ConsoleTokenRepository(client: client)
        func token(_ name: String, _ role: String, _ clientCode: String? = nil) async throws -> String {
            let token = ConsoleSecret.newToken()
            _ = try await repository.create(name: name, role: role, client: clientCode, hashHex: ConsoleSecret.hashHex(token))
            return token
        }
        return ConsoleTestFixture(
            database: database, client: client, viewer: try await token("viewer", "viewer"), billing: try await token("billing", "billing"),
            admin: try await token("admin", "admin"), acmeViewer: try await token("acme-viewer", "viewer", "acme"))
    }

    func application(
        limiter: LoginLimiter = LoginLimiter(), logger: Logger = Logger(label: "test"),
        billing: BillingConfiguration? = BillingConfiguration()
    ) -> some ApplicationProtocol {
        let clients = [
            ClientConfiguration(id: "acme", name: Self.hostileName, budget: BudgetConfiguration(monthlyLimit: Money("10.00")!)),
            ClientConfiguration(id: "other", name: "Other Ltd", budget: BudgetConfiguration(monthlyLimit: Money("1.00")!)),
        ]
        return Application(
            router: ConsoleServer(
                database: client, clients: clients, billing: billing, secureCookies: false, limiter: limiter, logger: logger
            ).router(),
            logger: logger)
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// The body as a JSON object.
    static func object(_ response: TestResponse) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(String(buffer: response.body))")
        }
        return object
    }
}
