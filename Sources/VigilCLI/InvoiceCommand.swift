import ArgumentParser
import Foundation
import VigilBilling
import VigilCore
import VigilDocuments
import VigilStore

/// `vigil invoice`: a client's monthly invoice.
struct InvoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice",
        abstract: "Produce a client's invoice for a calendar month (a draft unless --issue).",
        discussion: """
            The period is the calendar month in the client's time zone (UTC unless configured): the first \
            instant included, the first instant of the next month excluded. Without --issue the invoice is \
            a draft preview and changes nothing. With --issue it gets the next gapless number of its year \
            (billing.invoice_prefix, VIG-2026-000123), its issue and due dates, the exchange rate of its \
            currency on the period's last day, and its usage rows are frozen onto it; issuing again returns \
            the same invoice. The client's document shows a line per camera (analyses and amount), camera \
            fees, subtotal, VAT and total; --internal shows the operator's view (provider cost, markup, \
            margin, per model).

            Examples:
              vigil invoice --client northside-garage --month 2026-10
              vigil invoice --client northside-garage --month 2026-10 --issue --format html --output inv.html
              vigil invoice --client northside-garage --month 2026-10 --internal
              vigil invoice --all --month 2026-10 --issue --output-dir invoices/2026-10 --format pdf,csv
              vigil invoice credit --number VIG-2026-000123 --reason "camera 3 was offline for a week" --amount 25.00
              vigil invoice list --month 2026-10
            """,
        subcommands: [Credit.self, List.self]
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Client id, as in the configuration.", valueName: "ID"))
    var client: String?

    @Flag(help: "Every configured client, each in its own transaction; needs --output-dir.")
    var all = false

    @Option(help: ArgumentHelp("With --all: where the documents go, one file per client and format.", valueName: "DIR"))
    var outputDir: String?

    @Option(name: .customLong("month"), help: ArgumentHelp("The month to invoice.", valueName: "YYYY-MM"))
    var monthOption: String?

    /// The month asked (validated before run).
    var month: String { monthOption ?? "" }

    @Option(
        name: .customLong("format"),
        help: ArgumentHelp(
            "Output format: text, json, csv, html or pdf; with --all, the formats to write, comma-separated (default pdf,csv,json).",
            valueName: "FORMAT"))
    var formatOption: String?

    /// The formats asked, in order (at least one).
    var formats: [InvoiceFormat] {
        (formatOption ?? (all ? "pdf,csv,json" : "text")).split(separator: ",").compactMap { InvoiceFormat(rawValue: String($0)) }
    }

    /// The one format of a single invoice.
    var format: InvoiceFormat { formats.first ?? .text }

    @Flag(name: .customLong("internal"), help: "The operator's view: provider cost, markup and margin, per model and source.")
    var operatorView = false

    @Flag(help: "Issue the invoice: assign its number and freeze it.")
    var issue = false

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "FILE"))
    var output: String?

    /// The options of `vigil invoice` itself, checked when it runs (ArgumentParser validates a
    /// parent's options before its subcommands too, where they do not apply).
    func check() throws {
        guard (client != nil) != all else { throw ValidationError("give --client ID or --all") }
        if all {
            guard outputDir != nil else { throw ValidationError("--all writes files: give --output-dir DIR") }
        }
        let names = (formatOption ?? "text").split(separator: ",", omittingEmptySubsequences: false)
        for name in names where InvoiceFormat(rawValue: String(name)) == nil {
            throw ValidationError("--format takes text, json, csv, html or pdf\(all ? ", separated by commas" : "") (got \(name))")
        }
        if !all && names.count > 1 {
            throw ValidationError("--format takes one format for one invoice; several, comma-separated, go with --all")
        }
        guard monthOption != nil else { throw ValidationError("give --month YYYY-MM") }
        guard BillingPeriod.parse(month, timeZone: "UTC") != nil else {
            throw ValidationError("--month must be YYYY-MM, such as 2026-10 (got '\(month.escapingControlCharacters())')")
        }
    }

    func run() async throws {
        do {
            try check()
        } catch let error as ValidationError {
            printError("Error: \(error.message)\nUsage: see 'vigil invoice --help'")
            throw ExitCode.validationFailure
        }
        let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: true)
        if all, let configuration = session.configuration {
            try await runAll(session: session, configuration: configuration)
            return
        }
        let client = self.client ?? ""
        guard let configuration = session.configuration, let customer = configuration.client(client) else {
            let known = session.configuration?.clients.map(\.id).joined(separator: ", ") ?? ""
            printError(
                "vigil invoice: no client \(client.quotedAndEscaped()) in \(global.configPath) (clients: \(known))"
                    .escapingControlCharacters())
            throw ExitCode(ExitStatus.invalidInput)
        }
        guard let period = BillingPeriod.parse(month, timeZone: customer.timeZone) else {
            throw ValidationError("--month must be YYYY-MM")
        }
        let cameras = configuration.cameras.filter { $0.client == customer.id && $0.enabled }.count
        let names = Dictionary(configuration.cameras.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let repository = InvoiceRepository(client: session.client)
        let invoice: Invoice
        do {
            invoice = try await session.run("invoice") {
                issue
                    ? try await repository.issue(
                        for: customer, period: period, cameras: cameras, billing: configuration.billing, cameraNames: names)
                    : try await repository.draft(
                        for: customer, period: period, cameras: cameras, billing: configuration.billing, cameraNames: names)
            }
        } catch let error as InvoiceError {
            printError("vigil invoice: cannot issue \(customer.id) \(period.label): \(error)".escapingControlCharacters())
            throw ExitCode(error.kind == .missingRate ? ExitStatus.invalidInput : ExitStatus.failure)
        }
        if let problem = invoice.rateProblem {
            printError("vigil invoice: warning: \(problem)".escapingControlCharacters())
        }
        if format == .pdf {
            guard let output else { throw ValidationError("--format pdf writes a file: give --output FILE.pdf") }
            guard !operatorView else { throw ValidationError("the operator's view (--internal) is text, json, csv or html") }
            try await InvoicePDF.write(invoice, to: output)
        } else {
            try emit(Self.render(invoice, format: format, internal: operatorView), to: output)
        }
        if let output {
            print("wrote \(invoice.number ?? "draft") for \(customer.id) \(period.label) to \(output)".escapingControlCharacters())
        }
    }

    /// The invoice in a text format: the client's document, or the operator's with `internal`.
    static func render(_ invoice: Invoice, format: InvoiceFormat, internal operatorView: Bool) -> String {
        switch (format, operatorView) {
        case (.json, false): ClientInvoiceDocument.json(invoice) + "\n"
        case (.csv, false): ClientInvoiceDocument.csv(invoice)
        case (.html, false): ClientInvoiceDocument.html(invoice)
        case (.json, true): InvoiceDocument.json(invoice) + "\n"
        case (.csv, true): InvoiceDocument.csv(invoice)
        case (.html, true): InvoiceDocument.html(invoice)
        case (_, true): InvoiceDocument.text(invoice)
        default: ClientInvoiceDocument.text(invoice)
        }
    }

    /// `--all`: every client's month, each issued (or drafted) on its own; one client's failure does
    /// not stop the others. Prints a summary; fails (exit 1) if any client failed.
    func runAll(session: DatabaseSession, configuration: VigilConfiguration) async throws {
        let directory = outputDir ?? "."
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let wanted = formats
        let names = Dictionary(configuration.cameras.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let repository = InvoiceRepository(client: session.client)
        var failed = 0
        var summary: [String] = []
        for customer in configuration.clients {
            guard let period = BillingPeriod.parse(month, timeZone: customer.timeZone) else { continue }
            let cameras = configuration.cameras.filter { $0.client == customer.id && $0.enabled }.count
            do {
                let invoice =
                    try await issue
                    ? repository.issue(for: customer, period: period, cameras: cameras, billing: configuration.billing, cameraNames: names)
                    : repository.draft(for: customer, period: period, cameras: cameras, billing: configuration.billing, cameraNames: names)
                let base = directory + "/" + (invoice.number ?? "DRAFT-\(customer.id)-\(period.label)")
                for format in wanted {
                    let path = base + "." + format.fileExtension
                    if format == .pdf {
                        try await InvoicePDF.write(invoice, to: path)
                    } else {
                        try Self.render(invoice, format: format, internal: false).write(toFile: path, atomically: true, encoding: .utf8)
                    }
                }
                summary.append(
                    "\(customer.id.escapingControlCharacters())  \(invoice.number ?? "draft")  \(invoice.total.formatted(fractionDigits: invoice.fractionDigits)) \(invoice.currency)"
                        + (invoice.rateProblem != nil ? "  (no exchange rate: in USD)" : ""))
            } catch {
                failed += 1
                summary.append("\(customer.id.escapingControlCharacters())  FAILED  \("\(error)".escapingControlCharacters())")
            }
        }
        // The month's credit notes go with its invoices.
        do {
            for credit in try await repository.list(month: month).filter({ $0.kind == "credit_note" }) {
                guard let note = try await repository.document(number: credit.number) else { continue }
                for format in wanted {
                    let path = directory + "/" + credit.number + "." + format.fileExtension
                    if format == .pdf {
                        try await InvoicePDF.write(note, to: path)
                    } else {
                        try Self.render(note, format: format, internal: false).write(toFile: path, atomically: true, encoding: .utf8)
                    }
                }
                summary.append(
                    "\(credit.client.escapingControlCharacters())  \(credit.number)  \(note.total.formatted(fractionDigits: note.fractionDigits)) \(note.currency)  (credit note for \(credit.credits ?? "?"))"
                )
            }
        } catch {
            failed += 1
            summary.append("credit notes  FAILED  \("\(error)".escapingControlCharacters())")
        }
        print("client  number  total  (\(month), \(issue ? "issued" : "drafts"), in \(directory.escapingControlCharacters()))")
        for line in summary { print(line) }
        if failed > 0 {
            printError("vigil invoice --all: \(failed) of \(configuration.clients.count) clients failed (above); the others are done")
            throw ExitCode(ExitStatus.failure)
        }
    }

    struct Credit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a credit note for an issued invoice (whole, or --amount of it).",
            discussion: """
                An issued invoice never changes: a credit note corrects it. It has its own gapless yearly series \
                (billing.credit_note_prefix, CN-2026-000001), names the invoice, and reverses its VAT in proportion. \
                --amount is in the invoice's currency, VAT included; crediting more than what remains is refused.
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("The invoice's number.", valueName: "NUMBER")) var number: String
        @Option(help: "Why (printed on the credit note).") var reason: String
        @Option(help: ArgumentHelp("How much to credit, VAT included; default all that remains.", valueName: "AMOUNT")) var amount: String?
        @Option(help: "Output format: text, json, csv, html or pdf.") var format: InvoiceFormat = .text
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "FILE")) var output: String?

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: true)
            let billing = session.configuration?.billing ?? BillingConfiguration()
            let note: Invoice
            do {
                note = try await session.run("invoice credit") {
                    try await InvoiceRepository(client: session.client).credit(
                        number: number, reason: reason, amount: amount, billing: billing)
                }
            } catch let error as InvoiceError {
                printError("vigil invoice credit: \(error)".escapingControlCharacters())
                throw ExitCode(ExitStatus.invalidInput)
            }
            if format == .pdf {
                guard let output else { throw ValidationError("--format pdf writes a file: give --output FILE.pdf") }
                try await InvoicePDF.write(note, to: output)
            } else {
                try emit(InvoiceCommand.render(note, format: format, internal: false), to: output)
            }
            if let output { print("wrote \(note.number ?? "") to \(output)".escapingControlCharacters()) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List issued invoices and credit notes.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Only this month.", valueName: "YYYY-MM")) var month: String?
        @Option(help: ArgumentHelp("Only this client.", valueName: "ID")) var client: String?

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            let issued = try await session.run("invoice list") {
                try await InvoiceRepository(client: session.client).list(month: month, client: client)
            }
            if issued.isEmpty {
                print("no issued invoices or credit notes")
                return
            }
            print("number               kind          client               month    issued      due               total  currency  credits")
            for document in issued {
                func col(_ text: String, _ width: Int) -> String {
                    let clean = text.escapingControlCharacters()
                    return clean.count >= width
                        ? String(clean.prefix(width - 1)) + " " : clean + String(repeating: " ", count: width - clean.count)
                }
                let amount =
                    Money(document.total)?.formatted(fractionDigits: CurrencyUnits.fractionDigits(document.currency)) ?? document.total
                let total = String(repeating: " ", count: max(0, 12 - amount.count)) + amount
                print(
                    col(document.number, 21) + col(document.kind, 14) + col(document.client, 21) + col(document.month, 9)
                        + col(document.issueDate, 12) + col(document.dueDate ?? "-", 11) + total + "  " + col(document.currency, 10)
                        + (document.credits ?? ""))
            }
        }
    }
}
