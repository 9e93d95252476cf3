import Foundation
import VigilBilling
import VigilCore

/// The console's server-rendered pages. Every value goes through ``HTML``'s escaping interpolation.
enum Page {
    /// The frame of every page: the stylesheet, a header with the signed-in token and a logout
    /// button (a form with the session's CSRF token), and `body`.
    static func layout(title: String, principal: ConsolePrincipal?, body: HTML) -> HTML {
        var account: HTML = ""
        if let principal {
            let logout: HTML =
                principal.csrf.map { csrf in
                    "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\"><button type=\"submit\">Log out</button></form>"
                } ?? ""
            account =
                "<span>\(principal.token.name) (\(principal.token.role)\(principal.client.map { ", client " + $0 } ?? ""))</span> \(logout)"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(title) · Vigil</title>
            <link rel="stylesheet" href="/static/console.css"></head>
            <body><header><nav>\(nav(principal))</nav> \(account)</header><main>\(body)</main></body></html>
            """
    }

    /// The links of the header: the overview, the usage explorer and the invoices, and a
    /// client-limited token's client.
    static func nav(_ principal: ConsolePrincipal?) -> HTML {
        guard let principal else { return "<a href=\"/\">Vigil</a>" }
        let client: HTML = principal.client.map { " <a href=\"/clients/\(segment($0))\">Client \($0)</a>" } ?? ""
        return "<a href=\"/\">Vigil</a> <a href=\"/usage\">Usage</a> <a href=\"/invoices\">Invoices</a>\(client)"
    }

    /// The login form; `message` when the last attempt failed.
    static func login(message: String?) -> HTML {
        let error: HTML = message.map { "<p class=\"error\">\($0)</p>" } ?? ""
        return layout(
            title: "Log in", principal: nil,
            body: """
                <h1>Log in</h1>\(error)
                <form class="login" method="post" action="/login">
                <label>API token <input type="password" name="token" autocomplete="off" required></label>
                <button type="submit">Log in</button></form>
                """)
    }

    /// The overview: this month's calls, cost and tokens, spend per client, and a 30-day chart of
    /// daily cost.
    static func overview(
        principal: ConsolePrincipal, month: UsageReport, days: UsageReport, monthLabel: String, dayKeys: [String],
        clientNames: [String: String]
    ) -> HTML {
        let total = month.total.usage
        let clients: [HTML] = month.rows.map { row in
            "<tr><td>\(clientLink(row.usage.key, known: clientNames[row.usage.key] != nil))</td><td>\(clientNames[row.usage.key] ?? "")</td><td class=\"number\">\(row.usage.calls)</td><td class=\"number\">\(row.usage.totalTokens)</td><td class=\"number\">\(row.usage.providerCost.formatted(fractionDigits: 2))</td></tr>"
        }
        let costs = Dictionary(days.rows.map { ($0.usage.key, $0.usage.providerCost) }, uniquingKeysWith: { first, _ in first })
        return layout(
            title: "Overview", principal: principal,
            body: """
                <h1>Overview · \(monthLabel)</h1>
                <div class="figures">
                <div class="figure"><div>Calls</div><div class="value">\(total.calls)</div></div>
                <div class="figure"><div>Cost (USD)</div><div class="value" id="month-cost" title="\(total.providerCost.description) USD">\(total.providerCost.formatted(fractionDigits: 2))</div></div>
                <div class="figure"><div>Tokens</div><div class="value">\(total.totalTokens)</div></div>
                </div>
                <h2>Spend per client</h2>
                <table><thead><tr><th>Client</th><th>Name</th><th class="number">Calls</th><th class="number">Tokens</th><th class="number">Cost (USD)</th></tr></thead>
                <tbody>\(clients)</tbody></table>
                <h2>Daily cost, last 30 days</h2>
                \(chart(dayKeys.map { ($0, costs[$0] ?? Money.zero) }))
                """)
    }

    /// A bar chart of `values` as SVG (no script, no style attribute: classes only).
    static func chart(_ values: [(label: String, value: Money)]) -> HTML {
        let width = 720.0
        let height = 200.0
        let top = 20.0
        let bottom = 30.0
        let numbers = values.map { Double($0.value.description) ?? 0 }
        let maximum = max(numbers.max() ?? 0, 0.000001)
        let slot = width / Double(max(values.count, 1))
        var bars: [HTML] = []
        for (index, entry) in values.enumerated() {
            let barHeight = (height - top - bottom) * numbers[index] / maximum
            let x = Double(index) * slot + 2
            let y = height - bottom - barHeight
            bars.append(
                "<rect class=\"bar\" x=\"\(format(x))\" y=\"\(format(y))\" width=\"\(format(slot - 4))\" height=\"\(format(barHeight))\"><title>\(entry.label): \(entry.value.formatted(fractionDigits: 4)) USD</title></rect>"
            )
            if index % 5 == 0 {
                bars.append("<text x=\"\(format(x))\" y=\"\(format(height - 10))\">\(String(entry.label.suffix(5)))</text>")
            }
        }
        return """
            <svg class="chart" xmlns="http://www.w3.org/2000/svg" width="\(format(width))" height="\(format(height))" viewBox="0 0 \(format(width)) \(format(height))" role="img" aria-label="Daily cost">
            <line class="axis" x1="0" y1="\(format(height - bottom))" x2="\(format(width))" y2="\(format(height - bottom))"></line>
            <text x="4" y="12">max \(String(format: "%.4f", maximum)) USD</text>\(bars)</svg>
            """
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
