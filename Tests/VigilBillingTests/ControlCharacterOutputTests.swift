import Foundation
import Testing
import VigilBilling
import VigilCore

/// Text invoices, text usage reports and HTML invoices cannot be forged by a control character in
/// a name, an id or a model: each is written visibly (`\n`, `\x1b`) and stays on its line.
@Suite struct ControlCharacterOutputTests {
    /// A client name that would print a fake second line, clear the screen and break the line again.
    static let forgedName = "Acme\nInvoice VIG-2026-000001 — PAID\r\u{1b}[2J\u{2028}x\u{85}\u{7f}"
    /// ``forgedName`` as it must be shown.
    static let shownName = #"Acme\nInvoice VIG-2026-000001 — PAID\r\x1b[2J\u{2028}x\x85\x7f"#

    static func money(_ text: String) -> Money { Money(text)! }

    static func invoice() throws -> Invoice {
        let client = ClientConfiguration(id: "acme", name: forgedName, email: "billing@acme.example\n")
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        return Invoice.draft(
            client: client, period: period,
            lines: [UsageAggregate(key: "gemini\u{1b}[8m-2.5-flash", calls: 3, totalTokens: 42, providerCost: money("1"))],
            sources: [UsageAggregate(key: "gate\r\n2", kind: "camera", calls: 3, totalTokens: 42, providerCost: money("1"))],
            cameras: 0)
    }

    static func report() -> UsageReport {
        let row = UsageReport.Row(
            usage: UsageAggregate(key: "cam\u{1b}[31m1\u{2029}", kind: "camera", calls: 2, totalTokens: 10, providerCost: money("1")),
            averageMilliseconds: 1500, p95Milliseconds: 2250)
        let total = UsageReport.Row(
            usage: UsageAggregate(key: "TOTAL", calls: 2, totalTokens: 10, providerCost: money("1")), averageMilliseconds: 1500,
            p95Milliseconds: 2250)
        let session = UsageReport.Session(
            id: "3f2a9c1e\n", cameraID: "cam\r1", startedAt: Date(timeIntervalSince1970: 1_790_000_000),
            endedAt: Date(timeIntervalSince1970: 1_790_003_600), endReason: "stalled\n2026-11-01 camera cam1: live\u{1b}[0m")
        return UsageReport(
            from: Date(timeIntervalSince1970: 1_790_000_000), to: Date(timeIntervalSince1970: 1_790_086_400), client: forgedName,
            grouping: "camera", total: total, rows: [row], session: session)
    }

    /// The output's lines, split at line feeds only (a Swift `Character` would keep CR LF together).
    static func lines(_ text: String) -> [String] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
    }

    /// The control characters (other than the line feeds between lines) left raw in the output.
    static func rawControlCharacters(_ text: String) -> [String] {
        text.unicodeScalars.filter { scalar in
            scalar != "\n"
                && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029)
        }.map { String(format: "U+%04X", $0.value) }
    }

    @Test func theTextInvoiceShowsAClientNameWithControlCharactersEscapedOnOneLine() throws {
        let text = InvoiceDocument.text(try Self.invoice())
        #expect(Self.rawControlCharacters(text) == [], "\(text)")
        #expect(Self.lines(text).first == "DRAFT invoice (not issued) — \(Self.shownName) (acme)", "\(text)")
        #expect(Self.lines(text).contains { $0.hasPrefix(#"gemini\x1b[8m-2.5-flash "#) }, "\(text)")
        #expect(Self.lines(text).contains { $0.hasPrefix(#"  camera gate\r\n2 "#) }, "\(text)")
    }

    @Test func theTextUsageReportShowsItsClientIDsAndErrorsEscapedOnOneLineEach() {
        let text = UsageReportDocument.text(Self.report())
        #expect(Self.rawControlCharacters(text) == [], "\(text)")
        let lines = Self.lines(text)
        #expect(lines.first?.hasSuffix(", client \(Self.shownName)") == true, "\(text)")
        #expect(lines.dropFirst().first?.hasPrefix(#"Session 3f2a9c1e\n: camera cam\r1, connected "#) == true, "\(text)")
        #expect(lines.dropFirst().first?.hasSuffix(#"(stalled\n2026-11-01 camera cam1: live\x1b[0m)"#) == true, "\(text)")
        #expect(lines.contains { $0.hasPrefix(#"camera cam\x1b[31m1\u{2029} "#) }, "\(text)")
    }

    @Test func theHTMLInvoiceHasNoRawControlCharacter() throws {
        let html = InvoiceDocument.html(try Self.invoice())
        #expect(Self.rawControlCharacters(html) == [], "\(html)")
        #expect(html.contains("<strong>\(Self.shownName)</strong>"), "\(html)")
        #expect(html.contains("<title>Draft invoice — \(Self.shownName)</title>"), "\(html)")
        #expect(html.contains(#"billing@acme.example\n</div>"#), "\(html)")
        #expect(html.contains(#"<td>gemini\x1b[8m-2.5-flash</td>"#), "\(html)")
        #expect(html.contains(#"<td>camera gate\r\n2</td>"#), "\(html)")
        #expect(!html.contains("Acme\n"), "\(html)")
    }

    @Test func theHTMLInvoiceEscapesMarkupAndBothQuotes() throws {
        let client = ClientConfiguration(id: "acme", name: #"<b>"O'Neil" & Sons</b>"#)
        let period = try #require(BillingPeriod.parse("2026-11", timeZone: "UTC"))
        let html = InvoiceDocument.html(Invoice.draft(client: client, period: period, lines: [], sources: [], cameras: 0))
        #expect(html.contains("<strong>&lt;b&gt;&quot;O&#39;Neil&quot; &amp; Sons&lt;/b&gt;</strong>"), "\(html)")
    }
}
