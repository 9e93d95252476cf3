import Foundation
package import VigilCore

/// An invoice as the client sees it: seller and buyer, dates, a line per camera (analyses and
/// amount), camera fees, subtotal, VAT and total in the invoice's currency. Never the provider cost,
/// the markup percentage or the word "markup" (``InvoiceDocument`` is the operator's view, for
/// `vigil invoice --internal`). Every value from data is escaped for its format.
package enum ClientInvoiceDocument {
    /// The title: `Invoice VIG-2026-000123`, `Credit note CN-2026-000001`, or `DRAFT invoice`.
    package static func title(_ invoice: Invoice) -> String {
        let kind = invoice.kind == "credit_note" ? "Credit note" : "Invoice"
        return invoice.number.map { "\(kind) \($0)" } ?? "DRAFT \(kind.lowercased())"
    }

    /// The client's lines (per model for invoices issued before per-camera lines existed).
    package static func lines(_ invoice: Invoice) -> [InvoiceLine] {
        if let lines = invoice.clientLines { return lines }
        var lines = invoice.lines.map { line in
            InvoiceLine(kind: line.kind, description: "Analyses (\(line.description))", quantity: line.usage.calls, amount: line.billed)
        }
        if invoice.cameras > 0 && invoice.cameraMonthlyFee > .zero {
            lines.append(
                InvoiceLine(
                    kind: "camera_fee", description: "Monthly fee per camera", quantity: invoice.cameras,
                    unitPrice: invoice.cameraMonthlyFee, amount: invoice.cameraFees))
        }
        return lines
    }

    static func amount(_ money: Money, _ invoice: Invoice) -> String { money.formatted(fractionDigits: invoice.fractionDigits) }

    /// Metadata rows: number, dates, period, currency and rate.
    package static func facts(_ invoice: Invoice) -> [(String, String)] {
        var facts: [(String, String)] = []
        if let number = invoice.number { facts.append(("Number", number)) }
        if let credits = invoice.credits { facts.append(("Credits invoice", credits)) }
        facts.append(("Issue date", invoice.issueDate ?? "not issued"))
        if let due = invoice.dueDate { facts.append(("Due date", due)) }
        facts.append(("Period", "\(invoice.period.words) (\(invoice.period.timeZone))"))
        facts.append(("Currency", invoice.currency))
        if let rate = invoice.exchangeRate {
            facts.append(("Exchange rate", "1 USD = \(rate.rate) \(invoice.currency) (\(rate.date), \(rate.source))"))
        }
        if let reason = invoice.reason { facts.append(("Reason", reason)) }
        return facts
    }

    // MARK: JSON

    /// Keys: `kind`, `number`, `status`, `credits`, `seller{name, address, vat_id, ...}`,
    /// `buyer{...}`, `client{id, name}`, `issue_date`, `due_date`, `period{start, end, time_zone,
    /// words}`, `month`, `currency`, `exchange_rate{rate, date, source}` (null in USD),
    /// `lines[]{kind, camera_id, description, quantity, unit_price, amount}`,
    /// `totals{subtotal, vat, vat_percent, total}`; amounts are decimal strings in the currency.
    package static func json(_ invoice: Invoice) -> String {
        jsonNode(invoice).serializedString
    }

    package static func jsonNode(_ invoice: Invoice) -> JSONNode {
        func party(_ party: InvoiceParty?) -> JSONNode {
            guard let party else { return .null }
            return .object(pairs: [
                ("name", .string(party.name)), ("address", .array(party.address.map(JSONNode.string))),
                ("vat_id", party.vatID.map(JSONNode.string) ?? .null), ("company_id", party.companyID.map(JSONNode.string) ?? .null),
                ("email", party.email.map(JSONNode.string) ?? .null), ("phone", party.phone.map(JSONNode.string) ?? .null),
                ("payment_instructions", party.paymentInstructions.map(JSONNode.string) ?? .null),
            ])
        }
        let lines = lines(invoice).map { line in
            JSONNode.object(pairs: [
                ("kind", .string(line.kind)), ("camera_id", line.cameraID.map(JSONNode.string) ?? .null),
                ("description", .string(line.description)), ("quantity", .number(line.quantity)),
                ("unit_price", line.unitPrice.map { .string(amount($0, invoice)) } ?? .null),
                ("amount", .string(amount(line.amount, invoice))),
            ])
        }
        return .object(pairs: [
            ("kind", .string(invoice.kind ?? "invoice")),
            ("number", invoice.number.map(JSONNode.string) ?? .null),
            ("status", .string(invoice.number == nil ? "draft" : "issued")),
            ("credits", invoice.credits.map(JSONNode.string) ?? .null),
            ("reason", invoice.reason.map(JSONNode.string) ?? .null),
            ("seller", party(invoice.seller)),
            ("buyer", party(invoice.buyer ?? InvoiceParty(name: invoice.clientName, email: invoice.clientEmail))),
            ("client", .object(pairs: [("id", .string(invoice.clientID)), ("name", .string(invoice.clientName))])),
            ("issue_date", invoice.issueDate.map(JSONNode.string) ?? .null),
            ("due_date", invoice.dueDate.map(JSONNode.string) ?? .null),
            ("month", .string(invoice.period.label)),
            (
                "period",
                .object(pairs: [
                    ("start", .string(InvoiceDocument.iso(invoice.period.start))),
                    ("end", .string(InvoiceDocument.iso(invoice.period.end))),
                    ("time_zone", .string(invoice.period.timeZone)), ("words", .string(invoice.period.words)),
                ])
            ),
            ("currency", .string(invoice.currency)),
            (
                "exchange_rate",
                invoice.exchangeRate.map { rate in
                    .object(pairs: [
                        ("rate", .string(rate.rate.description)), ("date", .string(rate.date)), ("source", .string(rate.source)),
                    ])
                } ?? .null
            ),
            ("rate_problem", invoice.rateProblem.map(JSONNode.string) ?? .null),
            ("lines", .array(lines)),
            (
                "totals",
                .object(pairs: [
                    ("subtotal", .string(amount(invoice.subtotal, invoice))), ("vat_percent", .string(invoice.vatPercent.description)),
                    ("vat", .string(amount(invoice.vat, invoice))), ("total", .string(amount(invoice.total, invoice))),
                ])
            ),
        ])
    }

    // MARK: CSV

    /// One row per line, then VAT and the total; text cells neutralised (``CSVField``).
    package static func csv(_ invoice: Invoice) -> String {
        var table = CSVTable(header: [
            "document", "number", "client", "month", "issue_date", "kind", "camera_id", "description", "quantity", "unit_price", "amount",
            "currency",
        ])
        let head: [CSVField] = [
            .text(invoice.kind ?? "invoice"), .text(invoice.number ?? "DRAFT"), .text(invoice.clientID), .text(invoice.period.label),
            .text(invoice.issueDate ?? ""),
        ]
        let currency = CSVField.text(invoice.currency)
        let digits = invoice.fractionDigits
        for line in lines(invoice) {
            table.append(
                head + [
                    .text(line.kind), .text(line.cameraID ?? ""), .text(line.description), .number(line.quantity),
                    line.unitPrice.map { .number($0, fractionDigits: digits) } ?? .empty, .number(line.amount, fractionDigits: digits),
                    currency,
                ])
        }
        table.append(
            head + [
                .text("subtotal"), .empty, .text("Subtotal"), .empty, .empty, .number(invoice.subtotal, fractionDigits: digits), currency,
            ])
        table.append(
            head + [
                .text("vat"), .empty, .text("VAT \(invoice.vatPercent)%"), .empty, .empty, .number(invoice.vat, fractionDigits: digits),
                currency,
            ])
        table.append(
            head + [.text("total"), .empty, .text("Total"), .empty, .empty, .number(invoice.total, fractionDigits: digits), currency])
        return table.written
    }

    // MARK: Text

    /// A terminal rendering; values from data have their control characters written visibly.
    package static func text(_ invoice: Invoice) -> String {
        func e(_ text: String) -> String { text.escapingControlCharacters() }
        var out = "\(e(title(invoice)))\(invoice.number == nil ? " — not issued" : "")\n\n"
        if let seller = invoice.seller {
            out += "From: \(e(seller.name))\n"
            for line in seller.address { out += "      \(e(line))\n" }
            if let vat = seller.vatID { out += "      VAT \(e(vat))\n" }
        }
        let buyer = invoice.buyer ?? InvoiceParty(name: invoice.clientName, email: invoice.clientEmail)
        out += "To:   \(e(buyer.name))\n"
        for line in buyer.address { out += "      \(e(line))\n" }
        if let vat = buyer.vatID { out += "      VAT \(e(vat))\n" }
        out += "\n"
        for (label, value) in facts(invoice) { out += pad(label, 16) + e(value) + "\n" }
        if let problem = invoice.rateProblem { out += "\n!! \(e(problem))\n" }
        out += "\n" + pad("Item", 52) + lpad("Quantity", 10) + lpad("Unit price", 12) + lpad("Amount", 14) + "\n"
        for line in lines(invoice) {
            out +=
                pad(e(line.description), 52) + lpad("\(line.quantity)", 10) + lpad(line.unitPrice.map { amount($0, invoice) } ?? "", 12)
                + lpad(amount(line.amount, invoice), 14) + "\n"
        }
        out += "\n" + pad("Subtotal", 74) + lpad(amount(invoice.subtotal, invoice), 14) + "\n"
        out += pad("VAT \(invoice.vatPercent)%", 74) + lpad(amount(invoice.vat, invoice), 14) + "\n"
        out += pad("Total \(e(invoice.currency))", 74) + lpad(amount(invoice.total, invoice), 14) + "\n"
        if let instructions = invoice.seller?.paymentInstructions, invoice.kind != "credit_note" {
            out += "\nPayment: \(e(instructions))\n"
        }
        return out
    }

    // MARK: HTML

    /// A printable page; every value from data goes through ``InvoiceDocument/escape(_:)``.
    package static func html(_ invoice: Invoice) -> String {
        let h = InvoiceDocument.escape
        func partyHTML(_ party: InvoiceParty) -> String {
            var parts = ["<strong>\(h(party.name))</strong>"] + party.address.map(h)
            if let vat = party.vatID { parts.append("VAT \(h(vat))") }
            if let company = party.companyID { parts.append(h(company)) }
            if let email = party.email { parts.append(h(email)) }
            if let phone = party.phone { parts.append(h(phone)) }
            return parts.joined(separator: "<br>")
        }
        let buyer = invoice.buyer ?? InvoiceParty(name: invoice.clientName, email: invoice.clientEmail)
        var rows = ""
        for line in lines(invoice) {
            rows +=
                "<tr><td>\(h(line.description))</td><td class=n>\(line.quantity)</td><td class=n>\(line.unitPrice.map { amount($0, invoice) } ?? "")</td><td class=n>\(amount(line.amount, invoice))</td></tr>\n"
        }
        let facts = facts(invoice).map { "<tr><th>\(h($0.0))</th><td>\(h($0.1))</td></tr>" }.joined(separator: "\n")
        let footer = [invoice.seller?.paymentInstructions.map { "Payment: " + h($0) }].compactMap { $0 }.joined(separator: "<br>")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(h(title(invoice))) — \(h(buyer.name))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2.5em; color: #111; }
            .parties { display: flex; justify-content: space-between; margin: 1.5em 0; }
            table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; font-size: 0.95em; }
            th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.5em; text-align: left; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            table.facts { width: auto; } table.facts th { font-weight: normal; color: #555; }
            .totals td { border: none; } .totals tr.total td { font-weight: bold; border-top: 2px solid #111; }
            .draft { color: #b00020; font-weight: bold; font-size: 1.4em; } .warn { color: #b00020; }
            footer { margin-top: 2em; color: #444; font-size: 0.9em; }
            @media print { body { margin: 1cm; } }
            </style></head><body>
            <h1>\(h(title(invoice)))</h1>
            \(invoice.number == nil ? "<p class=\"draft\">DRAFT — not issued</p>" : "")
            <div class="parties"><div>\(invoice.seller.map(partyHTML) ?? "")</div><div>\(partyHTML(buyer))</div></div>
            <table class="facts">
            \(facts)
            </table>
            \(invoice.rateProblem.map { "<p class=\"warn\">\(h($0))</p>" } ?? "")
            <table><thead><tr><th>Item</th><th class=n>Quantity</th><th class=n>Unit price</th><th class=n>Amount (\(h(invoice.currency)))</th></tr></thead>
            <tbody>
            \(rows)</tbody></table>
            <table class="totals">
            <tr><td>Subtotal</td><td class=n>\(amount(invoice.subtotal, invoice))</td></tr>
            <tr><td>VAT \(invoice.vatPercent)%</td><td class=n>\(amount(invoice.vat, invoice))</td></tr>
            <tr class="total"><td>Total \(h(invoice.currency))</td><td class=n>\(amount(invoice.total, invoice))</td></tr>
            </table>
            <footer>\(footer)</footer>
            </body></html>

            """
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func lpad(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
