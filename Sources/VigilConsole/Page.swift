import Foundation
import VigilBilling
import VigilCore
import VigilStore

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

    /// The links of the header: the overview, the usage explorer and the invoices, a
    /// client-limited token's client, and the tokens for an admin of every client.
    static func nav(_ principal: ConsolePrincipal?) -> HTML {
        guard let principal else { return "<a href=\"/\">Vigil</a>" }
        let client: HTML = principal.client.map { " <a href=\"/clients/\(segment($0))\">Client \($0)</a>" } ?? ""
        let tokens: HTML = principal.role >= .admin && principal.client == nil ? " <a href=\"/tokens\">Tokens</a>" : ""
        return "<a href=\"/\">Vigil</a> <a href=\"/usage\">Usage</a> <a href=\"/invoices\">Invoices</a>\(client)\(tokens)"
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

    /// What the overview shows; ``ConsoleOverview`` reads it.
    struct Overview {
        var monthLabel: String
        var lastMonthLabel: String
        /// This month by client (its total is the month's), and last month's total.
        var month: UsageReport
        var lastMonth: UsageReport
        /// The last 30 days by day, and their keys (`YYYY-MM-DD`, oldest first).
        var days: UsageReport
        var dayKeys: [String]
        var clientNames: [String: String]
        var budgets: [String: BudgetList.Budget]
        var camerasDown: [ConsoleCatalog.Camera]

        /// The enabled cameras of the configuration not streaming now (their newest stream session
        /// ended, or they never connected; a camera whose daemon is stopped too: nobody watches
        /// it), those that never connected first, then the longest down.
        static func down(_ cameras: [ConsoleCatalog.Camera]) -> [ConsoleCatalog.Camera] {
            cameras.filter { $0.enabled && $0.active && !$0.streaming }.sorted { left, right in
                switch (left.downSince, right.downSince) {
                case (nil, nil): left.id < right.id
                case (nil, _): true
                case (_, nil): false
                case (let a?, let b?): a == b ? left.id < right.id : a < b
                }
            }
        }
    }

    /// The overview: this month beside last month (calls, skipped samples, tokens by kind, cost,
    /// success rate, p95 latency), spend per client with its budget, a 30-day chart of daily cost,
    /// and the cameras down now.
    static func overview(principal: ConsolePrincipal, _ overview: Overview) -> HTML {
        let total = overview.month.total.usage
        let months = [overview.month.total, overview.lastMonth.total]
        func line(_ label: String, id: String? = nil, _ value: (UsageReport.Row) -> HTML) -> HTML {
            let cells: [HTML] = months.enumerated().map { index, row in
                let cellID: HTML = id.map { index == 0 ? " id=\"\($0)\"" : " id=\"last-\($0)\"" } ?? ""
                return "<td class=\"number\"\(cellID)>\(value(row))</td>"
            }
            return "<tr><th>\(label)</th>\(cells)</tr>"
        }
        func count(_ number: Int) -> HTML { "\(number)" }
        let comparison: [HTML] = [
            line("Calls", id: "calls") { count($0.usage.calls) },
            line("Failed calls") { count($0.usage.failedCalls) },
            line("Success rate", id: "success-rate") { $0.usage.calls == 0 ? "–" : "\(String(format: "%.1f", $0.successRate * 100)) %" },
            line("Samples skipped (no change)", id: "skipped") { count($0.skipped?.count ?? 0) },
            line("Prompt tokens") { count($0.usage.promptTokens) },
            line("of them cached") { count($0.usage.cachedTokens) },
            line("Output tokens") { count($0.usage.completionTokens) },
            line("Thinking tokens (billed as output)") { count($0.usage.thoughtsTokens) },
            line("Tool-use tokens") { count($0.usage.toolUseTokens) },
            line("Total tokens", id: "tokens") { count($0.usage.totalTokens) },
            line("Cost (USD)", id: "cost") { usd($0.usage.providerCost) },
            line("Unpriced calls") { count($0.usage.unpricedCalls) },
            line("p95 latency (ms)", id: "p95") { $0.p95Milliseconds.map { "\(Int($0.rounded()))" } ?? "–" },
        ]
        let clients: [HTML] = overview.month.rows.map { row in
            let key = row.usage.key
            let budget: HTML = overview.budgets[key].map { budgetBar($0, width: 160) } ?? "–"
            return
                "<tr><td>\(clientLink(key, known: overview.clientNames[key] != nil))</td><td>\(overview.clientNames[key] ?? "")</td><td class=\"number\">\(row.usage.calls)</td><td class=\"number\">\(row.usage.totalTokens)</td><td class=\"number\">\(row.usage.providerCost.formatted(fractionDigits: 2))</td><td>\(budget)</td></tr>"
        }
        let costs = Dictionary(overview.days.rows.map { ($0.usage.key, $0.usage.providerCost) }, uniquingKeysWith: { first, _ in first })
        let down: HTML
        if overview.camerasDown.isEmpty {
            down = "<p id=\"cameras-down\">Every enabled camera is streaming.</p>"
        } else {
            let rows: [HTML] = overview.camerasDown.map { camera in
                let since: HTML = camera.downSince.map { "\(time($0))" } ?? "never connected"
                return
                    "<tr><td><a href=\"/cameras/\(segment(camera.id))\">\(camera.id)</a></td><td>\(camera.name)</td><td>\(clientLink(camera.client, known: true))</td><td>\(since)</td><td>\(camera.lastError ?? "")</td></tr>"
            }
            down = """
                <table id="cameras-down"><thead><tr><th>Camera</th><th>Name</th><th>Client</th><th>Down since</th><th>Last error</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                """
        }
        return layout(
            title: "Overview", principal: principal,
            body: """
                <h1>Overview · \(overview.monthLabel)</h1>
                <div class="figures">
                <div class="figure"><div>Calls</div><div class="value">\(total.calls)</div></div>
                <div class="figure"><div>Cost (USD)</div><div class="value" id="month-cost" title="\(total.providerCost.description) USD">\(total.providerCost.formatted(fractionDigits: 2))</div></div>
                <div class="figure"><div>Tokens</div><div class="value">\(total.totalTokens)</div></div>
                <div class="figure"><div>Cameras down</div><div class="value">\(overview.camerasDown.count)</div></div>
                </div>
                <h2>This month and last</h2>
                <table class="comparison"><thead><tr><th></th><th class="number">\(overview.monthLabel)</th><th class="number">\(overview.lastMonthLabel)</th></tr></thead>
                <tbody>\(comparison)</tbody></table>
                <h2>Spend per client · \(overview.monthLabel)</h2>
                <table><thead><tr><th>Client</th><th>Name</th><th class="number">Calls</th><th class="number">Tokens</th><th class="number">Cost (USD)</th><th>Budget (client's month)</th></tr></thead>
                <tbody>\(clients)</tbody></table>
                <h2>Daily cost, last 30 days</h2>
                \(bars(overview.dayKeys.map { day in
                    let cost = costs[day] ?? Money.zero
                    // The bar's height only: the exact amount is its title.
                    return (day, Double(cost.description) ?? 0, "\(day): \(cost.formatted(fractionDigits: 4)) USD")
                }, label: "Daily cost", unit: "USD"))
                <h2>Cameras down now</h2>
                \(down)
                """)
    }

    /// A client's budget as a bar: the share of its monthly limit spent, coloured by its sampling
    /// state, with the figures beside it.
    static func budgetBar(_ budget: BudgetList.Budget, width: Int) -> HTML {
        let fraction = min(max(budget.percent / 100, 0), 1)
        return """
            <svg class="budget" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="14" viewBox="0 0 \(width) 14" role="img" aria-label="Budget used: \(String(format: "%.1f", budget.percent)) %">
            <rect class="track" x="0" y="0" width="\(width)" height="14"></rect><rect class="used \(budget.state)" x="0" y="0" width="\(f(Double(width) * fraction))" height="14"></rect></svg>
            <span class="budget-figures">\(String(format: "%.1f", budget.percent)) % of \(budget.limit) USD (\(budget.state))</span>
            """
    }

}
