import Foundation
import Testing
import VigilBilling
import VigilCore

@testable import VigilDocuments

/// Invoices printed to PDF and read back with pdftotext: the number, the client, a line per camera
/// across pages, the totals; never the provider cost or the markup.
struct InvoicePrintoutTests {
    /// An issued EUR invoice of `cameras` cameras, each with its analyses and cost share.
    static func invoice(cameras: Int) -> Invoice {
        var client = ClientConfiguration(
            id: "shop", name: "Boutique Éléonore", timeZone: "Europe/Paris",
            plan: BillingPlan(currency: "EUR", markupPercent: Money("35")!, cameraMonthlyFee: Money("4")!, vatPercent: Money("20")!))
        client.legalName = "Boutique Éléonore 東京 SARL"
        client.address = ["1 Rue de Paris", "75001 Paris"]
        client.vatID = "FR12345678901"
        let usage = (1...cameras).map { index in
            CameraUsage(cameraID: "cam-\(index)", name: "Camera \(index)", analyses: 100 + index, costShare: Money("0.0447")! * index)
        }
        let totals = UsageAggregate(key: "gemini-2.5-flash", calls: 500, providerCost: usage.reduce(Money.zero) { $0 + $1.costShare })
        var invoice = Invoice.draft(
            client: client, period: BillingPeriod(year: 2026, month: 11, timeZone: "Europe/Paris")!, lines: [totals], sources: [],
            cameras: cameras, cameraUsage: usage,
            seller: InvoiceParty(
                name: "Watchful Eye Ltd", address: ["4 Riverside", "Leeds"], vatID: "GB123456789",
                paymentInstructions: "IBAN GB33 BUKB 2020 1555 5555 55"),
            exchangeRate: InvoiceExchangeRate(rate: Money("0.9215")!, date: "2026-11-01", source: "ECB"))
        invoice.number = "VIG-2026-000123"
        invoice.issueDate = "2026-12-01"
        invoice.dueDate = "2026-12-31"
        return invoice
    }

    @Test func anIssuedInvoiceReadsBackWithItsNumberClientLinesAndTotals() async throws {
        let invoice = Self.invoice(cameras: 3)
        let pdf = try await RenderedPDF.render(InvoicePrintout.document(for: invoice))
        defer { pdf.remove() }
        let text = try await pdf.text()
        for expected in [
            "VIG-2026-000123", "Boutique Éléonore 東京 SARL", "FR12345678901", "Watchful Eye Ltd", "2026-12-31", "1–30 November 2026",
            "Camera 1: analyses", "Camera 3: analyses", "Monthly fee per camera", invoice.total.formatted(fractionDigits: 2),
            "IBAN GB33 BUKB 2020 1555 5555 55",
        ] {
            #expect(text.contains(expected), "missing \(expected) in \(text)")
        }
        #expect(!text.lowercased().contains("markup") && !text.lowercased().contains("provider"))
        #expect(!text.contains("DRAFT"))
    }

    @Test func sixtyCamerasContinueOnMorePagesEachOnce() async throws {
        let pdf = try await RenderedPDF.render(InvoicePrintout.document(for: Self.invoice(cameras: 60)))
        defer { pdf.remove() }
        #expect(try await pdf.pageCount() > 1)
        let text = try await pdf.text()
        for index in 1...60 {
            #expect(text.components(separatedBy: "Camera \(index): analyses").count == 2, "Camera \(index)")
        }
    }

    @Test func aDraftSaysDraft() async throws {
        var invoice = Self.invoice(cameras: 2)
        invoice.number = nil
        let pdf = try await RenderedPDF.render(InvoicePrintout.document(for: invoice))
        defer { pdf.remove() }
        #expect(try await pdf.text().contains("DRAFT"))
    }
}
