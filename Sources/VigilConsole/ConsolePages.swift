import Foundation
import Hummingbird
import VigilBilling
import VigilCore
import VigilStore

/// The console's pages besides the overview, and its two billing actions.
///
/// - `GET /clients/{id}`, `/cameras/{id}`, `/usage` (and `/usage.csv`), `/invoices`,
///   `/invoices/draft?client=&month=`, `/invoices/{number}` (and `.html`, `.csv`, `.pdf`, `.json`),
///   `/evidence/{request id}.jpg`;
/// - `POST /invoices/issue` (client, month) and `/invoices/{number}/credit` (reason, amount):
///   the billing role, and over a session its CSRF token (checked by ``AuthenticationMiddleware``).
///
/// A client-limited token sees its client only: anything of another is 404.
struct ConsolePages: Sendable {
    let database: DatabaseClient
    /// The configured clients: their plans for drafts and issuing (none without a configuration).
    let clients: [ClientConfiguration]
    /// The configuration's billing section; nil when `vigil serve` was not given one, and then
    /// nothing is issued or credited here.
    let billing: BillingConfiguration?
    /// Form bodies are small.
    static let formLimit = 16_384

    func register(on router: Router<ConsoleRequestContext>) {
        let pages = self
        router.get("clients/:id") { _, context in try await pages.client(context: context) }
        router.get("cameras/:id") { _, context in try await pages.camera(context: context) }
        router.get("usage") { request, context in try await pages.usage(request, context: context, csv: false) }
        router.get("usage.csv") { request, context in try await pages.usage(request, context: context, csv: true) }
        router.get("invoices") { request, context in try await pages.invoices(request, context: context) }
        router.get("invoices/draft") { request, context in try await pages.draft(request, context: context) }
        router.get("invoices/:number") { _, context in
            try await ConsoleAPI.invoice(
                context.parameters.get("number") ?? "", principal: try ConsoleAPI.principal(context), database: pages.database,
                defaultFormat: "page")
        }
        router.post("invoices/issue") { request, context in try await pages.issue(request, context: context) }
        router.post("invoices/:number/credit") { request, context in try await pages.credit(request, context: context) }
        router.get("evidence/:file") { _, context in try await pages.evidence(context: context) }
    }

    static func utcCalendar() -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    func client(context: ConsoleRequestContext) async throws -> Response {
        let principal = try ConsoleAPI.principal(context)
        let id = context.parameters.get("id") ?? ""
        let catalog = ConsoleCatalog(client: database)
        guard principal.sees(client: id), let client = try await catalog.clients(only: id).first else {
            throw ConsoleError(.notFound, "no such client")
        }
        let now = Date()
        guard let period = BillingPeriod.containing(now, timeZone: client.timeZone) ?? BillingPeriod.containing(now, timeZone: "UTC")
        else { throw ConsoleError(.internalServerError, "no billing period") }
        let month = try await UsageRepository(client: database).report(
            from: period.start, to: min(now, period.end), client: id, grouping: "camera")
        let cameras = try await catalog.cameras(only: id)
        let budget = try await BudgetList.read(clients: clients, only: id, database: database, now: now).budgets.first
        let incidents = try await IncidentRepository(client: database).list(
            since: now.addingTimeInterval(-30 * 86400), clientID: id, cameraID: nil, limit: 10)
        let invoices = try await InvoiceRepository(client: database).list(client: id)
        // Drafts of this month and of the last when it is not issued yet, for a configured client.
        var drafts: [String] = []
        if clients.contains(where: { $0.id == id }) {
            drafts.append(period.label)
            if let previous = BillingPeriod.containing(period.start.addingTimeInterval(-1), timeZone: client.timeZone),
                !invoices.contains(where: { $0.month == previous.label && $0.kind != "credit_note" })
            {
                drafts.insert(previous.label, at: 0)
            }
        }
        return ConsoleResponse.html(
            Page.client(
                principal: principal, client: client, monthLabel: "\(period.label) (\(client.timeZone))", month: month, cameras: cameras,
                budget: budget, incidents: incidents, invoices: invoices, drafts: drafts))
    }

    func camera(context: ConsoleRequestContext) async throws -> Response {
        let principal = try ConsoleAPI.principal(context)
        let id = context.parameters.get("id") ?? ""
        let catalog = ConsoleCatalog(client: database)
        guard let camera = try await catalog.cameras(only: principal.client).first(where: { $0.id == id }) else {
            throw ConsoleError(.notFound, "no such camera")
        }
        let now = Date()
        let since = now.addingTimeInterval(-7 * 86400)
        // Sessions started up to 30 days back, so one still running into the window shows too.
        let sessions = (try await catalog.sessions(camera: id, only: principal.client, since: now.addingTimeInterval(-30 * 86400)) ?? [])
            .filter { ($0.endedAt ?? now) >= since }
        let calendar = Self.utcCalendar()
        let today = calendar.startOfDay(for: now)
        let firstDay = calendar.date(byAdding: .day, value: -13, to: today) ?? today
        let perDay = Dictionary(
            try await UsageRepository(client: database).cameraByDay(camera: id, client: camera.client, from: firstDay, to: now)
                .map { ($0.usage.key, $0.usage) }, uniquingKeysWith: { first, _ in first })
        let days: [(label: String, calls: Int, cost: Money)] = (0..<14).compactMap { offset in
            guard let start = calendar.date(byAdding: .day, value: offset, to: firstDay) else { return nil }
            let usage = perDay[UTCDay.label(start)]
            return (UTCDay.label(start), usage?.calls ?? 0, usage?.providerCost ?? .zero)
        }
        let incidents = try await IncidentRepository(client: database).list(
            since: now.addingTimeInterval(-30 * 86400), clientID: principal.client, cameraID: id, limit: 50)
        return ConsoleResponse.html(
            Page.camera(principal: principal, camera: camera, sessions: sessions, since: since, now: now, days: days, incidents: incidents))
    }

    func usage(_ request: Request, context: ConsoleRequestContext, csv: Bool) async throws -> Response {
        let principal = try ConsoleAPI.principal(context)
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? {
            guard let text = query[name[...]].map(String.init), !text.isEmpty else { return nil }
            return text
        }
        let calendar = Self.utcCalendar()
        let today = calendar.startOfDay(for: Date())
        let toText = value("to") ?? UTCDay.label(calendar.date(byAdding: .day, value: 1, to: today) ?? today)
        let fromText = value("from") ?? UTCDay.label(calendar.date(byAdding: .day, value: -29, to: today) ?? today)
        let to = try ConsoleAPI.date(toText, name: "to")
        let from = try ConsoleAPI.date(fromText, name: "from")
        guard from < to else { throw ConsoleError.badParameter("from", "a time before to") }
        let by = csv ? value("by") : (query["by"] == nil ? "day" : value("by"))
        if let by, !ConsoleAPI.groupings.contains(by) {
            throw ConsoleError.badParameter("by", "one of " + ConsoleAPI.groupings.joined(separator: ", "))
        }
        let report = try await UsageRepository(client: database).report(from: from, to: to, client: principal.client, grouping: by)
        guard csv else {
            return ConsoleResponse.html(
                Page.usage(principal: principal, from: fromText, to: toText, by: by, report: report, groupings: ConsoleAPI.groupings))
        }
        var table = CSVTable(header: [
            "key", "kind", "calls", "failed_calls", "prompt_tokens", "cached_tokens", "completion_tokens", "thoughts_tokens",
            "tool_use_tokens", "total_tokens", "cost_usd", "unpriced_calls",
        ])
        for row in report.rows + [report.total] {
            let usage = row.usage
            table.append([
                .text(usage.key), .text(usage.kind), .number(usage.calls), .number(usage.failedCalls), .number(usage.promptTokens),
                .number(usage.cachedTokens), .number(usage.completionTokens), .number(usage.thoughtsTokens), .number(usage.toolUseTokens),
                .number(usage.totalTokens), .number(usage.providerCost), .number(usage.unpricedCalls),
            ])
        }
        var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8"]
        headers[.contentDisposition] =
            "attachment; filename=\"usage-\(ConsoleAPI.fileName(fromText))-\(ConsoleAPI.fileName(toText)).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: table.written)))
    }

    /// A page's `month` parameter: this UTC month when it is absent or empty (the form's default).
    static func month(_ text: String?) throws -> String {
        guard let text, !text.isEmpty else { return BillingPeriod.containing(Date(), timeZone: "UTC")?.label ?? "" }
        return try checkedMonth(text)
    }

    /// `text` when it is a month `YYYY-MM`; 400 otherwise (empty too).
    static func checkedMonth(_ text: String) throws -> String {
        guard text.wholeMatch(of: /[0-9]{4}-(0[1-9]|1[0-2])/) != nil else { throw ConsoleError.badParameter("month", "a month as YYYY-MM") }
        return text
    }

    func invoices(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let principal = try ConsoleAPI.principal(context)
        let month = try Self.month(request.uri.queryParameters["month"].map(String.init))
        let issued = try await InvoiceRepository(client: database).list(month: month, client: principal.client)
        return ConsoleResponse.html(
            Page.invoices(
                principal: principal, month: month, issued: issued,
                clients: clients.filter { principal.sees(client: $0.id) }))
    }

    /// The configured client `id` if the principal may see it, with the month's period in its time zone.
    func customer(_ id: String?, month text: String?, principal: ConsolePrincipal) throws -> (ClientConfiguration, BillingPeriod) {
        guard let id, !id.isEmpty else { throw ConsoleError.badParameter("client", "a client id") }
        let month = try Self.month(text)
        guard principal.sees(client: id), let customer = clients.first(where: { $0.id == id }) else {
            throw ConsoleError(.notFound, "no such client in the configuration vigil serve was given")
        }
        guard let period = BillingPeriod.parse(month, timeZone: customer.timeZone) else {
            throw ConsoleError.badParameter("month", "a month as YYYY-MM")
        }
        return (customer, period)
    }

    /// The cameras counted on an invoice (enabled ones) and every camera's name.
    func cameras(of customer: ClientConfiguration) async throws -> (count: Int, names: [String: String]) {
        let cameras = try await ConsoleCatalog(client: database).cameras(only: customer.id)
        return (
            cameras.filter(\.enabled).count, Dictionary(cameras.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        )
    }

    func draft(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let principal = try ConsoleAPI.principal(context)
        let query = request.uri.queryParameters
        let (customer, period) = try customer(
            query["client"].map(String.init), month: query["month"].map(String.init), principal: principal)
        let format = query["format"].map(String.init) ?? "html"
        guard ["html", "pdf", "csv"].contains(format) else { throw ConsoleError.badParameter("format", "html, pdf or csv") }
        let (count, names) = try await cameras(of: customer)
        let invoice = try await InvoiceRepository(client: database).draft(
            for: customer, period: period, cameras: count, billing: billing ?? BillingConfiguration(), cameraNames: names)
        return try await ConsoleAPI.document(
            invoice, format: format, fileName: "draft-" + ConsoleAPI.fileName(customer.id) + "-" + period.label)
    }

    /// The billing role, and the billing configuration to issue with.
    func requireBilling(_ principal: ConsolePrincipal) throws -> BillingConfiguration {
        guard principal.role >= .billing else { throw ConsoleError.forbidden(.billing) }
        guard let billing else {
            throw ConsoleError(
                .serviceUnavailable, "vigil serve was started without the configuration's billing section: issue with vigil invoice")
        }
        return billing
    }

    static func form(_ request: Request) async throws -> FormBody {
        var request = request
        return FormBody(String(buffer: try await request.collectBody(upTo: formLimit)))
    }

    static func redirect(toInvoice number: String) -> Response {
        Response(status: .seeOther, headers: [.location: "/invoices/" + Page.segment(number)])
    }

    func issue(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let principal = try ConsoleAPI.principal(context)
        let billing = try requireBilling(principal)
        let form = try await Self.form(request)
        let (customer, period) = try customer(form["client"], month: form["month"], principal: principal)
        let (count, names) = try await cameras(of: customer)
        let invoice: Invoice
        do {
            invoice = try await InvoiceRepository(client: database).issue(
                for: customer, period: period, cameras: count, billing: billing, cameraNames: names)
        } catch let error as InvoiceError {
            throw ConsoleError(.conflict, "cannot issue \(customer.id) \(period.label): \(error.message)")
        }
        context.logger.info(
            "console issued an invoice",
            metadata: ["number": "\(invoice.number ?? "")", "client": "\(customer.id)", "token": "\(principal.token.name)"])
        return Self.redirect(toInvoice: invoice.number ?? "")
    }

    func credit(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let principal = try ConsoleAPI.principal(context)
        let billing = try requireBilling(principal)
        let number = context.parameters.get("number") ?? ""
        let repository = InvoiceRepository(client: database)
        guard let invoice = try await repository.document(number: number), principal.sees(client: invoice.clientID)
        else { throw ConsoleError(.notFound, "no such invoice") }
        let form = try await Self.form(request)
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ConsoleError.badParameter("reason", "why the credit note is issued") }
        let amount = form["amount"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let note: Invoice
        do {
            note = try await repository.credit(number: number, reason: reason, amount: amount, billing: billing)
        } catch let error as InvoiceError {
            throw ConsoleError(.conflict, "cannot credit \(number): \(error.message)")
        }
        context.logger.info(
            "console issued a credit note",
            metadata: ["number": "\(note.number ?? "")", "credits": "\(number)", "token": "\(principal.token.name)"])
        return Self.redirect(toInvoice: note.number ?? "")
    }

    /// The thread evidence pictures are read on.
    private static let files = WorkerPool(name: "vigil-console-files", threads: 1)

    /// An incident's evidence JPEG, found by its request id in `analyses.evidence_path` (never a
    /// path from the request), for a token allowed that client only.
    func evidence(context: ConsoleRequestContext) async throws -> Response {
        let principal = try ConsoleAPI.principal(context)
        let file = context.parameters.get("file") ?? ""
        guard file.hasSuffix(".jpg"), case let requestID = String(file.dropLast(4)), !requestID.isEmpty,
            let incident = try await IncidentRepository(client: database).list(
                since: Date(timeIntervalSince1970: 0), clientID: principal.client, cameraID: nil, requestID: requestID, limit: 1
            ).first,
            let path = incident.evidencePath,
            // The evidence store names each picture after its call: anything else is not one.
            (path as NSString).lastPathComponent == requestID + ".jpg",
            // Read on a thread of its own, not on Swift's cooperative pool.
            let data = try? await Self.files.run({ _ in FileManager.default.contents(atPath: path) }),
            data.starts(with: [0xFF, 0xD8, 0xFF])
        else { throw ConsoleError(.notFound, "no such evidence") }
        return Response(
            status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
