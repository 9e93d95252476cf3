package import Foundation
package import VigilCore

/// A client's invoice for one month: draft (no number) or issued (numbered and frozen).
///
/// Money rules, applied in this order:
/// 1. A line's provider cost is the exact sum of its rows' costs (15 decimals).
/// 2. A line's billed amount is provider cost × (1 + markup/100), rounded half-up to cents.
/// 3. Camera fees are fee × configured cameras (exact cents).
/// 4. Subtotal = billed lines + camera fees. VAT = subtotal × VAT/100, rounded half-up to cents.
/// 5. Total = subtotal + VAT.
/// Unpriced rows are counted and flagged, never billed as zero; an invoice with unpriced rows cannot
/// be issued until they are priced.
package struct Invoice: Sendable, Equatable, Codable {
    /// One line: a model's usage in the period, or late usage of an earlier month.
    package struct Line: Sendable, Equatable, Codable {
        package var usage: UsageAggregate
        /// Provider cost with the markup, rounded to cents.
        package var billed: Money
        /// `usage` or `late_usage`.
        package var kind: String { usage.late ? "late_usage" : "usage" }
        /// `gemini-2.5-flash`, or `gemini-2.5-flash (late usage of earlier months)`.
        package var description: String { usage.late ? "\(usage.key) (late usage of earlier months)" : usage.key }
    }

    package var number: String?
    package var clientID: String
    package var clientName: String
    package var clientEmail: String?
    package var period: BillingPeriod
    package var currency: String
    package var markupPercent: Money
    package var vatPercent: Money
    package var lines: [Line]
    /// Usage per camera or group, for the breakdown.
    package var sources: [UsageAggregate]
    package var cameras: Int
    package var cameraMonthlyFee: Money
    package var cameraFees: Money
    package var usageTotals: UsageAggregate
    package var subtotal: Money
    package var vat: Money
    package var total: Money
    package var issuedAt: Date?

    // What a business sends (fields absent from invoices issued before they existed).

    /// `invoice` (nil on invoices issued before credit notes existed) or `credit_note`.
    package var kind: String?
    /// Who bills, as configured when the invoice was made.
    package var seller: InvoiceParty?
    /// Who is billed.
    package var buyer: InvoiceParty?
    /// `YYYY-MM-DD` in the client's time zone: the day it was issued, and the day payment is due.
    package var issueDate: String?
    package var dueDate: String?
    /// The USD → currency rate the amounts were converted at; nil when the currency is USD.
    package var exchangeRate: InvoiceExchangeRate?
    /// Why the amounts could not be converted (no rate in effect): the draft is in USD and cannot be issued.
    package var rateProblem: String?
    /// What the client sees: a line per camera (and late usage, camera fees), in ``currency``.
    package var clientLines: [InvoiceLine]?
    /// Each camera's analyses and cost share behind ``clientLines`` (the operator's view).
    package var cameraUsage: [CameraUsage]?
    /// A credit note's invoice number, and its reason.
    package var credits: String?
    package var reason: String?
    /// The operator's view of the provider cost by service tier: one aggregate per model (``UsageAggregate/key``),
    /// tier that served the calls (``UsageAggregate/kind``: `standard`, `flex`, `priority`, or `unknown`)
    /// and lateness, in model, lateness and tier order. They add up to ``lines`` exactly (each line's calls,
    /// tokens and cost are the sum of its tiers'); nothing billed depends on them. Nil on invoices issued
    /// before tiers existed, and on drafts made without them.
    package var tiers: [UsageAggregate]?

    /// Decimals of the currency's minor unit.
    package var fractionDigits: Int { CurrencyUnits.fractionDigits(currency) }

    /// Whether any row is unpriced (the invoice cannot be issued).
    package var hasUnpricedUsage: Bool { usageTotals.unpricedCalls > 0 }

    /// Computes a draft from the period's usage and the client's plan.
    ///
    /// With `cameraUsage`, the client's lines are one per camera: its cost share × (1 + markup)
    /// (or the plan's `price_per_analysis` × its analyses), converted at `exchangeRate` when the
    /// plan's currency is not USD, each rounded once, half-up, to the currency's minor unit; then the
    /// camera fees (in the plan's currency), the subtotal, VAT on it (rounded once) and the total.
    /// Without it (older callers), the per-model lines are the client's lines. A plan in another
    /// currency with no `exchangeRate` gives a USD draft carrying `rateProblem`. `tiers` (the provider
    /// cost per model and service tier) is kept for the operator's view only: it changes no amount.
    package static func draft(
        client: ClientConfiguration, period: BillingPeriod, lines usage: [UsageAggregate],
        sources: [UsageAggregate], cameras: Int, cameraUsage: [CameraUsage]? = nil, seller: InvoiceParty? = nil,
        exchangeRate: InvoiceExchangeRate? = nil, cameraNames: [String: String] = [:], tiers: [UsageAggregate]? = nil
    ) -> Invoice {
        let plan = client.plan
        var currency = plan.currency
        var rate: Money?
        var rateProblem: String?
        if currency != "USD" {
            if let exchangeRate {
                rate = exchangeRate.rate
            } else {
                rateProblem =
                    "no USD → \(currency) exchange rate in effect on \(period.lastDayLabel): amounts are shown in USD; "
                    + "set one with vigil rates set --currency \(currency) --from YYYY-MM-DD --rate R before issuing"
                currency = "USD"
            }
        }
        let digits = CurrencyUnits.fractionDigits(currency)
        let markupMicros = plan.markupPercent.units / 1_000_000_000
        /// USD provider cost → the client's price in the invoice's currency, exact (not rounded).
        func billed(_ providerCost: Money) -> Money {
            let marked = providerCost.scaled(by: 100_000_000 + markupMicros, over: 100_000_000)
            guard let rate else { return marked }
            return marked.scaled(by: rate.units, over: Money.unitsPerWhole)
        }
        let lines = usage.map { aggregate in
            Line(usage: aggregate, billed: billed(aggregate.providerCost).rounded(toFractionDigits: digits))
        }
        let totals = usage.reduce(UsageAggregate(key: "total")) { $0 + $1 }
        let fee = plan.cameraMonthlyFee.rounded(toFractionDigits: digits)
        let fees = fee * cameras
        var clientLines: [InvoiceLine] = []
        if let cameraUsage {
            for camera in cameraUsage where camera.analyses > 0 || camera.costShare != .zero {
                let amount: Money
                var unitPrice: Money?
                if let price = plan.pricePerAnalysis, rateProblem == nil {
                    unitPrice = price
                    amount = (price * camera.analyses).rounded(toFractionDigits: digits)
                } else {
                    amount = billed(camera.costShare).rounded(toFractionDigits: digits)
                }
                let name = cameraNames[camera.cameraID] ?? camera.name
                clientLines.append(
                    InvoiceLine(
                        kind: camera.late ? "late_usage" : "camera", cameraID: camera.cameraID,
                        description: camera.late ? "\(name): analyses of earlier months, recorded late" : "\(name): analyses",
                        quantity: camera.analyses, unitPrice: unitPrice, amount: amount))
            }
        } else {
            for line in lines where line.usage.calls > 0 {
                clientLines.append(
                    InvoiceLine(
                        kind: line.kind, description: line.usage.late ? "Analyses of earlier months, recorded late" : "Analyses",
                        quantity: line.usage.calls, amount: line.billed))
            }
        }
        if cameras > 0 && fee > .zero {
            clientLines.append(
                InvoiceLine(kind: "camera_fee", description: "Monthly fee per camera", quantity: cameras, unitPrice: fee, amount: fees))
        }
        let subtotal = clientLines.reduce(Money.zero) { $0 + $1.amount }
        let vatMicros = plan.vatPercent.units / 1_000_000_000
        let vat = subtotal.scaled(by: vatMicros, over: 100_000_000).rounded(toFractionDigits: digits)
        var invoice = Invoice(
            number: nil, clientID: client.id, clientName: client.name, clientEmail: client.email, period: period,
            currency: currency, markupPercent: plan.markupPercent, vatPercent: plan.vatPercent, lines: lines,
            sources: sources, cameras: cameras, cameraMonthlyFee: plan.cameraMonthlyFee, cameraFees: fees,
            usageTotals: totals, subtotal: subtotal, vat: vat, total: subtotal + vat, issuedAt: nil)
        invoice.kind = "invoice"
        invoice.seller = seller
        invoice.buyer = InvoiceParty(client: client)
        invoice.exchangeRate = rate == nil ? nil : exchangeRate
        invoice.rateProblem = rateProblem
        invoice.clientLines = clientLines
        invoice.cameraUsage = cameraUsage
        invoice.tiers = tiers
        return invoice
    }
}
