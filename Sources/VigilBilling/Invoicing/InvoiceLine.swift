package import VigilCore

/// A line the client sees: what was bought and its amount in the invoice's currency, rounded once
/// to the currency's minor unit. Never the provider cost or the markup.
package struct InvoiceLine: Sendable, Equatable, Codable {
    /// `camera` (a camera's analyses), `late_usage` (a camera's analyses of earlier months, arrived
    /// after their invoice), `camera_fee` (the monthly fee of the configured cameras), or `credit`.
    package var kind: String
    /// The camera, for `camera` and `late_usage` lines.
    package var cameraID: String?
    package var description: String
    /// Analyses for a camera line, cameras for the fee.
    package var quantity: Int
    /// The price of one, when the line is priced per unit (camera fees, price per analysis).
    package var unitPrice: Money?
    package var amount: Money

    package init(kind: String, cameraID: String? = nil, description: String, quantity: Int, unitPrice: Money? = nil, amount: Money) {
        self.kind = kind
        self.cameraID = cameraID
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.amount = amount
    }
}
