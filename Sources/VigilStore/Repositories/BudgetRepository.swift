package import Foundation
package import VigilCore

/// Reads clients' spend for their budgets, and records each crossing of a budget once
/// (`budget_events`).
package struct BudgetRepository: Sendable {
    /// A client's month in PostgreSQL, and which of the asked request ids it holds, from one snapshot.
    ///
    /// The amount is decimal text, as the database gives it; the caller makes it `Money`.
    package struct Spend: Sendable, Equatable {
        package var spent: String
        package var written: Set<String>
    }

    /// One recorded crossing.
    package struct Event: Sendable, Equatable {
        package var client: String
        package var month: String
        package var event: String
        package var limit: Money
        package var spent: Money
        package var at: Date
    }

    private let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// The provider cost of `clientCode`'s priced calls from `start` to `end`: whole UTC hours from
    /// `usage_hourly`, the partial hours at either end (a month that starts on a half hour, as in
    /// India) from `api_usage`; and which of `requestIDs` are rows already.
    package func spend(client clientCode: String, from start: Date, to end: Date, requestIDs: [String]) async throws -> Spend {
        try await client.withConnection { connection in
            try connection.transaction { connection in
                _ = try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let spent =
                    try connection.query(
                        """
                        WITH c AS (SELECT id FROM clients WHERE code = $1),
                        b AS (
                            SELECT $2::timestamptz AS s, $3::timestamptz AS e,
                                   CASE WHEN date_trunc('hour', $2::timestamptz, 'UTC') = $2::timestamptz THEN $2::timestamptz
                                        ELSE date_trunc('hour', $2::timestamptz, 'UTC') + interval '1 hour' END AS hs,
                                   date_trunc('hour', $3::timestamptz, 'UTC') AS he
                        )
                        SELECT (SELECT coalesce(sum(h.cost), 0) FROM usage_hourly h, c, b
                                WHERE h.client_id = c.id AND h.hour >= b.hs AND h.hour < b.he)
                             + (SELECT coalesce(sum(u.cost), 0) FROM api_usage u, c, b
                                WHERE u.client_id = c.id AND NOT u.unpriced AND u.cost IS NOT NULL
                                  AND ((u."timestamp" >= b.s AND u."timestamp" < least(b.hs, b.e))
                                       OR (u."timestamp" >= greatest(b.he, b.hs) AND u."timestamp" < b.e))) AS spent
                        """, [clientCode, start, end]
                    ).first?.string("spent") ?? "0"
                var written = Set<String>()
                if !requestIDs.isEmpty {
                    let rows = try connection.query(
                        "SELECT request_id FROM api_usage WHERE request_id = ANY($1::text[])", [ConfigurationSync.array(requestIDs)])
                    written = Set(rows.rows.compactMap { $0.string("request_id") })
                }
                return Spend(spent: spent, written: written)
            }
        }
    }

    /// Records a crossing of `clientCode`'s budget in `month` (`YYYY-MM`, the client's calendar
    /// month); true when this call recorded it (another daemon may have first).
    package func record(
        client clientCode: String, month: String, event: String, limit: String, spent: String
    ) async throws -> Bool {
        let parameters: [String] = [clientCode, month + "-01", event, limit, spent]
        let inserted: Int = try await client.withConnection { connection in
            let result = try connection.query(
                """
                INSERT INTO budget_events (client_id, month, event, monthly_limit, spent)
                SELECT c.id, $2::date, $3, $4::numeric, $5::numeric FROM clients c WHERE c.code = $1
                ON CONFLICT (client_id, month, event, monthly_limit) DO NOTHING
                RETURNING id
                """, parameters)
            return result.rows.count
        }
        return inserted > 0
    }

    /// The crossings recorded for months starting on or after `since`, oldest first.
    package func events(since: Date) async throws -> [Event] {
        try await client.withConnection { connection in
            try connection.query(
                """
                SELECT c.code, to_char(e.month, 'YYYY-MM') AS month, e.event, e.monthly_limit, e.spent, e.at
                FROM budget_events e JOIN clients c ON c.id = e.client_id
                WHERE e.month >= $1::date ORDER BY e.at, e.id
                """, [Self.day(since)]
            ).rows.map { row in
                Event(
                    client: row.string("code") ?? "", month: row.string("month") ?? "", event: row.string("event") ?? "",
                    limit: row.money("monthly_limit") ?? .zero, spent: row.money("spent") ?? .zero, at: row.date("at") ?? Date())
            }
        }
    }

    /// `YYYY-MM-DD` of `date` in UTC (a month's first day is passed as its UTC midnight).
    static func day(_ date: Date) -> String {
        String(date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)).prefix(10))
    }
}
