import Foundation
import Hummingbird
import VigilBilling
import VigilCore
import VigilDocuments
import VigilStore

/// The REST API under `/api/v1/`: JSON only, described by ``OpenAPIDocument`` (`/api/v1/openapi.json`).
struct ConsoleAPI: Sendable {
    let database: DatabaseClient
    /// The configured clients, for their budgets; empty without a configuration.
    let clients: [ClientConfiguration]

    /// The groupings `usage?by=` accepts: every one of ``UsageRepository/report(from:to:client:grouping:session:)``.
    static let groupings = ["day", "model", "camera", "source", "client", "operation", "session", "tier", "node"]

    func register(on router: Router<ConsoleRequestContext>) {
        let api = router.group("api/v1")
        let database = self.database
        api.get("openapi.json") { _, context in
            _ = try Self.principal(context)
            return ConsoleResponse.json(text: OpenAPIDocument.text)
        }
        api.get("clients") { _, context in
            let principal = try Self.principal(context)
            return ConsoleResponse.json(ClientList(clients: try await ConsoleCatalog(client: database).clients(only: principal.client)))
        }
        api.get("clients/:id") { _, context in
            let principal = try Self.principal(context)
            let id = context.parameters.get("id") ?? ""
            guard principal.sees(client: id),
                let found = try await ConsoleCatalog(client: database).clients(only: id).first
            else { throw ConsoleError(.notFound, "no such client") }
            return ConsoleResponse.json(found)
        }
        api.get("cameras") { _, context in
            let principal = try Self.principal(context)
            return ConsoleResponse.json(CameraList(cameras: try await ConsoleCatalog(client: database).cameras(only: principal.client)))
        }
        api.get("cameras/:id/sessions") { request, context in
            let principal = try Self.principal(context)
            var days = 7
            if let text = request.uri.queryParameters["days"] {
                guard let value = Int(text), (1...366).contains(value) else {
                    throw ConsoleError.badParameter("days", "a whole number from 1 to 366")
                }
                days = value
            }
            guard
                let sessions = try await ConsoleCatalog(client: database).sessions(
                    camera: context.parameters.get("id") ?? "", only: principal.client,
                    since: Date().addingTimeInterval(-Double(days) * 86400))
            else { throw ConsoleError(.notFound, "no such camera") }
            return ConsoleResponse.json(SessionList(sessions: sessions))
        }
        api.get("usage") { request, context in
            let principal = try Self.principal(context)
            let query = request.uri.queryParameters
            let now = Date()
            let to = try query["to"].map { try Self.date(String($0), name: "to") } ?? now
            let from = try query["from"].map { try Self.date(String($0), name: "from") } ?? to.addingTimeInterval(-30 * 86400)
            guard from < to else { throw ConsoleError.badParameter("from", "a time before to") }
            let by = query["by"].map(String.init)
            if let by, !Self.groupings.contains(by) {
                throw ConsoleError.badParameter("by", "one of " + Self.groupings.joined(separator: ", "))
            }
            var client = principal.client
            if let asked = query["client"].map(String.init) {
                guard principal.sees(client: asked) else { throw ConsoleError(.notFound, "no such client") }
                guard try await !ConsoleCatalog(client: database).clients(only: asked).isEmpty else {
                    throw ConsoleError(.notFound, "no such client")
                }
                client = asked
            }
            let report = try await UsageRepository(client: database).report(from: from, to: to, client: client, grouping: by)
            return ConsoleResponse.json(
                UsageResponse(
                    from: from, to: to, client: client, by: by, total: UsageRow(report.total), rows: report.rows.map(UsageRow.init)))
        }
        api.get("incidents") { request, context in
            let principal = try Self.principal(context)
            var days = 7
            if let text = request.uri.queryParameters["days"] {
                guard let value = Int(text), (1...366).contains(value) else {
                    throw ConsoleError.badParameter("days", "a whole number from 1 to 366")
                }
                days = value
            }
            let rows = try await IncidentRepository(client: database).list(
                since: Date().addingTimeInterval(-Double(days) * 86400), clientID: principal.client, cameraID: nil, limit: 1000)
            return ConsoleResponse.json(IncidentList(incidents: rows))
        }
        api.get("invoices") { request, context in
            let principal = try Self.principal(context)
            // Every month when none is asked for.
            let month = try request.uri.queryParameters["month"].map { try ConsolePages.checkedMonth(String($0)) }
            let issued = try await InvoiceRepository(client: database).list(month: month, client: principal.client)
            return ConsoleResponse.json(InvoiceList(invoices: issued.map(InvoiceSummary.init)))
        }
        api.get("invoices/:number") { _, context in
            try await Self.invoice(context.parameters.get("number") ?? "", principal: try Self.principal(context), database: database)
        }
        let clients = self.clients
        api.get("budgets") { _, context in
            let principal = try Self.principal(context)
            return ConsoleResponse.json(try await BudgetList.read(clients: clients, only: principal.client, database: database))
        }
        api.get("tokens") { _, context in
            _ = try ConsoleTokens.requireTokenAdmin(context)
            return ConsoleResponse.json(TokenList(tokens: try await ConsoleTokenRepository(client: database).list()))
        }
    }

    /// One issued invoice or credit note in the format its suffix names (`.json`, `.csv`, `.html`,
    /// `.pdf`; none is JSON), for a principal allowed its client only (404 otherwise).
    static func invoice(_ requested: String, principal: ConsolePrincipal, database: DatabaseClient, defaultFormat: String = "json")
        async throws -> Response
    {
        var number = requested
        var format = defaultFormat
        for suffix in ["json", "csv", "html", "pdf"] where number.hasSuffix("." + suffix) {
            number = String(number.dropLast(suffix.count + 1))
            format = suffix
        }
        guard let invoice = try await InvoiceRepository(client: database).document(number: number),
            principal.sees(client: invoice.clientID)
        else { throw ConsoleError(.notFound, "no such invoice") }
        if format == "page" { return ConsoleResponse.html(Page.invoice(invoice, principal: principal)) }
        return try await document(invoice, format: format, fileName: Self.fileName(number))
    }

    /// An invoice, issued or a draft, as `csv` or `pdf` (downloads named `fileName`), `html` (the
    /// printable document), or else JSON. A draft's PDF says DRAFT on every page.
    static func document(_ invoice: Invoice, format: String, fileName: String) async throws -> Response {
        switch format {
        case "csv":
            var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8"]
            headers[.contentDisposition] = "attachment; filename=\"\(fileName).csv\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ClientInvoiceDocument.csv(invoice))))
        case "html":
            return documentPage(ClientInvoiceDocument.html(invoice))
        case "pdf":
            var headers: HTTPFields = [.contentType: "application/pdf"]
            headers[.contentDisposition] = "attachment; filename=\"\(fileName).pdf\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try await InvoicePDF.render(invoice))))
        default:
            return ConsoleResponse.json(text: ClientInvoiceDocument.json(invoice))
        }
    }

    /// A self-contained printable document (an invoice's HTML), under a policy allowing only its own `<style>`.
    static func documentPage(_ page: String) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        // The printable document carries its own <style>: allowed by its hash, nothing else inline.
        headers[.contentSecurityPolicy] = SecurityHeadersMiddleware.documentPolicy(styleOf: page)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func principal(_ context: ConsoleRequestContext) throws -> ConsolePrincipal {
        guard let principal = context.principal else { throw ConsoleError.unauthenticated }
        return principal
    }

    /// An invoice number as a file name: letters, digits, `-` and `_` only.
    static func fileName(_ number: String) -> String {
        String(
            number.unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" ? Character($0) : "_"
            })
    }

    /// `YYYY-MM-DD` (UTC midnight) or an ISO 8601 time.
    static func date(_ text: String, name: String) throws -> Date {
        if let date = UTCDay.parse(text) ?? (try? Date(text, strategy: Date.ISO8601FormatStyle())) { return date }
        throw ConsoleError.badParameter(name, "a date YYYY-MM-DD or an ISO 8601 time such as 2026-11-01T00:00:00Z")
    }
}

struct ClientList: Encodable { var clients: [ConsoleCatalog.Client] }
struct CameraList: Encodable { var cameras: [ConsoleCatalog.Camera] }
struct SessionList: Encodable { var sessions: [ConsoleCatalog.StreamSession] }
struct IncidentList: Encodable { var incidents: [IncidentRow] }
struct InvoiceList: Encodable { var invoices: [InvoiceSummary] }
struct TokenList: Encodable { var tokens: [ConsoleTokenRepository.Token] }

/// One issued invoice or credit note.
struct InvoiceSummary: Encodable {
    var number: String
    var kind: String
    var client: String
    var month: String
    var issueDate: String
    var dueDate: String?
    var total: String
    var currency: String
    var credits: String?

    init(_ issued: InvoiceRepository.Issued) {
        number = issued.number
        kind = issued.kind
        client = issued.client
        month = issued.month
        issueDate = issued.issueDate
        dueDate = issued.dueDate
        total = issued.total
        currency = issued.currency
        credits = issued.credits
    }

    enum CodingKeys: String, CodingKey {
        case number, kind, client, month, total, currency, credits
        case issueDate = "issue_date"
        case dueDate = "due_date"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(kind, forKey: .kind)
        try container.encode(client, forKey: .client)
        try container.encode(month, forKey: .month)
        try container.encode(issueDate, forKey: .issueDate)
        try container.encode(dueDate, forKey: .dueDate)
        try container.encode(total, forKey: .total)
        try container.encode(currency, forKey: .currency)
        try container.encode(credits, forKey: .credits)
    }
}

/// `GET /api/v1/usage`.
struct UsageResponse: Encodable {
    var from: Date
    var to: Date
    var client: String?
    var by: String?
    var total: UsageRow
    var rows: [UsageRow]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(client, forKey: .client)
        try container.encode(by, forKey: .by)
        try container.encode(total, forKey: .total)
        try container.encode(rows, forKey: .rows)
    }

    enum CodingKeys: String, CodingKey { case from, to, client, by, total, rows }
}

/// One row of a usage report; the cost is exact decimal text in USD.
struct UsageRow: Encodable {
    var key: String
    var kind: String
    var calls: Int
    var failedCalls: Int
    var promptTokens: Int
    var cachedTokens: Int
    var completionTokens: Int
    var thoughtsTokens: Int
    var toolUseTokens: Int
    var totalTokens: Int
    var cost: String
    var unpricedCalls: Int
    var skippedSamples: Int
    /// Calls that succeeded, as a fraction of all (0 to 1); nil without calls.
    var successRate: Double?
    /// Latency of the calls: the mean (exact) and the 95th percentile (from the latency histogram,
    /// within one bucket); nil without calls, and for a camera's line (latency is per call, not
    /// per camera).
    var averageLatencyMilliseconds: Double?
    var p95LatencyMilliseconds: Double?

    init(_ row: UsageReport.Row) {
        let usage = row.usage
        key = usage.key
        kind = usage.kind
        calls = usage.calls
        failedCalls = usage.failedCalls
        promptTokens = usage.promptTokens
        cachedTokens = usage.cachedTokens
        completionTokens = usage.completionTokens
        thoughtsTokens = usage.thoughtsTokens
        toolUseTokens = usage.toolUseTokens
        totalTokens = usage.totalTokens
        cost = usage.providerCost.description
        unpricedCalls = usage.unpricedCalls
        skippedSamples = row.skipped?.count ?? 0
        successRate = usage.calls == 0 ? nil : (row.successRate * 10000).rounded() / 10000
        averageLatencyMilliseconds = row.averageMilliseconds.map { ($0 * 10).rounded() / 10 }
        p95LatencyMilliseconds = row.p95Milliseconds.map { $0.rounded() }
    }

    /// Every key, the latency and success rate as null when unknown.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(kind, forKey: .kind)
        try container.encode(calls, forKey: .calls)
        try container.encode(failedCalls, forKey: .failedCalls)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(cachedTokens, forKey: .cachedTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(thoughtsTokens, forKey: .thoughtsTokens)
        try container.encode(toolUseTokens, forKey: .toolUseTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
        try container.encode(cost, forKey: .cost)
        try container.encode(unpricedCalls, forKey: .unpricedCalls)
        try container.encode(skippedSamples, forKey: .skippedSamples)
        try container.encode(successRate, forKey: .successRate)
        try container.encode(averageLatencyMilliseconds, forKey: .averageLatencyMilliseconds)
        try container.encode(p95LatencyMilliseconds, forKey: .p95LatencyMilliseconds)
    }

    enum CodingKeys: String, CodingKey {
        case key, kind, calls, cost
        case failedCalls = "failed_calls"
        case promptTokens = "prompt_tokens"
        case cachedTokens = "cached_tokens"
        case completionTokens = "completion_tokens"
        case thoughtsTokens = "thoughts_tokens"
        case toolUseTokens = "tool_use_tokens"
        case totalTokens = "total_tokens"
        case unpricedCalls = "unpriced_calls"
        case skippedSamples = "skipped_samples"
        case successRate = "success_rate"
        case averageLatencyMilliseconds = "average_latency_ms"
        case p95LatencyMilliseconds = "p95_latency_ms"
    }
}
