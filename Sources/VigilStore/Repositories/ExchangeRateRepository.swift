package import Foundation
package import VigilCore

/// USD → currency exchange rates, effective from a date (`exchange_rates`).
package struct ExchangeRateRepository: Sendable {
    /// One rate: `rate` units of `currency` for 1 USD from `effectiveFrom` (a `YYYY-MM-DD` day) on.
    package struct Rate: Sendable, Equatable, Codable {
        package var currency: String
        package var effectiveFrom: String
        package var rate: Money
        package var source: String

        package init(currency: String, effectiveFrom: String, rate: Money, source: String) {
            self.currency = currency
            self.effectiveFrom = effectiveFrom
            self.rate = rate
            self.source = source
        }
    }

    private let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// Adds or replaces rates (the same currency and day replaced), all in one transaction.
    package func set(_ rates: [Rate]) async throws {
        guard !rates.isEmpty else { return }
        try await client.withConnection { connection in
            try connection.transaction { connection in
                for rate in rates {
                    _ = try connection.query(
                        """
                        INSERT INTO exchange_rates (currency, effective_from, rate, source) VALUES ($1, $2::date, $3::numeric, $4)
                        ON CONFLICT (currency, effective_from) DO UPDATE SET rate = EXCLUDED.rate, source = EXCLUDED.source, created_at = now()
                        """, [rate.currency, rate.effectiveFrom, rate.rate.description, rate.source])
                }
            }
        }
    }

    /// Every rate, by currency and date.
    package func list(currency: String? = nil) async throws -> [Rate] {
        try await client.withConnection { connection in
            try connection.query(
                """
                SELECT currency, to_char(effective_from, 'YYYY-MM-DD') AS day, rate::text AS rate, source FROM exchange_rates
                WHERE $1::text IS NULL OR currency = $1 ORDER BY currency, effective_from
                """, [currency]
            ).rows.compactMap { row in
                guard let rate = row.string("rate").flatMap({ Money($0) }) else { return nil }
                return Rate(
                    currency: row.string("currency") ?? "", effectiveFrom: row.string("day") ?? "", rate: rate,
                    source: row.string("source") ?? "")
            }
        }
    }

    /// The rate of `currency` in effect on `day` (`YYYY-MM-DD`): the latest from that day or before.
    package func rate(currency: String, on day: String) async throws -> Rate? {
        try await client.withConnection { connection in
            guard
                let row = try connection.query(
                    """
                    SELECT currency, to_char(effective_from, 'YYYY-MM-DD') AS day, rate::text AS rate, source FROM exchange_rates
                    WHERE currency = $1 AND effective_from <= $2::date ORDER BY effective_from DESC LIMIT 1
                    """, [currency, day]
                ).first, let rate = row.string("rate").flatMap({ Money($0) })
            else { return nil }
            return Rate(currency: currency, effectiveFrom: row.string("day") ?? day, rate: rate, source: row.string("source") ?? "")
        }
    }
}
