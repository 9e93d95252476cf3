import Foundation
import VigilBilling
import VigilCore
import VigilStore

/// The console's pages besides the overview: a client, a camera, the usage explorer, the invoices.
/// Every value goes through ``HTML``'s escaping interpolation; links carry ids percent-encoded.
extension Page {
    /// `text` as one percent-encoded path segment or query value (letters, digits and `-._~` as they are).
    static func segment(_ text: String) -> String { text.percentEncodedUnreserved() }

    /// A client's id, linked to its page when it is a known client.
    static func clientLink(_ id: String, known: Bool) -> HTML {
        known ? "<a href=\"/clients/\(segment(id))\">\(id)</a>" : "\(id)"
    }

    static func usd(_ money: Money) -> HTML { "<span title=\"\(money.description) USD\">\(money.formatted(fractionDigits: 2))</span>" }

    /// `2026-11-30 12:51 UTC`, or a dash for no time.
    static func time(_ date: Date?) -> String {
        date.map { UTCDay.minute($0) + " UTC" } ?? "–"
    }

    /// `/clients/{id}`: its cameras with this month's calls and cost, its budget, latest
    /// incidents and invoices.
    static func client(
        principal: ConsolePrincipal, client: ConsoleCatalog.Client, monthLabel: String, month: UsageReport,
        cameras: [ConsoleCatalog.Camera], budget: BudgetList.Budget?, incidents: [IncidentRow], invoices: [InvoiceRepository.Issued],
        drafts: [String] = []
    ) -> HTML {
        let perCamera = Dictionary(month.rows.map { ($0.usage.key, $0.usage) }, uniquingKeysWith: { first, _ in first })
        let cameraRows: [HTML] = cameras.map { camera in
            let usage = perCamera[camera.id]
            return
                "<tr><td><a href=\"/cameras/\(segment(camera.id))\">\(camera.id)</a></td><td>\(camera.name)</td><td>\(camera.enabled ? "yes" : "no")</td><td class=\"number\">\(usage?.calls ?? 0)</td><td class=\"number\">\(usd(usage?.providerCost ?? .zero))</td></tr>"
        }
        var budgetPart: HTML = "<p>No budget configured.</p>"
        if let budget {
            budgetPart = """
                <p>\(budget.spent) of \(budget.limit) USD spent in \(budget.month) (\(String(format: "%.1f", budget.percent)) %), sampling \(budget.state).</p>
                \(budgetBar(budget, width: 400))
                """
        }
        return layout(
            title: "Client \(client.id)", principal: principal,
            body: """
                <h1>Client \(client.id) · \(client.name)</h1>
                <p>Time zone \(client.timeZone).</p>
                <h2>Cameras · \(monthLabel)</h2>
                <table><thead><tr><th>Camera</th><th>Name</th><th>Enabled</th><th class="number">Calls</th><th class="number">Cost (USD)</th></tr></thead>
                <tbody>\(cameraRows)</tbody>
                <tfoot><tr><th colspan="3">Total</th><th class="number" id="client-calls">\(month.total.usage.calls)</th><th class="number" id="client-cost">\(usd(month.total.usage.providerCost))</th></tr></tfoot></table>
                <h2>Budget</h2>\(budgetPart)
                <h2>Latest incidents</h2>\(incidentTable(incidents))
                <h2>Invoices</h2>\(draftTable(client: client.id, months: drafts))\(invoiceTable(invoices))
                """)
    }

    /// Drafts of `months` (`YYYY-MM`) for `client`: a preview and downloads, not yet issued.
    static func draftTable(client: String, months: [String]) -> HTML {
        guard !months.isEmpty else { return "" }
        let rows: [HTML] = months.map { month in
            let query = "client=\(segment(client))&month=\(segment(month))"
            return
                "<tr><td>Draft</td><td>\(month)</td><td><a href=\"/invoices/draft?\(query)\">HTML</a> <a href=\"/invoices/draft?\(query)&amp;format=pdf\">PDF</a> <a href=\"/invoices/draft?\(query)&amp;format=csv\">CSV</a></td></tr>"
        }
        return
            "<table class=\"drafts\"><thead><tr><th>Not issued</th><th>Month</th><th>Download</th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    static func incidentTable(_ incidents: [IncidentRow], thumbnails: Bool = false) -> HTML {
        guard !incidents.isEmpty else { return "<p>None.</p>" }
        let rows: [HTML] = incidents.map { incident in
            var evidence: HTML = ""
            if thumbnails {
                evidence =
                    incident.evidencePath == nil
                    ? "<td></td>"
                    : "<td><a href=\"/evidence/\(segment(incident.requestID)).jpg\"><img class=\"evidence\" src=\"/evidence/\(segment(incident.requestID)).jpg\" alt=\"Evidence of \(incident.requestID)\" width=\"160\"></a></td>"
            }
            return
                "<tr><td>\(time(incident.time))</td><td><a href=\"/cameras/\(segment(incident.cameraID))\">\(incident.cameraID)</a></td><td>\(incident.incidentType)</td><td class=\"number\">\(incident.confidence ?? "")</td><td>\(incident.description)</td>\(evidence)</tr>"
        }
        let evidenceHeader: HTML = thumbnails ? "<th>Evidence</th>" : ""
        return
            "<table><thead><tr><th>Time</th><th>Camera</th><th>Type</th><th class=\"number\">Confidence</th><th>Description</th>\(evidenceHeader)</tr></thead><tbody>\(rows)</tbody></table>"
    }

    static func invoiceTable(_ invoices: [InvoiceRepository.Issued]) -> HTML {
        guard !invoices.isEmpty else { return "<p>No issued invoices.</p>" }
        let rows: [HTML] = invoices.map { issued in
            let number = segment(issued.number)
            let money = Money(issued.total)?.formatted(fractionDigits: CurrencyUnits.fractionDigits(issued.currency)) ?? issued.total
            return
                "<tr><td><a href=\"/invoices/\(number)\">\(issued.number)</a></td><td>\(issued.kind == "credit_note" ? "credit note" : "invoice")</td><td>\(issued.client)</td><td>\(issued.month)</td><td>\(issued.issueDate)</td><td class=\"number\">\(money) \(issued.currency)</td><td><a href=\"/invoices/\(number).html\">HTML</a> <a href=\"/invoices/\(number).pdf\">PDF</a> <a href=\"/invoices/\(number).csv\">CSV</a></td></tr>"
        }
        return
            "<table><thead><tr><th>Number</th><th>Kind</th><th>Client</th><th>Month</th><th>Issued</th><th class=\"number\">Total</th><th>Download</th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    /// `/cameras/{id}`: a timeline of its stream sessions, calls per day, its incidents with evidence.
    static func camera(
        principal: ConsolePrincipal, camera: ConsoleCatalog.Camera, sessions: [ConsoleCatalog.StreamSession], since: Date, now: Date,
        days: [(label: String, calls: Int, cost: Money)], incidents: [IncidentRow]
    ) -> HTML {
        let known = principal.sees(client: camera.client)
        return layout(
            title: "Camera \(camera.id)", principal: principal,
            body: """
                <h1>Camera \(camera.id) · \(camera.name)</h1>
                <p>Client \(clientLink(camera.client, known: known)); \(camera.enabled ? "enabled" : "disabled"), \(camera.active ? "active" : "inactive").</p>
                <h2>Stream sessions, last 7 days</h2>
                \(timeline(sessions, since: since, now: now))
                <h2>Calls per day, last \(days.count) days</h2>
                \(bars(days.map { ($0.label, Double($0.calls), "\($0.label): \($0.calls) calls, \($0.cost.formatted(fractionDigits: 4)) USD") }, label: "Calls per day", unit: "calls"))
                <table class="days"><thead><tr><th>Day (UTC)</th><th class="number">Calls</th><th class="number">Cost (USD)</th></tr></thead>
                <tbody>\(days.map { "<tr><td>\($0.label)</td><td class=\"number\">\($0.calls)</td><td class=\"number\">\(usd($0.cost))</td></tr>" as HTML })</tbody></table>
                <h2>Incidents, last 30 days</h2>\(incidentTable(incidents, thumbnails: true))
                """)
    }

    /// Sessions as bars over the window `since`…`now`, one per line; an open session runs to now.
    static func timeline(_ sessions: [ConsoleCatalog.StreamSession], since: Date, now: Date) -> HTML {
        let width = 720.0
        let span = max(now.timeIntervalSince(since), 1)
        let lanes = max(sessions.count, 1)
        let laneHeight = 14.0
        let height = Double(lanes) * laneHeight + 30
        func x(_ date: Date) -> Double { min(max(date.timeIntervalSince(since) / span, 0), 1) * width }
        var marks: [HTML] = []
        for offset in 0...7 {
            let at = x(since.addingTimeInterval(Double(offset) * 86400))
            marks.append(
                "<line class=\"grid\" x1=\"\(f(at))\" y1=\"0\" x2=\"\(f(at))\" y2=\"\(f(height - 20))\"></line><text x=\"\(f(min(at + 2, width - 40)))\" y=\"\(f(height - 6))\">\(String(UTCDay.label(since.addingTimeInterval(Double(offset) * 86400)).suffix(5)))</text>"
            )
        }
        let bars: [HTML] = sessions.enumerated().map { index, session in
            let start = x(session.startedAt ?? since)
            let end = x(session.endedAt ?? now)
            let y = Double(index) * laneHeight + 2
            let open = session.endedAt == nil
            return
                "<rect class=\"session\(open ? " open" : "")\" x=\"\(f(start))\" y=\"\(f(y))\" width=\"\(f(max(end - start, 1.5)))\" height=\"\(f(laneHeight - 4))\"><title>\(time(session.startedAt)) – \(open ? "now" : time(session.endedAt))\(session.endReason.map { " (" + $0 + ")" } ?? "")</title></rect>"
        }
        let empty: HTML = sessions.isEmpty ? "<text x=\"4\" y=\"12\">no sessions</text>" : ""
        return """
            <svg class="chart timeline" xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" role="img" aria-label="Stream sessions">\(marks)\(bars)\(empty)</svg>
            """
    }

    /// A bar chart of `values` as SVG, each bar with its title (no script, no style attribute:
    /// classes only); `label` names the chart, `unit` its maximum.
    static func bars(_ values: [(label: String, value: Double, title: String)], label: String, unit: String) -> HTML {
        let width = 720.0
        let height = 200.0
        let top = 20.0
        let bottom = 30.0
        let maximum = max(values.map(\.value).max() ?? 0, 0.000001)
        let slot = width / Double(max(values.count, 1))
        var parts: [HTML] = []
        for (index, entry) in values.enumerated() {
            let barHeight = (height - top - bottom) * entry.value / maximum
            let x = Double(index) * slot + 2
            parts.append(
                "<rect class=\"bar\" x=\"\(f(x))\" y=\"\(f(height - bottom - barHeight))\" width=\"\(f(max(slot - 4, 1)))\" height=\"\(f(barHeight))\"><title>\(entry.title)</title></rect>"
            )
            if index % max(values.count / 7, 1) == 0 {
                parts.append("<text x=\"\(f(x))\" y=\"\(f(height - 10))\">\(String(entry.label.suffix(5)))</text>")
            }
        }
        return """
            <svg class="chart" xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" role="img" aria-label="\(label)">
            <line class="axis" x1="0" y1="\(f(height - bottom))" x2="\(f(width))" y2="\(f(height - bottom))"></line>
            <text x="4" y="12">max \(String(format: "%g", maximum)) \(unit)</text>\(parts)</svg>
            """
    }

    /// `/usage`: the form, the report's rows and total, and a link to the same as CSV.
    static func usage(principal: ConsolePrincipal, from: String, to: String, by: String?, report: UsageReport, groupings: [String])
        -> HTML
    {
        let options: [HTML] = ([""] + groupings).map { name in
            "<option value=\"\(name)\"\(name == (by ?? "") ? " selected" : "")>\(name.isEmpty ? "(total only)" : name)</option>"
        }
        let rows: [HTML] = report.rows.map { row in
            let usage = row.usage
            return
                "<tr><td>\(usage.key)</td><td>\(usage.kind)</td><td class=\"number\">\(usage.calls)</td><td class=\"number\">\(usage.failedCalls)</td><td class=\"number\">\(usage.totalTokens)</td><td class=\"number\">\(usage.providerCost.description)</td></tr>"
        }
        let total = report.total.usage
        let csv = "/usage.csv?from=\(segment(from))&to=\(segment(to))" + (by.map { "&by=" + segment($0) } ?? "")
        return layout(
            title: "Usage", principal: principal,
            body: """
                <h1>Usage explorer</h1>
                <form class="usage" method="get" action="/usage">
                <label>From <input type="date" name="from" value="\(from)"></label>
                <label>To (excluded) <input type="date" name="to" value="\(to)"></label>
                <label>Group by <select name="by">\(options)</select></label>
                <button type="submit">Show</button></form>
                <p>From \(from) to \(to) (UTC, end excluded). <a href="\(csv)" id="usage-csv">Download as CSV</a></p>
                <table id="usage"><thead><tr><th>Key</th><th>Kind</th><th class="number">Calls</th><th class="number">Failed</th><th class="number">Tokens</th><th class="number">Cost (USD)</th></tr></thead>
                <tbody>\(rows)</tbody>
                <tfoot><tr><th colspan="2">Total</th><th class="number" id="usage-calls">\(total.calls)</th><th class="number">\(total.failedCalls)</th><th class="number">\(total.totalTokens)</th><th class="number" id="usage-cost">\(total.providerCost.description)</th></tr></tfoot></table>
                """)
    }

    /// `/invoices`: the month's issued documents, and each configured client's draft (with an
    /// issue button for the billing role).
    static func invoices(principal: ConsolePrincipal, month: String, issued: [InvoiceRepository.Issued], clients: [ClientConfiguration])
        -> HTML
    {
        let canIssue = principal.role >= .billing
        let drafts: [HTML] = clients.map { customer in
            let done = issued.contains { $0.client == customer.id && $0.kind == "invoice" }
            var action: HTML = done ? "issued" : ""
            if canIssue && !done {
                action =
                    "<form method=\"post\" action=\"/invoices/issue\">\(csrfField(principal))<input type=\"hidden\" name=\"client\" value=\"\(customer.id)\"><input type=\"hidden\" name=\"month\" value=\"\(month)\"><button type=\"submit\">Issue</button></form>"
            }
            return
                "<tr><td>\(customer.id)</td><td>\(customer.name)</td><td><a href=\"/invoices/draft?client=\(segment(customer.id))&amp;month=\(segment(month))\">Preview</a></td><td>\(action)</td></tr>"
        }
        let draftPart: HTML =
            clients.isEmpty
            ? "<p>No configured clients: start vigil serve with a configuration (--config) to preview drafts.</p>"
            : "<table><thead><tr><th>Client</th><th>Name</th><th>Draft</th><th></th></tr></thead><tbody>\(drafts)</tbody></table>"
        return layout(
            title: "Invoices", principal: principal,
            body: """
                <h1>Invoices · \(month)</h1>
                <form method="get" action="/invoices"><label>Month <input type="month" name="month" value="\(month)"></label> <button type="submit">Show</button></form>
                <h2>Issued</h2>\(invoiceTable(issued))
                <h2>Drafts</h2>\(draftPart)
                """)
    }

    /// `/invoices/{number}`: one issued document, its downloads, and for the billing role a credit-note form.
    static func invoice(_ invoice: Invoice, principal: ConsolePrincipal) -> HTML {
        let number = invoice.number ?? ""
        let link = segment(number)
        let isCredit = invoice.kind == "credit_note"
        var credit: HTML = ""
        if !isCredit && principal.role >= .billing {
            credit = """
                <h2>Credit note</h2>
                <form class="credit" method="post" action="/invoices/\(link)/credit">\(csrfField(principal))
                <label>Reason <input type="text" name="reason" required></label>
                <label>Amount (\(invoice.currency), VAT included; empty for all that remains) <input type="text" name="amount"></label>
                <button type="submit">Issue credit note</button></form>
                """
        }
        let credits: HTML =
            invoice.credits.map { "<p>Credits invoice <a href=\"/invoices/\(segment($0))\">\($0)</a>: \(invoice.reason ?? "")</p>" } ?? ""
        return layout(
            title: number, principal: principal,
            body: """
                <h1>\(isCredit ? "Credit note" : "Invoice") \(number)</h1>\(credits)
                <table><tbody>
                <tr><th>Client</th><td>\(clientLink(invoice.clientID, known: true)) · \(invoice.clientName)</td></tr>
                <tr><th>Period</th><td>\(invoice.period.label)</td></tr>
                <tr><th>Issued</th><td>\(invoice.issueDate ?? "")</td></tr>
                <tr><th>Due</th><td>\(invoice.dueDate ?? "–")</td></tr>
                <tr><th>Subtotal</th><td class="number">\(invoice.subtotal.formatted(fractionDigits: invoice.fractionDigits)) \(invoice.currency)</td></tr>
                <tr><th>VAT</th><td class="number">\(invoice.vat.formatted(fractionDigits: invoice.fractionDigits)) \(invoice.currency)</td></tr>
                <tr><th>Total</th><td class="number" id="invoice-total">\(invoice.total.formatted(fractionDigits: invoice.fractionDigits)) \(invoice.currency)</td></tr>
                </tbody></table>
                <p class="downloads"><a href="/invoices/\(link).html">HTML</a> <a href="/invoices/\(link).pdf" id="invoice-pdf">PDF</a> <a href="/invoices/\(link).csv">CSV</a></p>
                \(credit)
                """)
    }

    static func csrfField(_ principal: ConsolePrincipal) -> HTML {
        principal.csrf.map { "<input type=\"hidden\" name=\"csrf\" value=\"\($0)\">" } ?? ""
    }

    /// A coordinate in SVG: one decimal.
    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
