package import Foundation
package import VigilBilling
package import VigilCore

/// Drafts and issues monthly invoices from `api_usage`.
///
/// A month's invoice covers the client's rows in the period that are on no issued invoice, plus
/// "late" rows: rows of earlier months whose invoice was already issued when they arrived (a spool
/// replay), billed on a line of their own. Issuing happens in one transaction under an advisory
/// lock per client and month: it returns the existing invoice if there is one; otherwise it links
/// every included row to the new invoice, takes the year's next number (gapless: the counter row
/// is updated in the same transaction), and freezes the document.
package struct InvoiceRepository: Sendable {
    private let client: DatabaseClient

    package init(client: DatabaseClient) { self.client = client }

    /// The draft for `period`, or the issued invoice when the month was issued already.
    package func draft(for customer: ClientConfiguration, period: BillingPeriod, cameras: Int) async throws -> Invoice {
        try await client.withConnection { connection in
            if let issued = try Self.issued(connection, customer.id, period) { return issued }
            let key = try Self.clientKey(connection, customer.id)
            let (lines, sources) = try Self.draftAggregates(connection, clientKey: key, period: period)
            return Invoice.draft(client: customer, period: period, lines: lines, sources: sources, cameras: cameras)
        }
    }

    /// Issues the month's invoice (or returns the one already issued).
    ///
    /// - Throws: ``InvoiceError`` when rows are unpriced (nothing is changed then).
    package func issue(for customer: ClientConfiguration, period: BillingPeriod, cameras: Int, at now: Date = Date()) async throws
        -> Invoice
    {
        try await client.withConnection { connection in
            try connection.transaction { connection in
                try connection.query(
                    "SELECT pg_advisory_xact_lock(hashtext('vigil-invoice:' || $1 || ':' || $2))", [customer.id, period.label])
                if let issued = try Self.issued(connection, customer.id, period) { return issued }
                let key = try Self.clientKey(connection, customer.id)
                let unpriced = try connection.query(
                    "SELECT count(*) AS n, string_agg(DISTINCT coalesce(model, '?'), ', ') AS models FROM api_usage u WHERE \(Self.included) AND unpriced",
                    [key, period.start, period.end]
                ).first
                if let count = unpriced?.int("n"), count > 0 {
                    throw InvoiceError(
                        message:
                            "\(count) calls (\(unpriced?["models"] ?? "?")) have no price; set one with vigil prices set and run vigil prices reprice --unpriced before issuing"
                    )
                }
                let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now).year ?? 2000
                let sequence =
                    try connection.query(
                        """
                        INSERT INTO invoice_numbers (year, last_number) VALUES ($1, 1)
                        ON CONFLICT (year) DO UPDATE SET last_number = invoice_numbers.last_number + 1
                        RETURNING last_number
                        """, [year]
                    ).first?.int("last_number") ?? 1
                let number = String(format: "VIG-%04d-%06d", year, sequence)
                let invoiceID =
                    try connection.query(
                        """
                        INSERT INTO invoices (number, year, sequence, client_id, month, period_start, period_end, currency,
                                              provider_cost, subtotal, vat, total, document, issued_at)
                        VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz, $8, 0, 0, 0, 0, '', $9::timestamptz) RETURNING id
                        """, [number, year, sequence, key, period.label, period.start, period.end, customer.plan.currency, now]
                    ).first?.int("id") ?? 0
                try connection.query(
                    "UPDATE api_usage u SET invoice_id = $4 WHERE \(Self.included)",
                    [key, period.start, period.end, invoiceID])
                let (lines, sources) = try Self.aggregates(
                    connection, filter: "u.invoice_id = $1 AND $2::timestamptz IS NOT NULL",
                    parameters: [invoiceID, period.start])
                var invoice = Invoice.draft(client: customer, period: period, lines: lines, sources: sources, cameras: cameras)
                invoice.number = number
                invoice.issuedAt = now
                let document = String(decoding: try JSONEncoder().encode(invoice), as: UTF8.self)
                try connection.query(
                    "UPDATE invoices SET provider_cost = $2::numeric, subtotal = $3::numeric, vat = $4::numeric, total = $5::numeric, document = $6 WHERE id = $1",
                    [invoiceID, invoice.usageTotals.providerCost, invoice.subtotal, invoice.vat, invoice.total, document])
                return invoice
            }
        }
    }

    /// The invoice already issued for the client and month, decoded from its frozen document.
    private static func issued(_ connection: PostgresConnection, _ code: String, _ period: BillingPeriod) throws -> Invoice? {
        guard
            let document = try connection.query(
                """
                SELECT i.document FROM invoices i JOIN clients c ON c.id = i.client_id WHERE c.code = $1 AND i.month = $2
                """, [code, period.label]
            ).first?["document"], !document.isEmpty
        else { return nil }
        return try JSONDecoder().decode(Invoice.self, from: Data(document.utf8))
    }

    private static func clientKey(_ connection: PostgresConnection, _ code: String) throws -> Int {
        if let id = try connection.query("SELECT id FROM clients WHERE code = $1", [code]).first?.int("id") { return id }
        return try connection.query("INSERT INTO clients (code, name) VALUES ($1, $1) RETURNING id", [code]).first?.int("id") ?? 0
    }

    /// Rows of client `$1` on no invoice, before `$3`: in the period from `$2`, or in a month already issued (late).
    static let included = """
        u.client_id = $1 AND u.invoice_id IS NULL AND u."timestamp" < $3::timestamptz AND (
            u."timestamp" >= $2::timestamptz
            OR EXISTS (SELECT 1 FROM invoices i WHERE i.client_id = u.client_id
                       AND u."timestamp" >= i.period_start AND u."timestamp" < i.period_end))
        """

    /// Per model (late rows apart) and per source; `$2` of `parameters` is the period's start,
    /// before which a row is late.
    private static func aggregates(
        _ connection: PostgresConnection, filter: String,
        parameters: [any SQLParameter]
    ) throws -> ([UsageAggregate], [UsageAggregate]) {
        let sums = UsageSums.columns
        let lines = try connection.query(
            """
            SELECT coalesce(u.model, 'legacy') AS key, (u."timestamp" < $2::timestamptz) AS late, \(sums)
            FROM api_usage u WHERE \(filter) GROUP BY 1, 2 ORDER BY 2, 1
            """, parameters
        ).rows.map { aggregate($0, kind: "") }
        let sources = try connection.query(
            """
            SELECT coalesce(u.source_id, 'legacy') AS key, coalesce(u.source_kind, '') AS kind, false AS late, \(sums)
            FROM api_usage u WHERE \(filter) GROUP BY 1, 2 ORDER BY 1
            """, parameters
        ).rows.map { aggregate($0, kind: $0["kind"] ?? "") }
        return (lines, sources)
    }

    /// A month not issued yet: whole UTC hours of the period from `usage_hourly` (every row of the
    /// period is then on no invoice), the partial hours at its edges (time zones with :30 or :45
    /// offsets) and the late rows of issued months from the rows themselves. Equal, to the last
    /// digit, to aggregating the rows directly (tests hold them equal).
    static func draftAggregates(
        _ connection: PostgresConnection, clientKey: Int,
        period: BillingPeriod
    ) throws -> ([UsageAggregate], [UsageAggregate]) {
        let firstHour = ceilHour(period.start)
        let lastHour = floorHour(period.end)
        var lines: [UsageAggregate] = []
        var sources: [UsageAggregate] = []
        if firstHour < lastHour {
            let hourly = "FROM usage_hourly h WHERE h.client_id = $1 AND h.hour >= $2::timestamptz AND h.hour < $3::timestamptz"
            let parameters: [any SQLParameter] = [clientKey, firstHour, lastHour]
            lines += try connection.query(
                "SELECT h.model AS key, false AS late, \(UsageSums.hourlyColumns) \(hourly) GROUP BY 1",
                parameters
            ).rows.map { aggregate($0, kind: "") }
            sources += try connection.query(
                "SELECT h.source_id AS key, h.source_kind AS kind, \(UsageSums.hourlyColumns) \(hourly) GROUP BY 1, 2",
                parameters
            ).rows.map { aggregate($0, kind: $0["kind"] ?? "") }
        }
        // The rows outside whole hours (each a tight range of the partial index on uninvoiced rows).
        for (from, to) in [(period.start, min(firstHour, period.end)), (max(lastHour, firstHour), period.end)] where from < to {
            let (edgeLines, edgeSources) = try aggregates(
                connection,
                filter: """
                    u.client_id = $1 AND u.invoice_id IS NULL AND u."timestamp" >= $3::timestamptz AND u."timestamp" < $4::timestamptz
                    AND $2::timestamptz IS NOT NULL
                    """, parameters: [clientKey, period.start, from, to])
            lines += edgeLines
            sources += edgeSources
        }
        // Late rows: on no invoice, inside a month of this client that was already issued.
        let issuedBefore =
            try connection.query(
                "SELECT count(*) AS n FROM invoices WHERE client_id = $1 AND period_start < $2::timestamptz",
                [clientKey, period.start]
            ).first?.int("n") ?? 0
        if issuedBefore > 0 {
            let (lateLines, lateSources) = try aggregates(
                connection,
                filter: """
                    u.client_id = $1 AND u.invoice_id IS NULL AND u."timestamp" < $2::timestamptz AND EXISTS (
                        SELECT 1 FROM invoices i WHERE i.client_id = u.client_id AND u."timestamp" >= i.period_start AND u."timestamp" < i.period_end)
                    """, parameters: [clientKey, period.start])
            lines += lateLines
            sources += lateSources
        }
        return (merge(lines, byLate: true), merge(sources, byLate: false))
    }

    /// Sums aggregates that share a key (and lateness, or kind), in key order (late lines last).
    static func merge(_ parts: [UsageAggregate], byLate: Bool) -> [UsageAggregate] {
        var merged: [String: UsageAggregate] = [:]
        for part in parts where part.calls > 0 {
            let id = part.key + "\u{0}" + (byLate ? String(part.late) : part.kind)
            merged[id] = merged[id].map { $0 + part } ?? part
        }
        return merged.values.sorted { ($0.late ? 1 : 0, $0.key) < ($1.late ? 1 : 0, $1.key) }
    }

    static func ceilHour(_ date: Date) -> Date {
        let floor = floorHour(date)
        return floor == date ? date : floor.addingTimeInterval(3600)
    }

    static func floorHour(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
    }

    static func aggregate(_ row: PostgresRow, kind: String) -> UsageAggregate {
        UsageAggregate(
            key: row["key"] ?? "", kind: kind, late: row.bool("late") ?? false, calls: row.int("calls") ?? 0,
            failedCalls: row.int("failed") ?? 0, promptTokens: row.int("prompt") ?? 0, cachedTokens: row.int("cached") ?? 0,
            completionTokens: row.int("completion") ?? 0, thoughtsTokens: row.int("thoughts") ?? 0,
            toolUseTokens: row.int("tool_use") ?? 0, totalTokens: row.int("total") ?? 0,
            providerCost: row.money("cost") ?? .zero, unpricedCalls: row.int("unpriced") ?? 0,
            estimatedCalls: row.int("estimated") ?? 0, invalidCalls: row.int("invalid") ?? 0,
            unknownCalls: row.int("unknown") ?? 0)
    }
}

/// An invoice that cannot be issued.
package struct InvoiceError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
