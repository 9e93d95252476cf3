import Foundation
import Testing
import VigilBilling
import VigilCore

/// Every CSV Vigil writes opens safely in a spreadsheet: text from data that a spreadsheet would
/// evaluate as a formula is prefixed with `'` (OWASP's rule), and the numbers Vigil writes stay numbers.
@Suite struct SpreadsheetSafeCSVTests {
    /// Text a spreadsheet would evaluate, and the cell each must become.
    static let formulas: [(text: String, cell: String)] = [
        (#"=HYPERLINK("http://x")"#, #"'=HYPERLINK("http://x")"#),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
    ]

    static func money(_ text: String) -> Money { Money(text)! }

    static func invoice(clientID: String = "acme", model: String = "gemini-2.5-flash", cost: String = "1") throws -> Invoice {
        let client = ClientConfiguration(id: clientID, name: "Acme", plan: BillingPlan(markupPercent: .zero, vatPercent: .zero))
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        return Invoice.draft(
            client: client, period: period, lines: [UsageAggregate(key: model, calls: 3, totalTokens: 42, providerCost: money(cost))],
            sources: [], cameras: 0)
    }

    static func report(key: String, cost: String = "1") -> UsageReport {
        let row = UsageReport.Row(
            usage: UsageAggregate(key: key, kind: "camera", calls: 2, totalTokens: 10, providerCost: money(cost)),
            averageMilliseconds: 1500, p95Milliseconds: 2250)
        let total = UsageReport.Row(
            usage: UsageAggregate(key: "TOTAL", calls: 2, totalTokens: 10, providerCost: money(cost)), averageMilliseconds: 1500,
            p95Milliseconds: 2250)
        return UsageReport(
            from: Date(timeIntervalSince1970: 1_790_000_000), to: Date(timeIntervalSince1970: 1_790_086_400), client: nil,
            grouping: "camera", total: total, rows: [row])
    }

    /// Reads CSV per RFC 4180: quoted fields may hold commas, doubled quotes, CR and LF.
    static func cells(_ csv: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var scalars = csv.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? scalars.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    let next = scalars.next()
                    if next == "\"" {
                        field += "\""
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        return rows
    }

    /// The column named `name` of every data row.
    static func column(_ name: String, of csv: String) throws -> [String] {
        let rows = cells(csv)
        let index = try #require(rows.first?.firstIndex(of: name), "no column \(name) in \(csv)")
        return rows.dropFirst().map { $0[index] }
    }

    @Test(arguments: formulas)
    func aClientIDThatLooksLikeAFormulaIsPrefixedInTheInvoiceCSV(text: String, cell: String) throws {
        let csv = InvoiceDocument.csv(try Self.invoice(clientID: text))
        #expect(try Self.column("client", of: csv).allSatisfy { $0 == cell }, "\(csv)")
        #expect(!csv.contains(",\(text)"), "\(csv)")
    }

    @Test(arguments: formulas)
    func aModelThatLooksLikeAFormulaIsPrefixedInTheInvoiceCSVDescription(text: String, cell: String) throws {
        let csv = InvoiceDocument.csv(try Self.invoice(model: text))
        #expect(try Self.column("description", of: csv).first == cell, "\(csv)")
    }

    @Test(arguments: formulas)
    func aCameraIDThatLooksLikeAFormulaIsPrefixedInTheUsageCSV(text: String, cell: String) throws {
        let csv = UsageReportDocument.csv(Self.report(key: text))
        #expect(try Self.column("camera", of: csv) == [cell, "TOTAL"], "\(csv)")
    }

    @Test func aFormulaIsQuotedWhereItsTextNeedsItAndItsQuotesAreDoubled() throws {
        let csv = InvoiceDocument.csv(try Self.invoice(model: #"=HYPERLINK("http://x","y")"#))
        #expect(csv.contains(#","'=HYPERLINK(""http://x"",""y"")","#), "\(csv)")
        let carriageReturn = UsageReportDocument.csv(Self.report(key: "\r=1+1"))
        #expect(carriageReturn.contains("\n\"'\r=1+1\",camera,"), "\(carriageReturn)")
        let tab = UsageReportDocument.csv(Self.report(key: "\t=1+1"))
        #expect(tab.contains("\n'\t=1+1,camera,"), "\(tab)")
    }

    @Test func textThatStartsHarmlesslyIsWrittenAsItIs() throws {
        let csv = UsageReportDocument.csv(Self.report(key: "north-side, gate 2=A"))
        #expect(try Self.column("camera", of: csv) == ["north-side, gate 2=A", "TOTAL"], "\(csv)")
        #expect(csv.contains("\n\"north-side, gate 2=A\",camera,"), "\(csv)")
    }

    @Test func negativeAmountsVigilWritesStayNumbersBesideTheSameTextFromData() throws {
        // A model named like a credit: its text is prefixed, the credit Vigil computed is not.
        let invoiceCSV = InvoiceDocument.csv(try Self.invoice(model: "-0.05", cost: "-0.05"))
        #expect(try Self.column("description", of: invoiceCSV).first == "'-0.05", "\(invoiceCSV)")
        #expect(try Self.column("amount", of: invoiceCSV) == ["-0.05", "0.00", "-0.05"], "\(invoiceCSV)")
        #expect(try Self.column("provider_cost", of: invoiceCSV) == ["-0.05", "", "-0.05"], "\(invoiceCSV)")
        #expect(invoiceCSV.contains(",-0.05,-0.05,USD,"), "\(invoiceCSV)")
        let usageCSV = UsageReportDocument.csv(Self.report(key: "-1", cost: "-0.05"))
        #expect(try Self.column("camera", of: usageCSV) == ["'-1", "TOTAL"], "\(usageCSV)")
        #expect(try Self.column("cost", of: usageCSV) == ["-0.05", "-0.05"], "\(usageCSV)")
        #expect(try Self.column("total_tokens", of: usageCSV) == ["10", "10"], "\(usageCSV)")
        #expect(try Self.column("avg_latency_ms", of: usageCSV) == ["1500.0", "1500.0"], "\(usageCSV)")
        #expect(usageCSV.contains(",-0.05,0,0,1500.0,2250.0,0,0,,\n"), "\(usageCSV)")  // no skips: empty
    }
}
