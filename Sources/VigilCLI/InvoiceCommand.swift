import ArgumentParser
import VigilBilling
import VigilCore
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
            (VIG-2026-000123) and its usage rows are frozen onto it; issuing again returns the same invoice.

            Examples:
              vigil invoice --client northside-garage --month 2026-10
              vigil invoice --client northside-garage --month 2026-10 --issue --format html --output inv.html
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Client id, as in the configuration.", valueName: "ID"))
    var client: String

    @Option(help: ArgumentHelp("The month to invoice.", valueName: "YYYY-MM"))
    var month: String

    @Option(help: "Output format: text, json, csv or html.")
    var format: ReportFormat = .text

    @Flag(help: "Issue the invoice: assign its number and freeze it.")
    var issue = false

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "FILE"))
    var output: String?

    func validate() throws {
        guard BillingPeriod.parse(month, timeZone: "UTC") != nil else {
            throw ValidationError("--month must be YYYY-MM, such as 2026-10 (got '\(month.escapingControlCharacters())')")
        }
    }

    func run() async throws {
        let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: true)
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
        let repository = InvoiceRepository(client: session.client)
        let invoice: Invoice
        do {
            invoice = try await session.run("invoice") {
                issue
                    ? try await repository.issue(for: customer, period: period, cameras: cameras)
                    : try await repository.draft(for: customer, period: period, cameras: cameras)
            }
        } catch let error as InvoiceError {
            printError("vigil invoice: cannot issue \(customer.id) \(period.label): \(error)".escapingControlCharacters())
            throw ExitCode(ExitStatus.failure)
        }
        let document: String =
            switch format {
            case .text: InvoiceDocument.text(invoice)
            case .json: InvoiceDocument.json(invoice) + "\n"
            case .csv: InvoiceDocument.csv(invoice)
            case .html: InvoiceDocument.html(invoice)
            }
        try emit(document, to: output)
        if let output {
            print("wrote \(invoice.number ?? "draft") for \(customer.id) \(period.label) to \(output)".escapingControlCharacters())
        }
    }
}
