import Foundation
import Testing
import VigilBilling
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// Invoices a client pays: a line per camera from the cost shares, the client's currency at a
/// recorded rate, and never the operator's cost or markup in what the client sees.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"), .timeLimit(.minutes(3)))
struct InvoiceDocumentTests {
    static let names = ["c1": "Front Door", "c2": "Yard", "c3": "Pumps", "c4": "Office", "till": "Till"]

    static func groupRecord(at: String, cameras: [String], cost: String) -> UsageRecord {
        var record = BillingTests.record("shop", at: at, source: "forecourt", cost: Money(cost)!)
        record.sourceKind = "group"
        record.cameraIDs = cameras
        record.cameraCount = 4
        return record
    }

    static func singleRecord(at: String, cost: String) -> UsageRecord {
        var record = BillingTests.record("shop", at: at, source: "till", cost: Money(cost)!)
        record.cameraIDs = ["till"]
        return record
    }

    /// A month of one group (one call with a dark quadrant) and a single camera, at awkward costs.
    static func usage() -> [UsageRecord] {
        [
            groupRecord(at: "2026-11-03T10:00:00Z", cameras: ["c1", "c2", "c3", "c4"], cost: "0.000447300000001"),
            groupRecord(at: "2026-11-03T10:00:10Z", cameras: ["c1", "c2", "c4"], cost: "0.0004473"),
            groupRecord(at: "2026-11-20T23:59:59Z", cameras: ["c1", "c2", "c3", "c4"], cost: "0.0123457"),
            singleRecord(at: "2026-11-05T08:00:00Z", cost: "0.0002233"),
            singleRecord(at: "2026-11-06T08:00:00Z", cost: "0.0002234"),
        ]
    }

    static func euroCustomer(currency: String = "EUR", pricePerAnalysis: String? = nil) -> ClientConfiguration {
        var client = BillingTests.customer("shop", markup: "35", fee: "4.00", vat: "20")
        client.plan.currency = currency
        client.plan.pricePerAnalysis = pricePerAnalysis.flatMap { Money($0) }
        client.legalName = "Shop Ltd"
        client.address = ["1 Rue de Paris", "75001 Paris"]
        client.vatID = "FR12345678901"
        return client
    }

    static let billing = BillingConfiguration(
        seller: SellerConfiguration(
            name: "Watchful Eye Ltd", address: ["4 Riverside", "Leeds"], vatID: "GB123456789", paymentInstructions: "IBAN GB33 BUKB"))

    @Test func aLinePerCameraFromTheSharesAddsUpToTheModelView() async throws {
        let (database, client) = try await BillingTests.migrated()
        try await BillingTests.write(Self.usage(), to: database.url)
        let customer = BillingTests.customer("shop", markup: "35", fee: "0", vat: "20")
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        let invoice = try await InvoiceRepository(client: client).draft(
            for: customer, period: period, cameras: 5, billing: Self.billing, cameraNames: Self.names)
        let lines = try #require(invoice.clientLines)
        // Every real camera has its line; group members individually; the dark quadrant (c3, in
        // the second call) has one analysis fewer.
        #expect(lines.map(\.cameraID) == ["c1", "c2", "c3", "c4", "till"])
        #expect(lines.map(\.quantity) == [3, 3, 2, 3, 2])
        #expect(lines.first?.description == "Front Door: analyses")
        // The shares of each call add up to its cost exactly: the cameras' shares to the total.
        let shares = try #require(invoice.cameraUsage).reduce(Money.zero) { $0 + $1.costShare }
        #expect(shares == invoice.usageTotals.providerCost)
        // Rounded once per line: the lines differ from the per-model amount by at most half a cent a line.
        let modelView = invoice.lines.reduce(Money.zero) { $0 + $1.billed }
        let difference = invoice.subtotal - modelView
        #expect(difference <= Money("0.025")! && Money("-0.025")! <= difference, "lines \(invoice.subtotal) vs model \(modelView)")
        // Issued, the lines come from the rows themselves and agree with the draft.
        let issued = try await InvoiceRepository(client: client).issue(
            for: customer, period: period, cameras: 5, billing: Self.billing, cameraNames: Self.names)
        #expect(issued.clientLines == invoice.clientLines)
        #expect(issued.number?.hasPrefix("VIG-") == true)
        #expect(issued.issueDate != nil && issued.dueDate != nil)
    }

    @Test func theClientNeverSeesTheProviderCostOrTheMarkup() async throws {
        let (database, client) = try await BillingTests.migrated()
        try await BillingTests.write(Self.usage(), to: database.url)
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        var customer = Self.euroCustomer(currency: "USD")
        customer.plan.currency = "USD"
        let invoice = try await InvoiceRepository(client: client).draft(
            for: customer, period: period, cameras: 5, billing: Self.billing, cameraNames: Self.names)
        let providerCost = invoice.usageTotals.providerCost.description
        for document in [
            ClientInvoiceDocument.text(invoice), ClientInvoiceDocument.html(invoice), ClientInvoiceDocument.csv(invoice),
            ClientInvoiceDocument.json(invoice),
        ] {
            #expect(!document.lowercased().contains("markup"), "\(document)")
            #expect(!document.contains(providerCost), "\(document)")
            #expect(!document.contains("35%") && !document.contains("\"35\""), "\(document)")
            #expect(!document.lowercased().contains("provider"), "\(document)")
        }
        for document in [ClientInvoiceDocument.text(invoice), ClientInvoiceDocument.html(invoice), ClientInvoiceDocument.json(invoice)] {
            #expect(document.contains("Watchful Eye Ltd") && document.contains("Shop Ltd") && document.contains("FR12345678901"))
        }
        #expect(ClientInvoiceDocument.text(invoice).contains("1–30 November 2026"))
        for document in [InvoiceDocument.text(invoice), InvoiceDocument.json(invoice)] {
            #expect(document.lowercased().contains("markup") && document.contains(providerCost))
            #expect(document.lowercased().contains("margin"))
        }
    }

    @Test func aEuroInvoiceConvertsAtTheRateOfThePeriodsLastDayAndKeepsIt() async throws {
        let (database, client) = try await BillingTests.migrated()
        try await BillingTests.write(Self.usage(), to: database.url)
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        let customer = Self.euroCustomer()
        let repository = InvoiceRepository(client: client)
        // No rate: the draft is in USD and says so; issuing is refused.
        let draft = try await repository.draft(for: customer, period: period, cameras: 5, billing: Self.billing)
        #expect(draft.currency == "USD" && draft.rateProblem?.contains("2026-11-30") == true)
        await #expect(throws: InvoiceError.self) {
            try await repository.issue(for: customer, period: period, cameras: 5, billing: Self.billing)
        }
        do {
            _ = try await repository.issue(for: customer, period: period, cameras: 5, billing: Self.billing)
        } catch let error as InvoiceError {
            #expect(error.kind == .missingRate && error.message.contains("EUR"))
        }
        // A rate before the period's last day applies; one after it does not.
        let rates = ExchangeRateRepository(client: client)
        try await rates.set([
            .init(currency: "EUR", effectiveFrom: "2026-11-01", rate: Money("0.9215")!, source: "ECB"),
            .init(currency: "EUR", effectiveFrom: "2026-12-01", rate: Money("2")!, source: "later"),
        ])
        let issued = try await repository.issue(for: customer, period: period, cameras: 5, billing: Self.billing, cameraNames: Self.names)
        #expect(issued.currency == "EUR")
        #expect(issued.exchangeRate == InvoiceExchangeRate(rate: Money("0.9215")!, date: "2026-11-01", source: "ECB"))
        // Each camera line is its share × 1.35 × 0.9215, rounded once to cents; the fee is in euros.
        let usage = try #require(issued.cameraUsage)
        for (line, camera) in zip(try #require(issued.clientLines).filter { $0.kind == "camera" }, usage) {
            let exact = camera.costShare.scaled(by: 135, over: 100).scaled(by: Money("0.9215")!.units, over: Money.unitsPerWhole)
            #expect(line.amount == exact.rounded(toFractionDigits: 2))
        }
        #expect(
            issued.clientLines?.last
                == InvoiceLine(
                    kind: "camera_fee", description: "Monthly fee per camera", quantity: 5, unitPrice: Money("4.00")!,
                    amount: Money("20.00")!))
        // A new rate for the same day changes nothing issued.
        try await rates.set([.init(currency: "EUR", effectiveFrom: "2026-11-01", rate: Money("0.5")!, source: "revised")])
        let again = try await repository.draft(for: customer, period: period, cameras: 5, billing: Self.billing)
        #expect(again == issued)
        #expect(try await database.psql("SELECT exchange_rate, rate_date, rate_source FROM invoices") == "0.9215|2026-11-01|ECB")
    }

    @Test func aPricePerAnalysisBillsAnalysesNotCost() async throws {
        let (database, client) = try await BillingTests.migrated()
        try await BillingTests.write(Self.usage(), to: database.url)
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        let customer = Self.euroCustomer(currency: "USD", pricePerAnalysis: "0.01")
        let invoice = try await InvoiceRepository(client: client).draft(for: customer, period: period, cameras: 0, billing: Self.billing)
        #expect(invoice.clientLines?.map(\.amount) == ["0.03", "0.03", "0.02", "0.03", "0.02"].map { Money($0)! })
        #expect(invoice.subtotal == Money("0.13")!)
    }

    @Test func creditNotesArePartialOrFullGaplessAndNeverExceedTheInvoice() async throws {
        let (database, client) = try await BillingTests.migrated()
        try await BillingTests.write(Self.usage(), to: database.url)
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        let customer = BillingTests.customer("shop", markup: "35", fee: "10.00", vat: "20")
        let repository = InvoiceRepository(client: client)
        let invoice = try await repository.issue(for: customer, period: period, cameras: 5, billing: Self.billing)
        let number = try #require(invoice.number)
        // Partial: 12.00 of it, VAT reversed in the invoice's proportion (the VAT takes the rounding).
        let partial = try await repository.credit(number: number, reason: "camera 3 offline", amount: "12.00", billing: Self.billing)
        #expect(partial.kind == "credit_note" && partial.credits == number && partial.number == "CN-2026-000001")
        #expect(partial.total == Money("-12.00")!)
        #expect(partial.subtotal == Money("-10.00")! && partial.vat == Money("-2.00")!)
        // More than remains is refused; the rest (default) is the full remainder.
        await #expect(throws: InvoiceError.self) {
            try await repository.credit(number: number, reason: "too much", amount: "1000", billing: Self.billing)
        }
        await #expect(throws: InvoiceError.self) {
            try await repository.credit(number: "VIG-1999-000001", reason: "no such invoice", amount: nil, billing: Self.billing)
        }
        let rest = try await repository.credit(number: number, reason: "cancelled", amount: nil, billing: Self.billing)
        #expect(rest.total == .zero - (invoice.total - Money("12.00")!))
        await #expect(throws: InvoiceError.self) {
            try await repository.credit(number: number, reason: "nothing left", amount: "0.01", billing: Self.billing)
        }
        // Concurrent credits of another invoice: gapless numbers, never more than its total.
        let other = try await repository.issue(
            for: BillingTests.customer("other", fee: "10.00"), period: period, cameras: 2, billing: Self.billing)
        let otherNumber = try #require(other.number)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let repository = InvoiceRepository(client: DatabaseClient(connectionString: database.url))
                    return (try? await repository.credit(number: otherNumber, reason: "race", amount: "5.00", billing: Self.billing)) != nil
                }
            }
            var outcomes: [Bool] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let granted = results.filter { $0 }.count
        #expect(granted == Int((other.total.units / Money("5.00")!.units)))
        #expect(
            try await database.psql("SELECT string_agg(sequence::text, ',' ORDER BY sequence) FROM invoices WHERE kind = 'credit_note'")
                == (1...(2 + granted)).map(String.init).joined(separator: ","))
        #expect(
            try await database.psql(
                "SELECT min(o.total + (SELECT sum(n.total) FROM invoices n WHERE n.credits = o.id)) >= 0 FROM invoices o WHERE o.kind = 'invoice'"
            ) == "t")
        let listed = try await repository.list(month: "2026-11")
        #expect(listed.filter { $0.kind == "credit_note" }.count == 2 + granted)
    }

    /// Month end in one command: a client without its currency's rate fails alone, the others are
    /// issued with their files; running it again gives the same numbers and files.
    @Test func monthEndIssuesEveryClientAndOneFailureStopsNoOther() async throws {
        let (database, _) = try await BillingTests.migrated()
        var records = Self.usage()
        for index in records.indices where index % 2 == 0 { records[index].clientID = "euro" }
        try await BillingTests.write(records, to: database.url)
        let folder = NSTemporaryDirectory() + "vigil-month-end-" + UUID().uuidString
        let config = folder + "/config.json"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        {
          "database": {"url": "\(database.url)"},
          "billing": {"seller": {"name": "Watchful Eye Ltd", "address": ["4 Riverside"], "vat_id": "GB1"}},
          "clients": [{"id": "shop", "name": "Shop"}, {"id": "euro", "name": "Euro", "plan": {"currency": "EUR"}}],
          "cameras": [{"id": "till", "url": "rtsp://127.0.0.1:9/till", "client": "shop"}, {"id": "c1", "url": "rtsp://127.0.0.1:9/c1", "client": "euro"}]
        }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let arguments = [
            "invoice", "--config", config, "--all", "--month", "2026-11", "--issue", "--output-dir", folder + "/out", "--format",
            "pdf,json",
        ]
        let first = try await ProcessRunner.run(TestEnvironment.vigilExecutable, arguments)
        #expect(first.status == 1, "\(first.standardOutput)\(first.standardError)")
        #expect(first.standardOutput.contains("euro  FAILED") && first.standardOutput.contains("VIG-"), "\(first.standardOutput)")
        #expect(first.standardOutput.contains("no USD → EUR exchange rate"), "\(first.standardOutput)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/out").sorted()
        #expect(files == ["VIG-2026-000001.json", "VIG-2026-000001.pdf"])
        let json = try String(contentsOfFile: folder + "/out/VIG-2026-000001.json", encoding: .utf8)
        let again = try await ProcessRunner.run(TestEnvironment.vigilExecutable, arguments)
        #expect(again.standardOutput == first.standardOutput)
        #expect(try String(contentsOfFile: folder + "/out/VIG-2026-000001.json", encoding: .utf8) == json)
        // With its rate, the euro client is issued too; the shop's invoice stays as it was.
        let rate = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable,
            ["rates", "set", "--database-url", database.url, "--currency", "EUR", "--from", "2026-11-01", "--rate", "0.9215"])
        #expect(rate.status == 0, "\(rate.standardError)")
        let third = try await ProcessRunner.run(TestEnvironment.vigilExecutable, arguments)
        #expect(third.status == 0, "\(third.standardOutput)\(third.standardError)")
        #expect(third.standardOutput.contains("VIG-2026-000002") && third.standardOutput.contains("EUR"))
        #expect(try String(contentsOfFile: folder + "/out/VIG-2026-000001.json", encoding: .utf8) == json)
        // Issuing a client without a rate alone exits 65, naming the currency and the day.
        let missing = try await ProcessRunner.run(
            TestEnvironment.vigilExecutable, ["invoice", "--config", config, "--client", "euro", "--month", "2026-10", "--issue"])
        #expect(missing.status == 65, "\(missing.standardError)")
        #expect(missing.standardError.contains("EUR") && missing.standardError.contains("2026-10-31"), "\(missing.standardError)")
    }
}
