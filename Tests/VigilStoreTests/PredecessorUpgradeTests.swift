import Foundation
import Testing
import VigilTestSupport

@testable import VigilStore

/// The predecessor system's database, upgraded in place by `vigil migrate`.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"))
struct PredecessorUpgradeTests {
    static let predecessorSchema = """
        CREATE TABLE clients (id serial PRIMARY KEY, name varchar(255) NOT NULL, email varchar(255) UNIQUE,
                              company varchar(255), created_at timestamp DEFAULT now());
        CREATE TABLE api_keys (id serial PRIMARY KEY, client_id integer REFERENCES clients(id), key_hash varchar(255) NOT NULL,
                               name varchar(255), is_active boolean DEFAULT true, created_at timestamp DEFAULT now());
        CREATE TABLE api_usage (id serial PRIMARY KEY, api_key_id integer REFERENCES api_keys(id), endpoint varchar(255),
                                method varchar(10), status_code integer, cost double precision,
                                "timestamp" timestamp DEFAULT now(), request_data text);
        CREATE TABLE payment_details (id serial PRIMARY KEY, client_id integer REFERENCES clients(id), card_last4 varchar(4),
                                      created_at timestamp DEFAULT now());
        INSERT INTO clients (name, email) SELECT 'Client ' || g, 'c' || g || '@example.com' FROM generate_series(1, 5) g;
        INSERT INTO api_keys (client_id, key_hash, name) SELECT g, md5(g::text), 'key ' || g FROM generate_series(1, 5) g;
        INSERT INTO payment_details (client_id, card_last4) VALUES (1, '4242');
        INSERT INTO api_usage (api_key_id, endpoint, method, status_code, cost, "timestamp", request_data)
        SELECT 1 + g % 5, '/api/analyze', 'POST', CASE WHEN g % 17 = 0 THEN 500 ELSE 200 END,
               (g % 1000) * 0.000123 + 0.1,
               timestamp '2025-06-01 00:00:00' + g * interval '17 minutes 3.5 seconds',
               '{"frames": ' || g % 7 || '}'
        FROM generate_series(1, 3000) g;
        """

    static let oldTokenColumns = """
        ALTER TABLE api_usage ADD COLUMN prompt_tokens INTEGER DEFAULT 0;
        ALTER TABLE api_usage ADD COLUMN completion_tokens INTEGER DEFAULT 0;
        ALTER TABLE api_usage ADD COLUMN total_tokens INTEGER DEFAULT 0;
        UPDATE api_usage SET prompt_tokens = id * 3, completion_tokens = id, total_tokens = id * 4;
        """

    @Test(arguments: [false, true])
    func upgradeKeepsEveryRowWithItsCostAndTime(withTokenColumns: Bool) async throws {
        let database = try await TestDatabase.create()
        try await database.psql(Self.predecessorSchema + (withTokenColumns ? Self.oldTokenColumns : ""))
        let before = try await database.psql(
            """
            SELECT md5(string_agg(id || ':' || api_key_id || ':' || cost::text || ':' || to_char("timestamp", 'YYYY-MM-DD HH24:MI:SS.US')
                                  || ':' || status_code || ':' || request_data, ',' ORDER BY id)) FROM api_usage
            """)

        let result = try await ProcessRunner.run(TestEnvironment.vigilExecutable, ["migrate", "--database-url", database.url])
        #expect(result.status == 0, "\(result.standardError)")

        #expect(try await database.psql("SELECT count(*) FROM api_usage") == "3000")
        // Same ids, keys, costs (as the doubles they were), UTC times, statuses and payloads.
        let after = try await database.psql(
            """
            SELECT md5(string_agg(id || ':' || api_key_id || ':' || cost::float8::text || ':' || to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')
                                  || ':' || status_code || ':' || request_data, ',' ORDER BY id)) FROM api_usage
            """)
        #expect(after == before)
        #expect(
            try await database.psql(
                "SELECT data_type FROM information_schema.columns WHERE table_name = 'api_usage' AND column_name = 'cost'") == "numeric")
        // Old rows are attributed to their client through their key, and success follows the status.
        #expect(
            try await database.psql(
                "SELECT count(*) FROM api_usage u JOIN api_keys k ON k.id = u.api_key_id WHERE u.client_id IS DISTINCT FROM k.client_id")
                == "0")
        #expect(try await database.psql("SELECT count(*) FROM api_usage WHERE success = (status_code = 200)") == "3000")
        if withTokenColumns {
            #expect(
                try await database.psql("SELECT count(*) FROM api_usage WHERE prompt_tokens = id * 3 AND total_tokens = id * 4") == "3000")
        }
        // The predecessor's other tables are untouched.
        #expect(try await database.psql("SELECT count(*) FROM payment_details") == "1")
        #expect(try await database.psql("SELECT count(*) FROM clients") == "5")

        // New rows go in next to the old ones.
        let ledger = try UsageLedger(
            connectionString: database.url, spoolDirectory: NSTemporaryDirectory() + "spool-" + UUID().uuidString,
            logger: .init(label: "test"))
        try await ledger.record(LedgerTests.sampleRecord(index: 1))
        #expect(await ledger.close())
        #expect(try await database.psql("SELECT count(*) FROM api_usage") == "3001")
        #expect(try await database.psql("SELECT max(id) > 3000 FROM api_usage") == "t")
    }
}
