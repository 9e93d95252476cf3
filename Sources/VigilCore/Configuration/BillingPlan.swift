/// What a client pays: provider cost plus markup, a fee per camera, and VAT.
///
/// Provider costs are in USD (the price book's currency); an invoice in another ``currency`` converts
/// them at the exchange rate of the period's last day (`vigil rates`). The camera fee and the price
/// per analysis are in ``currency``.
package struct BillingPlan: Sendable, Equatable {
    /// The invoice's currency, an ISO 4217 code. Default `USD`.
    package var currency: String
    /// Percent added to the provider cost (25 means cost × 1.25). Default 0.
    package var markupPercent: Money
    /// Fixed fee per configured camera per month. Default 0.
    package var cameraMonthlyFee: Money
    /// VAT percent applied to the subtotal. Default 0.
    package var vatPercent: Money
    /// When set, each analysis of a camera is billed at this price (in ``currency``) instead of its
    /// provider cost share with the markup.
    package var pricePerAnalysis: Money?

    package init(
        currency: String = "USD", markupPercent: Money = .zero, cameraMonthlyFee: Money = .zero, vatPercent: Money = .zero,
        pricePerAnalysis: Money? = nil
    ) {
        self.currency = currency
        self.markupPercent = markupPercent
        self.cameraMonthlyFee = cameraMonthlyFee
        self.vatPercent = vatPercent
        self.pricePerAnalysis = pricePerAnalysis
    }

    static let keys = ["currency", "markup_percent", "camera_monthly_fee", "vat_percent", "price_per_analysis"]

    static func read(_ object: ConfigurationObject?) -> BillingPlan {
        guard let object else { return BillingPlan() }
        var plan = BillingPlan()
        if let currency = object.string("currency") {
            if currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) {
                plan.currency = currency
            } else {
                object.reader.report(
                    object.path("currency"), line: object.line("currency"), "\"\(currency)\" is not an ISO 4217 currency code",
                    hint: "three capital letters such as USD, EUR or GBP; amounts are converted from USD at the rates of vigil rates")
            }
        }
        if let value = object.money("markup_percent", maximum: Money(whole: 10_000)) { plan.markupPercent = value }
        if let value = object.money("camera_monthly_fee", maximum: Money(whole: 1_000_000)) { plan.cameraMonthlyFee = value }
        if let value = object.money("vat_percent", maximum: Money(whole: 100)) { plan.vatPercent = value }
        if let value = object.money("price_per_analysis", maximum: Money(whole: 1_000)) { plan.pricePerAnalysis = value }
        for key in ["markup_percent", "vat_percent"] {
            let value = key == "markup_percent" ? plan.markupPercent : plan.vatPercent
            if value.units % 1_000_000_000 != 0 {
                object.reader.report(
                    object.path(key), line: object.line(key), "has more than 6 decimal places", hint: "round it to 6 decimals")
            }
        }
        return plan
    }
}
