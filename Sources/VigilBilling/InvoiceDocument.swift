import Foundation
package import VigilCore

/// An invoice written out: JSON (for machines), CSV (for accounting), HTML (to print), text (terminal).
package enum InvoiceDocument {
    // MARK: JSON

    /// The invoice as JSON. Keys: `number` (null for a draft), `status`, `client`, `period.start`,
    /// `period.end`, `lines[]`, `sources[]`, `provider_cost_by_tier[]` (per model, `service_tier` and
    /// `late`; null on an invoice issued before tiers existed), `camera_fees`, `totals` (amounts as
    /// decimal strings).
    package static func json(_ invoice: Invoice) -> String {
        func usage(_ u: UsageAggregate) -> [(String, JSONNode)] {
            [
                ("calls", .number(u.calls)), ("failed_calls", .number(u.failedCalls)), ("prompt_tokens", .number(u.promptTokens)),
                ("cached_tokens", .number(u.cachedTokens)), ("completion_tokens", .number(u.completionTokens)),
                ("thoughts_tokens", .number(u.thoughtsTokens)), ("tool_use_tokens", .number(u.toolUseTokens)),
                ("total_tokens", .number(u.totalTokens)), ("provider_cost", .string(u.providerCost.description)),
                ("unpriced_calls", .number(u.unpricedCalls)), ("estimated_calls", .number(u.estimatedCalls)),
                ("invalid_usage_calls", .number(u.invalidCalls)),
            ]
        }
        let lines = invoice.lines.map { line in
            JSONNode.object(
                pairs: [("kind", .string(line.kind)), ("model", .string(line.usage.key)), ("description", .string(line.description))]
                    + usage(line.usage) + [
                        ("billed", .string(line.billed.formatted(fractionDigits: 2))),
                        ("margin", .string(margin(line.billed, cost: line.usage.providerCost, invoice).formatted(fractionDigits: 2))),
                    ])
        }
        let sources = invoice.sources.map { source in
            JSONNode.object(pairs: [("source_id", .string(source.key)), ("source_kind", .string(source.kind))] + usage(source))
        }
        let tiers = invoice.tiers.map { tiers in
            JSONNode.array(
                tiers.map { tier in
                    JSONNode.object(
                        pairs: [("model", .string(tier.key)), ("service_tier", .string(tier.kind)), ("late", .bool(tier.late))]
                            + usage(tier))
                })
        }
        let totals =
            usage(invoice.usageTotals) + [
                ("camera_fees", .string(invoice.cameraFees.formatted(fractionDigits: 2))),
                ("margin", .string(margin(invoice.subtotal, cost: invoice.usageTotals.providerCost, invoice).formatted(fractionDigits: 2))),
                ("subtotal", .string(invoice.subtotal.formatted(fractionDigits: 2))),
                ("vat", .string(invoice.vat.formatted(fractionDigits: 2))),
                ("total", .string(invoice.total.formatted(fractionDigits: 2))),
            ]
        let document = JSONNode.object(pairs: [
            ("number", invoice.number.map(JSONNode.string) ?? .null),
            ("status", .string(invoice.number == nil ? "draft" : "issued")),
            ("issued_at", invoice.issuedAt.map { .string(iso($0)) } ?? .null),
            (
                "client",
                .object(pairs: [
                    ("id", .string(invoice.clientID)), ("name", .string(invoice.clientName)),
                    ("email", invoice.clientEmail.map(JSONNode.string) ?? .null),
                ])
            ),
            ("month", .string(invoice.period.label)),
            (
                "period",
                .object(pairs: [
                    ("start", .string(iso(invoice.period.start))), ("end", .string(iso(invoice.period.end))),
                    ("time_zone", .string(invoice.period.timeZone)),
                ])
            ),
            ("currency", .string(invoice.currency)),
            ("markup_percent", .string(invoice.markupPercent.description)),
            ("vat_percent", .string(invoice.vatPercent.description)),
            ("lines", .array(lines)),
            ("sources", .array(sources)),
            ("provider_cost_by_tier", tiers ?? .null),
            (
                "camera_fees",
                .object(pairs: [
                    ("cameras", .number(invoice.cameras)),
                    ("fee_per_camera", .string(invoice.cameraMonthlyFee.formatted(fractionDigits: 2))),
                    ("amount", .string(invoice.cameraFees.formatted(fractionDigits: 2))),
                ])
            ),
            ("totals", .object(pairs: totals)),
        ])
        return document.serializedString
    }

    // MARK: CSV

    /// One row per line item (usage lines, camera fees, VAT), then the total, for accounting.
    ///
    /// Names, ids and descriptions are text cells, neutralised if they start like a formula;
    /// counts and amounts are number cells (a credit stays `-0.05`). See ``CSVField``.
    package static func csv(_ invoice: Invoice) -> String {
        var table = CSVTable(header: [
            "invoice", "client", "month", "kind", "description", "calls", "prompt_tokens", "cached_tokens", "completion_tokens",
            "thoughts_tokens", "total_tokens", "provider_cost", "amount", "currency", "unpriced_calls", "estimated_calls",
        ])
        let invoiceFields: [CSVField] = [.text(invoice.number ?? "DRAFT"), .text(invoice.clientID), .text(invoice.period.label)]
        let currency = CSVField.text(invoice.currency)
        for line in invoice.lines {
            let u = line.usage
            table.append(
                invoiceFields + [
                    .text(line.kind), .text(line.description), .number(u.calls), .number(u.promptTokens), .number(u.cachedTokens),
                    .number(u.completionTokens), .number(u.thoughtsTokens), .number(u.totalTokens), .number(u.providerCost),
                    .number(line.billed, fractionDigits: 2), currency, .number(u.unpricedCalls), .number(u.estimatedCalls),
                ])
        }
        if invoice.cameras > 0 && invoice.cameraMonthlyFee > .zero {
            table.append(
                invoiceFields + [
                    .text("camera_fee"), .text("\(invoice.cameras) cameras × \(invoice.cameraMonthlyFee.formatted(fractionDigits: 2))"),
                    .empty, .empty, .empty, .empty, .empty, .empty, .empty, .number(invoice.cameraFees, fractionDigits: 2), currency,
                    .empty, .empty,
                ])
        }
        table.append(
            invoiceFields + [
                .text("vat"), .text("VAT \(invoice.vatPercent)%"), .empty, .empty, .empty, .empty, .empty, .empty, .empty,
                .number(invoice.vat, fractionDigits: 2), currency, .empty, .empty,
            ])
        let totals = invoice.usageTotals
        table.append(
            invoiceFields + [
                .text("total"), .text("Total"), .number(totals.calls), .empty, .empty, .empty, .empty, .number(totals.totalTokens),
                .number(totals.providerCost), .number(invoice.total, fractionDigits: 2), currency, .number(totals.unpricedCalls),
                .number(totals.estimatedCalls),
            ])
        return table.written
    }

    // MARK: Text

    /// A terminal rendering. Every value from data (number, client, zone, model, camera, currency)
    /// has its control characters written visibly (`escapingControlCharacters()`: `\n`, `\x1b`), so
    /// none can forge a line or move the cursor.
    package static func text(_ invoice: Invoice) -> String {
        var out = ""
        let title = invoice.number.map { "Invoice \($0.escapingControlCharacters())" } ?? "DRAFT invoice (not issued)"
        out += "\(title) — \(invoice.clientName.escapingControlCharacters()) (\(invoice.clientID.escapingControlCharacters()))\n"
        out +=
            "Period \(invoice.period.label): \(iso(invoice.period.start)) to \(iso(invoice.period.end)) (\(invoice.period.timeZone.escapingControlCharacters()))\n\n"
        out +=
            pad("Model", 40) + lpad("Calls", 8) + lpad("Prompt", 11) + lpad("Cached", 9) + lpad("Output", 10) + lpad("Thoughts", 10)
            + lpad("Total tok", 12) + lpad("Provider cost", 16) + lpad("Billed", 12) + "\n"
        for line in invoice.lines {
            let u = line.usage
            out +=
                pad(line.description.escapingControlCharacters(), 40) + lpad("\(u.calls)", 8) + lpad("\(u.promptTokens)", 11)
                + lpad("\(u.cachedTokens)", 9)
                + lpad("\(u.completionTokens)", 10) + lpad("\(u.thoughtsTokens)", 10) + lpad("\(u.totalTokens)", 12)
                + lpad(u.providerCost.description, 16) + lpad(line.billed.formatted(fractionDigits: 2), 12) + "\n"
            if u.unpricedCalls > 0 {
                out +=
                    "    !! \(u.unpricedCalls) UNPRICED calls: their cost is unknown, not zero — run vigil prices set, then vigil prices reprice --unpriced\n"
            }
            if u.estimatedCalls > 0 { out += "    ~ \(u.estimatedCalls) calls with ESTIMATED tokens (the response reported none)\n" }
            if u.invalidCalls > 0 {
                out += "    !! \(u.invalidCalls) calls with INVALID USAGE are not billed here until reviewed (README: invalid usage)\n"
            }
        }
        if invoice.lines.isEmpty { out += "  (no usage in this period)\n" }
        if let tiers = invoice.tiers, !tiers.isEmpty {
            out += "\nProvider cost by model and service tier (the tier that served the calls):\n"
            for tier in tiers {
                let label = "\(tier.key) \(tier.kind)" + (tier.late ? " (late)" : "")
                out +=
                    "  " + pad(label.escapingControlCharacters(), 38) + lpad("\(tier.calls) calls", 14)
                    + lpad("\(tier.totalTokens) tokens", 18) + lpad(tier.providerCost.description, 16)
                if tier.unpricedCalls > 0 {
                    out += "  !! \(tier.unpricedCalls) UNPRICED (no \(tier.kind.escapingControlCharacters()) price)"
                }
                out += "\n"
            }
        }
        if !invoice.sources.isEmpty {
            out += "\nBy camera or group:\n"
            for source in invoice.sources {
                out +=
                    "  " + pad("\(source.kind) \(source.key)".escapingControlCharacters(), 38) + lpad("\(source.calls) calls", 14)
                    + lpad("\(source.totalTokens) tokens", 18)
                    + lpad(source.providerCost.description, 16) + "\n"
            }
        }
        out += "\n"
        if invoice.cameras > 0 && invoice.cameraMonthlyFee > .zero {
            out +=
                pad("Camera fees: \(invoice.cameras) × \(invoice.cameraMonthlyFee.formatted(fractionDigits: 2))", 60)
                + lpad(invoice.cameraFees.formatted(fractionDigits: 2), 14) + "\n"
        }
        out +=
            pad("Margin (subtotal less provider cost\(invoice.exchangeRate == nil ? "" : ", converted"))", 60)
            + lpad(margin(invoice.subtotal, cost: invoice.usageTotals.providerCost, invoice).formatted(fractionDigits: 2), 14) + "\n"
        out +=
            pad("Subtotal (provider cost \(invoice.usageTotals.providerCost) + \(invoice.markupPercent)% markup, fees)", 60)
            + lpad(invoice.subtotal.formatted(fractionDigits: 2), 14) + "\n"
        out += pad("VAT \(invoice.vatPercent)%", 60) + lpad(invoice.vat.formatted(fractionDigits: 2), 14) + "\n"
        out +=
            pad("Total \(invoice.currency.escapingControlCharacters())", 60) + lpad(invoice.total.formatted(fractionDigits: 2), 14) + "\n"
        if invoice.hasUnpricedUsage { out += "\n!! This invoice has UNPRICED usage and cannot be issued until it is priced.\n" }
        return out
    }

    // MARK: HTML

    /// A printable invoice page. Every value from data goes through ``escape(_:)``.
    package static func html(_ invoice: Invoice) -> String {
        let title = invoice.number.map { "Invoice \(escape($0))" } ?? "Draft invoice"
        var rows = ""
        for line in invoice.lines {
            let u = line.usage
            var note = ""
            if u.unpricedCalls > 0 { note += " <strong class=\"warn\">\(u.unpricedCalls) unpriced</strong>" }
            if u.estimatedCalls > 0 { note += " <em>\(u.estimatedCalls) estimated</em>" }
            rows +=
                "<tr><td>\(escape(line.description))\(note)</td><td class=n>\(u.calls)</td><td class=n>\(u.promptTokens)</td><td class=n>\(u.cachedTokens)</td>"
                + "<td class=n>\(u.completionTokens)</td><td class=n>\(u.thoughtsTokens)</td><td class=n>\(u.totalTokens)</td>"
                + "<td class=n>\(u.providerCost)</td><td class=n>\(line.billed.formatted(fractionDigits: 2))</td></tr>\n"
        }
        if invoice.cameras > 0 && invoice.cameraMonthlyFee > .zero {
            rows +=
                "<tr><td>Camera fees: \(invoice.cameras) × \(invoice.cameraMonthlyFee.formatted(fractionDigits: 2))</td><td colspan=7></td><td class=n>\(invoice.cameraFees.formatted(fractionDigits: 2))</td></tr>\n"
        }
        var tierRows = ""
        for tier in invoice.tiers ?? [] {
            let note = tier.unpricedCalls > 0 ? " <strong class=\"warn\">\(tier.unpricedCalls) unpriced</strong>" : ""
            tierRows +=
                "<tr><td>\(escape(tier.key))\(tier.late ? " (late)" : "")</td><td>\(escape(tier.kind))\(note)</td><td class=n>\(tier.calls)</td>"
                + "<td class=n>\(tier.totalTokens)</td><td class=n>\(tier.providerCost)</td></tr>\n"
        }
        let tierTable =
            tierRows.isEmpty
            ? ""
            : """
            <h2>Provider cost by model and service tier</h2>
            <table><thead><tr><th>Model</th><th>Tier</th><th class=n>Calls</th><th class=n>Tokens</th><th class=n>Provider cost</th></tr></thead><tbody>
            \(tierRows)</tbody></table>

            """
        var breakdown = ""
        for source in invoice.sources {
            breakdown +=
                "<tr><td>\(escape(source.kind)) \(escape(source.key))</td><td class=n>\(source.calls)</td><td class=n>\(source.totalTokens)</td><td class=n>\(source.providerCost)</td></tr>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(title) — \(escape(invoice.clientName))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2.5em; color: #111; }
            h1 { margin-bottom: 0.2em; } .meta { color: #555; margin-bottom: 2em; }
            table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; font-size: 0.9em; }
            th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.5em; text-align: left; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            .totals td { border: none; } .totals tr.total td { font-weight: bold; border-top: 2px solid #111; }
            .warn { color: #b00020; } .draft { color: #b00020; font-weight: bold; }
            @media print { body { margin: 1cm; } }
            </style></head><body>
            <h1>\(title)</h1>
            \(invoice.number == nil ? "<p class=\"draft\">DRAFT — not issued</p>" : "")
            <div class="meta"><div><strong>\(escape(invoice.clientName))</strong> (\(escape(invoice.clientID)))\(invoice.clientEmail.map { " — " + escape($0) } ?? "")</div>
            <div>Period \(invoice.period.label): \(iso(invoice.period.start)) to \(iso(invoice.period.end)) (\(escape(invoice.period.timeZone)))</div>
            \(invoice.issuedAt.map { "<div>Issued \(iso($0))</div>" } ?? "")</div>
            <table><thead><tr><th>Item</th><th class=n>Calls</th><th class=n>Prompt</th><th class=n>Cached</th><th class=n>Output</th><th class=n>Thoughts</th><th class=n>Total tokens</th><th class=n>Provider cost</th><th class=n>Amount (\(escape(invoice.currency)))</th></tr></thead>
            <tbody>
            \(rows)</tbody></table>
            <table class="totals">
            <tr><td>Subtotal (\(invoice.markupPercent)% markup on provider cost \(invoice.usageTotals.providerCost))</td><td class=n>\(invoice.subtotal.formatted(fractionDigits: 2))</td></tr>
            <tr><td>VAT \(invoice.vatPercent)%</td><td class=n>\(invoice.vat.formatted(fractionDigits: 2))</td></tr>
            <tr class="total"><td>Total \(escape(invoice.currency))</td><td class=n>\(invoice.total.formatted(fractionDigits: 2))</td></tr>
            </table>
            \(tierTable)<h2>By camera or group</h2>
            <table><thead><tr><th>Source</th><th class=n>Calls</th><th class=n>Tokens</th><th class=n>Provider cost</th></tr></thead><tbody>
            \(breakdown)</tbody></table>
            </body></html>

            """
    }

    /// What the operator keeps of `billed`: it less `cost` (USD) converted at the invoice's rate.
    static func margin(_ billed: Money, cost: Money, _ invoice: Invoice) -> Money {
        guard let rate = invoice.exchangeRate?.rate else { return billed - cost }
        return billed - cost.scaled(by: rate.units, over: Money.unitsPerWhole)
    }

    /// Text from data made safe in HTML, in an element or a quoted attribute: control characters
    /// written visibly as in the text rendering (`\n`, `\x1b`: a numeric reference would put the raw
    /// character back in the page), then `&`, `<`, `>`, `"` and `'` as character references.
    static func escape(_ text: String) -> String {
        text.escapingControlCharacters().replacingAll("&", with: "&amp;").replacingAll("<", with: "&lt;").replacingAll(">", with: "&gt;")
            .replacingAll("\"", with: "&quot;").replacingAll("'", with: "&#39;")
    }

    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func lpad(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
