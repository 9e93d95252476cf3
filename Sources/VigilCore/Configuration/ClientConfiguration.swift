import Foundation

/// A client of the operator: a shop, garage or warehouse whose cameras are watched and invoiced.
package struct ClientConfiguration: Sendable, Equatable {
    /// Stable identifier used in the database, reports and invoices (`acme-garage`).
    package var id: String
    /// Name printed on invoices.
    package var name: String
    /// Billing e-mail address, if any.
    package var email: String?
    /// IANA time zone whose calendar months the invoices follow. Default `UTC`.
    package var timeZone: String
    /// How the client is billed.
    package var plan: BillingPlan
    /// The client's monthly spending limit; nil has none.
    package var budget: BudgetConfiguration?
    /// The name invoices are addressed to, when it differs from ``name``.
    package var legalName: String?
    /// The billing address, one line per element.
    package var address: [String]
    /// The client's VAT identification number.
    package var vatID: String?
    /// The client's own alert destinations and rule overrides; nil has none (the operator's apply).
    package var alerts: ClientAlertsConfiguration?

    package init(
        id: String, name: String, email: String? = nil, timeZone: String = "UTC", plan: BillingPlan = BillingPlan(),
        budget: BudgetConfiguration? = nil, legalName: String? = nil, address: [String] = [], vatID: String? = nil,
        alerts: ClientAlertsConfiguration? = nil
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.timeZone = timeZone
        self.plan = plan
        self.budget = budget
        self.legalName = legalName
        self.address = address
        self.vatID = vatID
        self.alerts = alerts
    }

    static let keys = ["id", "name", "email", "time_zone", "plan", "budget", "legal_name", "address", "vat_id", "alerts"]

    static func read(_ object: ConfigurationObject) -> ClientConfiguration? {
        let id = object.identifier("id")
        let name = object.string("name", required: true)
        let email = object.string("email")
        if let email, !(email.contains("@") && !email.contains(" ")) {
            object.reader.report(object.path("email"), line: object.line("email"), "is not an e-mail address")
        }
        var timeZone = "UTC"
        if let zone = object.string("time_zone") {
            if TimeZone(identifier: zone) != nil {
                timeZone = zone
            } else {
                object.reader.report(
                    object.path("time_zone"), line: object.line("time_zone"), "\"\(zone)\" is not a known time zone",
                    hint: "an IANA name such as Europe/Berlin or America/New_York")
            }
        }
        let plan = BillingPlan.read(object.object("plan", keys: BillingPlan.keys))
        let budget = BudgetConfiguration.read(object.object("budget", keys: BudgetConfiguration.keys))
        let legalName = object.string("legal_name")
        let address = object.strings("address") ?? []
        let vatID = object.string("vat_id")
        let alerts = ClientAlertsConfiguration.read(object.object("alerts", keys: ClientAlertsConfiguration.keys))
        guard let id, let name else { return nil }
        return ClientConfiguration(
            id: id, name: name, email: email, timeZone: timeZone, plan: plan, budget: budget, legalName: legalName, address: address,
            vatID: vatID, alerts: alerts)
    }
}

extension ConfigurationObject {
    /// A required identifier: 1 to 64 letters, digits, `-`, `_` or `.`, starting with a letter or digit.
    func identifier(_ key: String) -> String? {
        guard let value = string(key, required: true) else { return nil }
        let valid =
            value.count <= 64
            && value.first.map({ $0.isASCII && ($0.isLetter || $0.isNumber) }) == true
            && value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        guard valid else {
            reader.report(
                path(key), line: line(key), "\"\(value)\" is not a valid id",
                hint: "use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit")
            return nil
        }
        return value
    }
}
