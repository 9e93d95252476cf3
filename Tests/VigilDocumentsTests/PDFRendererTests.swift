import Foundation
import Testing
import VigilDocuments

@Suite struct PDFRendererTests {
    @Test func anInvoiceIsAValidA4PDFWhoseTextCanBeExtracted() async throws {
        let pdf = try await RenderedPDF.render(SampleDocument.invoice())
        defer { pdf.remove() }
        #expect(pdf.bytes.starts(with: Array("%PDF-".utf8)))
        let info = try await pdf.info()
        #expect(info["Page size"] == "595.28 x 841.89 pts (A4)")
        #expect(info["Pages"] == "1")
        #expect(info["Title"] == "Invoice 2026-0042")
        let text = try await pdf.text()
        for expected in [
            "Invoice", "No. 2026-0042", "Vigil Monitoring SARL", "12 rue des Caméras", "VAT ID: FR12345678901", "Acme Garages Ltd",
            "Bill to", "GB123456789", "Issue date", "2026-11-01", "1 USD = 0.9214 EUR", "Description", "Unit price",
            "Row 001 Gemini calls, camera group yard-1", "Row 003", "3.03", "Subtotal", "EUR 1,830.00", "Total due", "EUR 2,196.00",
            "Thank you for your business.", "IBAN FR76 3000 6000 0112 3456 7890 189", "Page 1 of 1",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        #expect(!text.contains("DRAFT"))
    }

    @Test func everyFontIsEmbedded() async throws {
        let pdf = try await RenderedPDF.render(SampleDocument.invoice(buyerName: "東京 Trading 株式会社"))
        defer { pdf.remove() }
        let fonts = try await pdf.fonts()
        #expect(!fonts.isEmpty)
        #expect(fonts.allSatisfy { $0.embedded }, "\(fonts)")
        #expect(fonts.contains { $0.name.contains("DejaVuSans") })
        #expect(fonts.contains { $0.name.contains("CJK") }, "a CJK font for 東京: \(fonts)")
    }

    @Test func sixtyRowsContinueOnTheNextPageUnderTheHeaderAgain() async throws {
        let pdf = try await RenderedPDF.render(SampleDocument.invoice(rows: 60))
        defer { pdf.remove() }
        let pages = try await pdf.pageTexts()
        #expect(pages.count > 1)
        let all = pages.joined(separator: "\n")
        for index in 1...60 {
            let marker = SampleDocument.row(index)[0]
            #expect(all.components(separatedBy: marker).count - 1 == 1, "\(marker) is not there exactly once")
        }
        for (index, page) in pages.enumerated() {
            #expect(page.contains("Description") && page.contains("Unit price"), "page \(index + 1) has no column headers")
            #expect(page.contains("Page \(index + 1) of \(pages.count)"))
            #expect(page.contains("IBAN FR76 3000 6000 0112 3456 7890 189"), "page \(index + 1) has no footer")
        }
        for page in pages.dropFirst() { #expect(page.contains("Invoice 2026-0042"), "running header") }
        #expect(pages.last!.contains("Total due"))
    }

    @Test func rowsKeepTheirOrderAcrossPages() async throws {
        let pdf = try await RenderedPDF.render(SampleDocument.invoice(rows: 60))
        defer { pdf.remove() }
        let text = try await pdf.text()
        let positions = (1...60).map { text.range(of: SampleDocument.row($0)[0])!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test(arguments: [3, 60])
    func aDraftSaysSoOnEveryPage(rows: Int) async throws {
        let pdf = try await RenderedPDF.render(SampleDocument.invoice(rows: rows, draft: true))
        defer { pdf.remove() }
        let pages = try await pdf.pageTexts()
        #expect(rows > 30 ? pages.count > 1 : pages.count == 1)
        for (index, page) in pages.enumerated() { #expect(page.contains("DRAFT"), "page \(index + 1)") }
        let issued = try await RenderedPDF.render(SampleDocument.invoice(rows: rows, draft: false))
        defer { issued.remove() }
        for page in try await issued.pageTexts() { #expect(!page.contains("DRAFT")) }
    }

    @Test(arguments: ["Łukasz Café € 東京", "Zażółć Ørsted – Ελληνικά Кириллица", "北京市朝阳区 株式会社 東京 서울"])
    func unicodeNamesComeBackIdentical(name: String) async throws {
        let pdf = try await RenderedPDF.render(SampleDocument.invoice(buyerName: name))
        defer { pdf.remove() }
        let text = try await pdf.text()
        #expect(text.contains(name), "\(text)")
    }

    @Test func markupIsPrintedAsItIs() async throws {
        var document = SampleDocument.invoice(buyerName: "<b>&amp;</b> Holdings")
        document.table.rows[0][0] = "<span foreground=\"red\">big</span> & <i>small</i>"
        document.notes = ["Notes with <u>tags</u> &lt; and &"]
        let pdf = try await RenderedPDF.render(document)
        defer { pdf.remove() }
        let text = try await pdf.text()
        #expect(text.contains("<b>&amp;</b> Holdings"))
        #expect(text.contains("<span foreground=\"red\">big</span> & <i>small</i>"))
        #expect(text.contains("Notes with <u>tags</u> &lt; and &"))
    }

    @Test func controlCharactersArePrintedEscaped() async throws {
        var document = SampleDocument.invoice(buyerName: "Evil\nCorp\u{1B}[2J")
        document.table.rows[1][0] = "tab\there\r"
        document.footer.append("line\u{2028}separator")
        let pdf = try await RenderedPDF.render(document)
        defer { pdf.remove() }
        let text = try await pdf.text()
        #expect(text.contains(#"Evil\nCorp\x1b[2J"#))
        #expect(text.contains(#"tab\there\r"#))
        #expect(text.contains(#"line\u{2028}separator"#))
    }

    @Test func longCellTextWrapsInsideItsColumnAndAmountsLineUpOnTheRight() async throws {
        var document = SampleDocument.invoice(rows: 40)
        let long = (1...80).map { "word\($0)" }.joined(separator: " ")
        document.table.rows[2][0] = long
        document.table.rows[3][0] = String(repeating: "X", count: 400)
        let pdf = try await RenderedPDF.render(document)
        defer { pdf.remove() }
        let words = try await pdf.words()
        let qtyHeader = try #require(words.first { $0.text == "Qty" && $0.page == 1 })
        let descriptionWords = words.filter { $0.text.hasPrefix("word") }
        // Wrapped onto several lines, all left of the next column, and cut to four lines with an
        // ellipsis; the text the PDF holds is the text the page shows, not the words cut off.
        #expect(Set(descriptionWords.map(\.yMin)).count == 4)
        #expect(descriptionWords.allSatisfy { $0.xMax < qtyHeader.xMin - 1 })
        #expect(descriptionWords.last?.text.hasSuffix("…") == true)
        #expect(descriptionWords.allSatisfy { !$0.text.contains(" ") })
        #expect(!descriptionWords.contains { $0.text.contains("word80") })
        let unbroken = words.filter { $0.text.hasPrefix("XXX") }
        #expect(!unbroken.isEmpty && unbroken.allSatisfy { $0.xMax < qtyHeader.xMin - 1 })
        // Every amount ends where the Amount header ends, on every page.
        for page in Set(words.map(\.page)) {
            let header = try #require(words.first { $0.text == "Amount" && $0.page == page })
            let amounts = (1...40).compactMap { index in
                words.first { $0.page == page && $0.text == SampleDocument.row(index)[3] && $0.yMin > header.yMax }
            }
            #expect(!amounts.isEmpty)
            for amount in amounts {
                #expect(abs(amount.xMax - header.xMax) < 0.6, "\(amount.text) ends at \(amount.xMax), not \(header.xMax)")
            }
        }
    }

    @Test func aLongNoteContinuesOnTheNextPage() async throws {
        let paragraph = (1...700).map { "n\($0)" }.joined(separator: " ")
        let pdf = try await RenderedPDF.render(SampleDocument.invoice(rows: 20, notes: [paragraph, "Last words."]))
        defer { pdf.remove() }
        let pages = try await pdf.pageTexts()
        #expect(pages.count >= 2)
        let all = pages.joined(separator: " ")
        for index in [1, 350, 700] {
            #expect(all.matches(of: try Regex("\\bn\(index)\\b")).count == 1, "n\(index)")
        }
        #expect(pages.last!.contains("Last words."))
    }

    @Test func aDocumentWithOnlyATitleAndPartiesHasOnePage() async throws {
        let document = PrintedDocument(
            title: "Credit note", number: "CN-7", draft: false, seller: DocumentParty(name: "Seller"), buyer: DocumentParty(name: "Buyer"))
        let pdf = try await RenderedPDF.render(document)
        defer { pdf.remove() }
        #expect(try await pdf.pageCount() == 1)
        let text = try await pdf.text()
        #expect(text.contains("Credit note") && text.contains("No. CN-7") && text.contains("Page 1 of 1"))
    }

    @Test func aRowWithTheWrongNumberOfCellsIsRefused() throws {
        var document = SampleDocument.invoice()
        document.table.rows[1] = ["only one cell"]
        #expect(throws: DocumentRenderError.rowWidth(row: 1, cells: 1, columns: 4)) { try PDFRenderer().render(document) }
    }

    @Test func aHeaderOrFooterTallerThanAPageIsRefused() throws {
        var document = SampleDocument.invoice()
        document.metadata = (1...200).map { DocumentField(label: "Field \($0)", value: "value") }
        #expect(throws: DocumentRenderError.tooTall(part: "first page's header (seller, buyer and metadata)")) {
            try PDFRenderer().render(document)
        }
        document = SampleDocument.invoice()
        document.footer = (1...100).map { "Footer line \($0)" }
        #expect(throws: DocumentRenderError.tooTall(part: "footer")) { try PDFRenderer().render(document) }
    }

    @Test func rendersOnSeveralThreadsAtOnceEachGetItsOwnText() async throws {
        let names = (0..<6).map { "Client \($0) Ünïcødé 東京\($0)" }
        let texts = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, name) in names.enumerated() {
                group.addTask {
                    let pdf = try await RenderedPDF.render(SampleDocument.invoice(rows: 45, buyerName: name))
                    defer { pdf.remove() }
                    return (index, try await pdf.text())
                }
            }
            var texts: [Int: String] = [:]
            for try await (index, text) in group { texts[index] = text }
            return texts
        }
        for (index, name) in names.enumerated() {
            let text = try #require(texts[index])
            #expect(text.contains(name))
            #expect(names.filter { text.contains($0) } == [name])
            #expect(text.contains(SampleDocument.row(45)[0]))
        }
    }
}
