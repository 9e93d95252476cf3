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

    /// Whether any row is unpriced (the invoice cannot be issued).
    package var hasUnpricedUsage: Bool { usageTotals.unpricedCalls > 0 }

    /// Computes a draft from the period's usage and the client's plan.
    package static func draft(
        client: ClientConfiguration, period: BillingPeriod, lines usage: [UsageAggregate],
        sources: [UsageAggregate], cameras: Int
    ) -> Invoice {
        let plan = client.plan
        let markupMicros = plan.markupPercent.units / 1_000_000_000
        let lines = usage.map { aggregate in
            Line(
                usage: aggregate,
                billed: aggregate.providerCost.scaled(by: 100_000_000 + markupMicros, over: 100_000_000).rounded(toFractionDigits: 2))
        }
        let totals = usage.reduce(UsageAggregate(key: "total")) { $0 + $1 }
        let fees = plan.cameraMonthlyFee.rounded(toFractionDigits: 2) * cameras
        let subtotal = lines.reduce(Money.zero) { $0 + $1.billed } + fees
        let vatMicros = plan.vatPercent.units / 1_000_000_000
        let vat = subtotal.scaled(by: vatMicros, over: 100_000_000).rounded(toFractionDigits: 2)
        return Invoice(
            number: nil, clientID: client.id, clientName: client.name, clientEmail: client.email, period: period,
            currency: plan.currency, markupPercent: plan.markupPercent, vatPercent: plan.vatPercent, lines: lines,
            sources: sources, cameras: cameras, cameraMonthlyFee: plan.cameraMonthlyFee, cameraFees: fees,
            usageTotals: totals, subtotal: subtotal, vat: vat, total: subtotal + vat, issuedAt: nil)
    }
}
