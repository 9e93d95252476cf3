package import VigilCore

/// The rate an invoice's USD amounts were converted at: units of the invoice's currency for 1 USD,
/// the day it took effect, and where it came from. Stored with the issued invoice, never re-read.
package struct InvoiceExchangeRate: Sendable, Equatable, Codable {
    package var rate: Money
    /// `YYYY-MM-DD`: the day the rate took effect (on or before the period's last day).
    package var date: String
    package var source: String

    package init(rate: Money, date: String, source: String) {
        self.rate = rate
        self.date = date
        self.source = source
    }
}
