public import Foundation

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
public struct Invoice: Sendable, Equatable, Codable {
    /// One line: a model's usage in the period, or late usage of an earlier month.
    public struct Line: Sendable, Equatable, Codable {
        public var usage: UsageAggregate
        /// Provider cost with the markup, rounded to cents.
        public var billed: Money
        /// `usage` or `late_usage`.
        public var kind: String { usage.late ? "late_usage" : "usage" }
        /// `gemini-2.5-flash`, or `gemini-2.5-flash (late usage of earlier months)`.
        public var description: String { usage.late ? "\(usage.key) (late usage of earlier months)" : usage.key }
    }

    public var number: String?
    public var clientID: String
    public var clientName: String
    public var clientEmail: String?
    public var period: BillingPeriod
    public var currency: String
    public var markupPercent: Money
    public var vatPercent: Money
    public var lines: [Line]
    /// Usage per camera or group, for the breakdown.
    public var sources: [UsageAggregate]
    public var cameras: Int
    public var cameraMonthlyFee: Money
    public var cameraFees: Money
    public var usageTotals: UsageAggregate
    public var subtotal: Money
    public var vat: Money
    public var total: Money
    public var issuedAt: Date?

    /// Whether any row is unpriced (the invoice cannot be issued).
    public var hasUnpricedUsage: Bool { usageTotals.unpricedCalls > 0 }

    /// Computes a draft from the period's usage and the client's plan.
    public static func draft(client: ClientConfiguration, period: BillingPeriod, lines usage: [UsageAggregate],
                             sources: [UsageAggregate], cameras: Int) -> Invoice {
        let plan = client.plan
        let markupMicros = plan.markupPercent.units / 1_000_000_000
        let lines = usage.map { aggregate in
            Line(usage: aggregate, billed: aggregate.providerCost.scaled(by: 100_000_000 + markupMicros, over: 100_000_000).rounded(toFractionDigits: 2))
        }
        let totals = usage.reduce(UsageAggregate(key: "total")) { $0 + $1 }
        let fees = plan.cameraMonthlyFee.rounded(toFractionDigits: 2) * cameras
        let subtotal = lines.reduce(Money.zero) { $0 + $1.billed } + fees
        let vatMicros = plan.vatPercent.units / 1_000_000_000
        let vat = subtotal.scaled(by: vatMicros, over: 100_000_000).rounded(toFractionDigits: 2)
        return Invoice(number: nil, clientID: client.id, clientName: client.name, clientEmail: client.email, period: period,
                       currency: plan.currency, markupPercent: plan.markupPercent, vatPercent: plan.vatPercent, lines: lines,
                       sources: sources, cameras: cameras, cameraMonthlyFee: plan.cameraMonthlyFee, cameraFees: fees,
                       usageTotals: totals, subtotal: subtotal, vat: vat, total: subtotal + vat, issuedAt: nil)
    }
}
