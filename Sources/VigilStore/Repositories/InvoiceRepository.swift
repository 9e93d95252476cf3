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
    ///
    /// - Parameters:
    ///   - billing: the seller printed on it.
    ///   - cameraNames: configured names of cameras by id, for the per-camera lines.
    package func draft(
        for customer: ClientConfiguration, period: BillingPeriod, cameras: Int, billing: BillingConfiguration = BillingConfiguration(),
        cameraNames: [String: String] = [:]
    ) async throws -> Invoice {
        try await client.withConnection { connection in
            if let issued = try Self.issued(connection, customer.id, period) { return issued }
            let key = try Self.clientKey(connection, customer.id)
            let (lines, sources, tiers) = try Self.draftAggregates(connection, clientKey: key, period: period)
            let cameraUsage = try Self.draftCameraUsage(connection, clientKey: key, period: period)
            let rate = customer.plan.currency == "USD" ? nil : try Self.exchangeRate(connection, customer.plan.currency, period)
            return Invoice.draft(
                client: customer, period: period, lines: lines, sources: sources, cameras: cameras,
                cameraUsage: Self.named(cameraUsage, cameraNames), seller: InvoiceParty(seller: billing.seller), exchangeRate: rate,
                tiers: tiers)
        }
    }

    /// Issues the month's invoice (or returns the one already issued).
    ///
    /// - Throws: ``InvoiceError`` when rows are unpriced (nothing is changed then).
    package func issue(
        for customer: ClientConfiguration, period: BillingPeriod, cameras: Int, billing: BillingConfiguration = BillingConfiguration(),
        cameraNames: [String: String] = [:], at now: Date = Date()
    ) async throws -> Invoice {
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
                            "\(count) calls (\(unpriced?["models"] ?? "?")) have no price; set one with vigil prices set and run vigil prices reprice --unpriced before issuing",
                        kind: .unpriced)
                }
                var rate: InvoiceExchangeRate?
                if customer.plan.currency != "USD" {
                    rate = try Self.exchangeRate(connection, customer.plan.currency, period)
                    guard rate != nil else {
                        throw InvoiceError(
                            message:
                                "no USD → \(customer.plan.currency) exchange rate in effect on \(period.lastDayLabel) (the period's last day); "
                                + "set one with vigil rates set --currency \(customer.plan.currency) --from YYYY-MM-DD --rate R",
                            kind: .missingRate)
                    }
                }
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(identifier: customer.timeZone) ?? TimeZone(identifier: "UTC")!
                let issueDay = calendar.dateComponents([.year, .month, .day], from: now)
                let dueDay = calendar.dateComponents(
                    [.year, .month, .day], from: calendar.date(byAdding: .day, value: billing.paymentTermsDays, to: now) ?? now)
                let issueDate = String(format: "%04d-%02d-%02d", issueDay.year ?? 0, issueDay.month ?? 0, issueDay.day ?? 0)
                let dueDate = String(format: "%04d-%02d-%02d", dueDay.year ?? 0, dueDay.month ?? 0, dueDay.day ?? 0)
                let year = issueDay.year ?? 2000
                let sequence = try Self.nextNumber(connection, counter: "invoice_numbers", year: year)
                let number = String(format: "%@-%04d-%06d", billing.invoicePrefix, year, sequence)
                let invoiceID =
                    try connection.query(
                        """
                        INSERT INTO invoices (number, year, sequence, client_id, month, period_start, period_end, currency,
                                              provider_cost, subtotal, vat, total, document, issued_at, kind, issue_date, due_date,
                                              exchange_rate, rate_date, rate_source)
                        VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz, $8, 0, 0, 0, 0, '', $9::timestamptz, 'invoice',
                                $10::date, $11::date, $12::numeric, $13::date, $14) RETURNING id
                        """,
                        [
                            number, year, sequence, key, period.label, period.start, period.end, customer.plan.currency, now, issueDate,
                            dueDate, rate?.rate.description, rate?.date, rate?.source,
                        ]
                    ).first?.int("id") ?? 0
                try connection.query(
                    "UPDATE api_usage u SET invoice_id = $4 WHERE \(Self.included)",
                    [key, period.start, period.end, invoiceID])
                let (lines, sources, tiers) = try Self.aggregates(
                    connection, filter: "u.invoice_id = $1 AND $2::timestamptz IS NOT NULL",
                    parameters: [invoiceID, period.start])
                let cameraUsage = try Self.cameraUsage(
                    connection, filter: "u.invoice_id = $1 AND $2::timestamptz IS NOT NULL", parameters: [invoiceID, period.start])
                var invoice = Invoice.draft(
                    client: customer, period: period, lines: lines, sources: sources, cameras: cameras,
                    cameraUsage: Self.named(cameraUsage, cameraNames), seller: InvoiceParty(seller: billing.seller), exchangeRate: rate,
                    tiers: Self.mergeTiers(tiers))
                invoice.number = number
                invoice.issuedAt = now
                invoice.issueDate = issueDate
                invoice.dueDate = dueDate
                let document = String(decoding: try JSONEncoder().encode(invoice), as: UTF8.self)
                try connection.query(
                    "UPDATE invoices SET provider_cost = $2::numeric, subtotal = $3::numeric, vat = $4::numeric, total = $5::numeric, document = $6 WHERE id = $1",
                    [invoiceID, invoice.usageTotals.providerCost, invoice.subtotal, invoice.vat, invoice.total, document])
                return invoice
            }
        }
    }

    /// One issued document, for listings.
    package struct Issued: Sendable, Equatable {
        package var number: String
        package var kind: String
        package var client: String
        package var month: String
        package var issueDate: String
        package var dueDate: String?
        package var total: String
        package var currency: String
        /// The invoice a credit note credits.
        package var credits: String?
    }

    /// Issued invoices and credit notes, by number, optionally of one month (`YYYY-MM`) or client.
    package func list(month: String? = nil, client code: String? = nil) async throws -> [Issued] {
        try await client.withConnection { connection in
            try connection.query(
                """
                SELECT i.number, i.kind, c.code, i.month, coalesce(to_char(i.issue_date, 'YYYY-MM-DD'), to_char(i.issued_at, 'YYYY-MM-DD')) AS issued,
                       to_char(i.due_date, 'YYYY-MM-DD') AS due, i.total::text AS total, i.currency, o.number AS credits
                FROM invoices i JOIN clients c ON c.id = i.client_id LEFT JOIN invoices o ON o.id = i.credits
                WHERE ($1::text IS NULL OR i.month = $1) AND ($2::text IS NULL OR c.code = $2)
                ORDER BY i.kind DESC, i.year, i.sequence
                """, [month, code]
            ).rows.map { row in
                Issued(
                    number: row.string("number") ?? "", kind: row.string("kind") ?? "invoice", client: row.string("code") ?? "",
                    month: row.string("month") ?? "", issueDate: row.string("issued") ?? "", dueDate: row.string("due"),
                    total: row.string("total") ?? "0", currency: row.string("currency") ?? "", credits: row.string("credits"))
            }
        }
    }

    /// Issues a credit note for the issued invoice `number`: the whole remaining total (invoice total
    /// less earlier credit notes), or `amount` of it (in the invoice's currency, VAT included), with
    /// the subtotal and VAT reversed in the invoice's proportion. Numbered in its own gapless yearly
    /// series (`billing.credit_note_prefix`), under a lock per invoice so two credits never exceed it.
    ///
    /// - Throws: ``InvoiceError`` when there is no such invoice, or the amount is not above zero or
    ///   exceeds what remains.
    package func credit(
        number: String, reason: String, amount: String?, billing: BillingConfiguration = BillingConfiguration(), at now: Date = Date()
    ) async throws -> Invoice {
        try await client.withConnection { connection in
            try connection.transaction { connection in
                try connection.query("SELECT pg_advisory_xact_lock(hashtext('vigil-credit:' || $1))", [number])
                guard
                    let row = try connection.query(
                        """
                        SELECT i.id, i.document, i.total::text AS total, i.client_id,
                               (SELECT coalesce(sum(-n.total), 0)::text FROM invoices n WHERE n.credits = i.id) AS credited
                        FROM invoices i WHERE i.number = $1 AND i.kind = 'invoice'
                        """, [number]
                    ).first, let document = row.string("document"), let invoiceID = row.int("id"),
                    let total = row.string("total").flatMap({ Money($0) }), let credited = row.string("credited").flatMap({ Money($0) })
                else {
                    throw InvoiceError(message: "no issued invoice numbered \(number)")
                }
                let invoice = try JSONDecoder().decode(Invoice.self, from: Data(document.utf8))
                let remaining = total - credited
                let credit: Money
                if let amount {
                    guard let value = Money(amount), value > .zero,
                        value.rounded(toFractionDigits: invoice.fractionDigits) == value
                    else {
                        throw InvoiceError(
                            message:
                                "--amount must be a positive amount in \(invoice.currency) with at most \(invoice.fractionDigits) decimals, got \(amount)"
                        )
                    }
                    credit = value
                } else {
                    credit = remaining
                }
                guard credit <= remaining, credit > .zero else {
                    throw InvoiceError(
                        message:
                            "\(number) has \(remaining.formatted(fractionDigits: invoice.fractionDigits)) \(invoice.currency) left to credit "
                            + "(total \(total.formatted(fractionDigits: invoice.fractionDigits)), credited \(credited.formatted(fractionDigits: invoice.fractionDigits))); "
                            + "cannot credit \(credit.formatted(fractionDigits: invoice.fractionDigits))")
                }
                // The subtotal and VAT in the invoice's proportion; the VAT takes the rounding.
                let subtotal =
                    invoice.total == .zero
                    ? credit
                    : credit.scaled(by: invoice.subtotal.units, over: invoice.total.units).rounded(toFractionDigits: invoice.fractionDigits)
                let vat = credit - subtotal
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(identifier: invoice.period.timeZone) ?? TimeZone(identifier: "UTC")!
                let day = calendar.dateComponents([.year, .month, .day], from: now)
                let issueDate = String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
                let year = day.year ?? 2000
                let sequence = try Self.nextNumber(connection, counter: "credit_note_numbers", year: year)
                let creditNumber = String(format: "%@-%04d-%06d", billing.creditNotePrefix, year, sequence)
                var note = invoice
                note.kind = "credit_note"
                note.number = creditNumber
                note.credits = number
                note.reason = reason
                note.issuedAt = now
                note.issueDate = issueDate
                note.dueDate = nil
                note.clientLines = [
                    InvoiceLine(
                        kind: "credit", description: "Credit for invoice \(number): \(reason)", quantity: 1,
                        amount: .zero - subtotal)
                ]
                note.subtotal = .zero - subtotal
                note.vat = .zero - vat
                note.total = .zero - credit
                note.seller =
                    InvoiceParty(seller: billing.seller).name == "(seller not configured)"
                    ? invoice.seller : InvoiceParty(seller: billing.seller)
                let encoded = String(decoding: try JSONEncoder().encode(note), as: UTF8.self)
                try connection.query(
                    """
                    INSERT INTO invoices (number, year, sequence, client_id, month, period_start, period_end, currency, provider_cost,
                                          subtotal, vat, total, document, issued_at, kind, credits, issue_date, reason,
                                          exchange_rate, rate_date, rate_source)
                    SELECT $1, $2, $3, client_id, month, period_start, period_end, currency, 0, $4::numeric, $5::numeric, $6::numeric, $7,
                           $8::timestamptz, 'credit_note', id, $9::date, $10, exchange_rate, rate_date, rate_source
                    FROM invoices WHERE id = $11
                    """,
                    [
                        creditNumber, year, sequence, note.subtotal.description, note.vat.description, note.total.description, encoded, now,
                        issueDate, reason, invoiceID,
                    ])
                return note
            }
        }
    }

    /// The issued document numbered `number` (an invoice or a credit note), as frozen.
    package func document(number: String) async throws -> Invoice? {
        try await client.withConnection { connection in
            guard let document = try connection.query("SELECT document FROM invoices WHERE number = $1", [number]).first?["document"],
                !document.isEmpty
            else { return nil }
            return try JSONDecoder().decode(Invoice.self, from: Data(document.utf8))
        }
    }

    /// The next number of a gapless yearly series: `counter` is `invoice_numbers` or
    /// `credit_note_numbers` (a fixed table name, never input); the row stays locked to the end of
    /// the transaction, so a number is taken only if the document is.
    static func nextNumber(_ connection: PostgresConnection, counter: String, year: Int) throws -> Int {
        try connection.query(
            """
            INSERT INTO \(counter) (year, last_number) VALUES ($1, 1)
            ON CONFLICT (year) DO UPDATE SET last_number = \(counter).last_number + 1
            RETURNING last_number
            """, [year]
        ).first?.int("last_number") ?? 1
    }

    /// The rate of `currency` in effect on the period's last day (in its time zone), if any.
    static func exchangeRate(_ connection: PostgresConnection, _ currency: String, _ period: BillingPeriod) throws -> InvoiceExchangeRate? {
        guard
            let row = try connection.query(
                """
                SELECT rate::text AS rate, to_char(effective_from, 'YYYY-MM-DD') AS day, source FROM exchange_rates
                WHERE currency = $1 AND effective_from <= $2::date ORDER BY effective_from DESC LIMIT 1
                """, [currency, period.lastDayLabel]
            ).first, let rate = row.string("rate").flatMap({ Money($0) })
        else { return nil }
        return InvoiceExchangeRate(rate: rate, date: row.string("day") ?? "", source: row.string("source") ?? "")
    }

    /// Each camera's analyses (successful calls it appeared in) and cost share over the rows
    /// matching `filter` (`$2` of `parameters` is the period's start, before which a row is late).
    static func cameraUsage(_ connection: PostgresConnection, filter: String, parameters: [any SQLParameter]) throws -> [CameraUsage] {
        try connection.query(
            """
            SELECT s.camera_id AS camera, (u."timestamp" < $2::timestamptz) AS late, count(*) FILTER (WHERE u.success) AS analyses,
                   coalesce(sum(s.share) FILTER (WHERE NOT u.unpriced), 0)::text AS cost
            FROM api_usage u\(CameraShares.rowsSource) WHERE \(filter) GROUP BY 1, 2 ORDER BY 2, 1
            """, parameters
        ).rows.map(cameraRow)
    }

    /// A month not issued yet, per camera: whole UTC hours from `camera_hourly`, the partial hours
    /// at the period's edges and the late rows from the rows (as ``draftAggregates``).
    static func draftCameraUsage(_ connection: PostgresConnection, clientKey: Int, period: BillingPeriod) throws -> [CameraUsage] {
        let firstHour = ceilHour(period.start)
        let lastHour = floorHour(period.end)
        var parts: [CameraUsage] = []
        if firstHour < lastHour {
            parts += try connection.query(
                """
                SELECT h.camera_id AS camera, false AS late, coalesce(sum(h.analyses - h.failed), 0) AS analyses,
                       coalesce(sum(h.cost_share), 0)::text AS cost
                FROM camera_hourly h WHERE h.client_id = $1 AND h.hour >= $2::timestamptz AND h.hour < $3::timestamptz GROUP BY 1
                """, [clientKey, firstHour, lastHour]
            ).rows.map(cameraRow)
        }
        for (from, to) in [(period.start, min(firstHour, period.end)), (max(lastHour, firstHour), period.end)] where from < to {
            parts += try cameraUsage(
                connection,
                filter: """
                    u.client_id = $1 AND u.invoice_id IS NULL AND u."timestamp" >= $3::timestamptz AND u."timestamp" < $4::timestamptz
                    AND $2::timestamptz IS NOT NULL
                    """, parameters: [clientKey, period.start, from, to])
        }
        parts += try cameraUsage(
            connection,
            filter: """
                u.client_id = $1 AND u.invoice_id IS NULL AND u."timestamp" < $2::timestamptz AND EXISTS (
                    SELECT 1 FROM invoices i WHERE i.client_id = u.client_id AND i.kind = 'invoice'
                    AND u."timestamp" >= i.period_start AND u."timestamp" < i.period_end)
                """, parameters: [clientKey, period.start])
        var merged: [String: CameraUsage] = [:]
        for part in parts {
            let id = part.cameraID + (part.late ? "\u{0}late" : "")
            if var existing = merged[id] {
                existing.analyses += part.analyses
                existing.costShare += part.costShare
                merged[id] = existing
            } else {
                merged[id] = part
            }
        }
        return merged.values.sorted { ($0.late ? 1 : 0, $0.cameraID) < ($1.late ? 1 : 0, $1.cameraID) }
    }

    private static func cameraRow(_ row: PostgresRow) -> CameraUsage {
        let camera = row.string("camera") ?? "legacy"
        return CameraUsage(
            cameraID: camera, name: camera, analyses: row.int("analyses") ?? 0,
            costShare: row.string("cost").flatMap { Money($0) } ?? .zero,
            late: row.bool("late") ?? false)
    }

    /// `usage` with the cameras' configured names.
    static func named(_ usage: [CameraUsage], _ names: [String: String]) -> [CameraUsage] {
        usage.map { camera in
            var named = camera
            named.name = names[camera.cameraID] ?? camera.cameraID
            return named
        }
    }

    /// The invoice already issued for the client and month, decoded from its frozen document.
    private static func issued(_ connection: PostgresConnection, _ code: String, _ period: BillingPeriod) throws -> Invoice? {
        guard
            let document = try connection.query(
                """
                SELECT i.document FROM invoices i JOIN clients c ON c.id = i.client_id
                WHERE c.code = $1 AND i.month = $2 AND i.kind = 'invoice'
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
            OR EXISTS (SELECT 1 FROM invoices i WHERE i.client_id = u.client_id AND i.kind = 'invoice'
                       AND u."timestamp" >= i.period_start AND u."timestamp" < i.period_end))
        """

    /// Per model (late rows apart), per source, and per model and the service tier that served the
    /// calls (late rows apart; the tier in ``UsageAggregate/kind``); `$2` of `parameters` is the
    /// period's start, before which a row is late.
    private static func aggregates(
        _ connection: PostgresConnection, filter: String,
        parameters: [any SQLParameter]
    ) throws -> ([UsageAggregate], [UsageAggregate], [UsageAggregate]) {
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
        let tiers = try connection.query(
            """
            SELECT coalesce(u.model, 'legacy') AS key, coalesce(u.service_tier, 'standard') AS kind,
                   (u."timestamp" < $2::timestamptz) AS late, \(sums)
            FROM api_usage u WHERE \(filter) GROUP BY 1, 2, 3 ORDER BY 3, 1, 2
            """, parameters
        ).rows.map { aggregate($0, kind: $0["kind"] ?? "") }
        return (lines, sources, tiers)
    }

    /// A month not issued yet: whole UTC hours of the period from `usage_hourly` (every row of the
    /// period is then on no invoice), the partial hours at its edges (time zones with :30 or :45
    /// offsets) and the late rows of issued months from the rows themselves. Equal, to the last
    /// digit, to aggregating the rows directly (tests hold them equal).
    static func draftAggregates(
        _ connection: PostgresConnection, clientKey: Int,
        period: BillingPeriod
    ) throws -> (lines: [UsageAggregate], sources: [UsageAggregate], tiers: [UsageAggregate]) {
        let firstHour = ceilHour(period.start)
        let lastHour = floorHour(period.end)
        var lines: [UsageAggregate] = []
        var sources: [UsageAggregate] = []
        var tiers: [UsageAggregate] = []
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
            tiers += try connection.query(
                "SELECT h.model AS key, h.service_tier AS kind, false AS late, \(UsageSums.hourlyColumns) \(hourly) GROUP BY 1, 2",
                parameters
            ).rows.map { aggregate($0, kind: $0["kind"] ?? "") }
        }
        // The rows outside whole hours (each a tight range of the partial index on uninvoiced rows).
        for (from, to) in [(period.start, min(firstHour, period.end)), (max(lastHour, firstHour), period.end)] where from < to {
            let (edgeLines, edgeSources, edgeTiers) = try aggregates(
                connection,
                filter: """
                    u.client_id = $1 AND u.invoice_id IS NULL AND u."timestamp" >= $3::timestamptz AND u."timestamp" < $4::timestamptz
                    AND $2::timestamptz IS NOT NULL
                    """, parameters: [clientKey, period.start, from, to])
            lines += edgeLines
            sources += edgeSources
            tiers += edgeTiers
        }
        // Late rows: on no invoice, inside a month of this client that was already issued.
        let issuedBefore =
            try connection.query(
                "SELECT count(*) AS n FROM invoices WHERE client_id = $1 AND period_start < $2::timestamptz",
                [clientKey, period.start]
            ).first?.int("n") ?? 0
        if issuedBefore > 0 {
            let (lateLines, lateSources, lateTiers) = try aggregates(
                connection,
                filter: """
                    u.client_id = $1 AND u.invoice_id IS NULL AND u."timestamp" < $2::timestamptz AND EXISTS (
                        SELECT 1 FROM invoices i WHERE i.client_id = u.client_id AND u."timestamp" >= i.period_start AND u."timestamp" < i.period_end)
                    """, parameters: [clientKey, period.start])
            lines += lateLines
            sources += lateSources
            tiers += lateTiers
        }
        return (merge(lines, byLate: true), merge(sources, byLate: false), mergeTiers(tiers))
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

    /// Sums per-tier aggregates that share a model, tier and lateness: by model (late ones last),
    /// then tier in ``ServiceTier`` order (standard, flex, priority), then any other (`unknown`).
    static func mergeTiers(_ parts: [UsageAggregate]) -> [UsageAggregate] {
        var merged: [String: UsageAggregate] = [:]
        for part in parts where part.calls > 0 {
            let id = part.key + "\u{0}" + part.kind + "\u{0}" + String(part.late)
            merged[id] = merged[id].map { $0 + part } ?? part
        }
        func rank(_ tier: String) -> Int {
            ServiceTier.allCases.firstIndex { $0.rawValue == tier } ?? ServiceTier.allCases.count
        }
        return merged.values.sorted {
            ($0.late ? 1 : 0, $0.key, rank($0.kind), $0.kind) < ($1.late ? 1 : 0, $1.key, rank($1.kind), $1.kind)
        }
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
    /// Why: usage without a price (fix the price book), or no exchange rate for the currency (add one).
    package enum Kind: Sendable, Equatable {
        case unpriced, missingRate, other
    }

    package var message: String
    package var kind: Kind
    package var description: String { message }

    package init(message: String, kind: Kind = .other) {
        self.message = message
        self.kind = kind
    }
}
