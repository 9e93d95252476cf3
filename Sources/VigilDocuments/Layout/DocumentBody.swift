/// The body of a document as blocks in reading order, for the ``Paginator``: the first page's
/// header (seller and title; buyer and metadata), the table's header and rows, the totals, and the
/// notes line by line.
struct DocumentBody {
    private let document: PrintedDocument
    private let context: TextContext
    private let geometry: PageGeometry
    /// The tallest a block may be: a page's body height.
    private let pageBodyHeight: Double

    /// Space between a table cell's edge and its text, in points.
    private static let cellPadding = (horizontal: 4.0, vertical: 3.0)
    /// The most lines a table cell may take, whatever its column asks.
    static let maximumCellLines = 20

    init(document: PrintedDocument, context: TextContext, geometry: PageGeometry, pageBodyHeight: Double) {
        self.document = document
        self.context = context
        self.geometry = geometry
        self.pageBodyHeight = pageBodyHeight
    }

    /// Every block of the body. Throws if the first page's header is taller than a page.
    func blocks() throws -> [FlowBlock] {
        let header = [sellerAndTitle(), buyerAndMetadata()]
        guard header.allSatisfy({ $0.height <= pageBodyHeight }) else {
            throw DocumentRenderError.tooTall(part: "first page's header (seller, buyer and metadata)")
        }
        return header + table() + totals() + notes()
    }

    // MARK: The first page's header

    private var leftWidth: Double { geometry.contentWidth * 0.56 }
    private var rightWidth: Double { geometry.contentWidth - leftWidth - 16 }
    private var rightX: Double { geometry.right - rightWidth }

    /// The seller on the left; the title, number and draft mark on the right.
    private func sellerAndTitle() -> FlowBlock {
        let seller = party(document.seller, heading: nil)
        var right = [TextLayout(document.title, style: .title, context: context, width: rightWidth, alignment: .trailing, maximumLines: 2)]
        if let number = document.number {
            right.append(
                TextLayout(
                    "\(document.labels.number) \(number)", style: .number, context: context, width: rightWidth, alignment: .trailing,
                    maximumLines: 2))
        }
        if document.draft {
            right.append(
                TextLayout(
                    document.labels.draft, style: .draftMark, context: context, width: rightWidth, alignment: .trailing, maximumLines: 1))
        }
        let rightHeight = right.reduce(0) { $0 + $1.height } + Double(right.count - 1) * 3
        let left = geometry.left
        let rightX = rightX
        return FlowBlock(height: max(stackHeight(seller), rightHeight)) { canvas, top in
            drawStack(seller, on: canvas, x: left, top: top)
            var y = top
            for layout in right {
                layout.draw(on: canvas, x: rightX, y: y)
                y += layout.height + 3
            }
        }
    }

    /// The buyer on the left, under its heading; the metadata rows on the right.
    private func buyerAndMetadata() -> FlowBlock {
        let buyer = party(document.buyer, heading: document.labels.buyer)
        let labelWidth = rightWidth * 0.45
        let rows = document.metadata.map { field in
            (
                label: TextLayout(field.label, style: .label, context: context, width: labelWidth - 6, maximumLines: 2),
                value: TextLayout(
                    field.value, style: .body, context: context, width: rightWidth - labelWidth, alignment: .trailing, maximumLines: 2)
            )
        }
        let rowHeights = rows.map { max($0.label.height, $0.value.height) }
        let metadataHeight = rowHeights.reduce(0, +) + Double(max(rows.count - 1, 0)) * 3
        let left = geometry.left
        let rightX = rightX
        return FlowBlock(height: max(stackHeight(buyer), metadataHeight), spaceBefore: 24) { canvas, top in
            drawStack(buyer, on: canvas, x: left, top: top)
            var y = top
            for (row, height) in zip(rows, rowHeights) {
                // The label's smaller type sits on the value's first baseline.
                let labelShift = (row.value.lines.first?.baseline ?? 0) - (row.label.lines.first?.baseline ?? 0)
                row.label.draw(on: canvas, x: rightX, y: y + max(labelShift, 0))
                row.value.draw(on: canvas, x: rightX + labelWidth, y: y)
                y += height + 3
            }
        }
    }

    /// A party as layouts stacked top to bottom: an optional heading, the name, the details.
    private func party(_ party: DocumentParty, heading: String?) -> [TextLayout] {
        let labels = document.labels
        var details = party.addressLines
        let labelled: [(String, String?)] = [
            (labels.vatID, party.vatID), (labels.companyID, party.companyID), (labels.email, party.email), (labels.phone, party.phone),
        ]
        for (label, value) in labelled {
            if let value, !value.isEmpty { details.append("\(label): \(value)") }
        }
        var stack: [TextLayout] = []
        if let heading { stack.append(TextLayout(heading, style: .label, context: context, width: leftWidth, maximumLines: 1)) }
        stack.append(TextLayout(party.name, style: .name, context: context, width: leftWidth, maximumLines: 2))
        if !details.isEmpty {
            stack.append(TextLayout(lines: details, style: .body, context: context, width: leftWidth, maximumLinesEach: 2))
        }
        return stack
    }

    private func stackHeight(_ stack: [TextLayout]) -> Double {
        stack.reduce(0) { $0 + $1.height } + Double(max(stack.count - 1, 0)) * 2
    }

    private func drawStack(_ stack: [TextLayout], on canvas: PDFCanvas, x: Double, top: Double) {
        var y = top
        for layout in stack {
            layout.draw(on: canvas, x: x, y: y)
            y += layout.height + 2
        }
    }

    // MARK: The table

    /// The header, then one block per row, each row repeating the header when it starts a page.
    private func table() -> [FlowBlock] {
        let columns = document.table.columns
        guard !columns.isEmpty else { return [] }
        let weights = columns.map { $0.weight.isFinite && $0.weight > 0 ? $0.weight : 1 }
        let total = weights.reduce(0, +)
        let widths = weights.map { geometry.contentWidth * $0 / total }
        var lefts: [Double] = []
        var x = geometry.left
        for width in widths {
            lefts.append(x)
            x += width
        }
        let padding = Self.cellPadding
        let contentWidth = geometry.contentWidth
        let left = geometry.left

        func row(_ texts: [String], style: TextStyle, maximumLines: (Int) -> Int) -> (cells: [TextLayout], height: Double) {
            let cells = texts.enumerated().map { index, text in
                TextLayout(
                    text, style: style, context: context, width: max(widths[index] - 2 * padding.horizontal, 1),
                    alignment: columns[index].alignment, maximumLines: maximumLines(index))
            }
            return (cells, (cells.map(\.height).max() ?? 0) + 2 * padding.vertical)
        }

        let header = row(columns.map(\.title), style: .columnHeader) { _ in 2 }
        let headerBlock = FlowBlock(height: header.height, spaceBefore: 22, keepWithNext: !document.table.rows.isEmpty) { canvas, top in
            canvas.setColor(.headerFill)
            canvas.fillRectangle(x: left, y: top, width: contentWidth, height: header.height)
            for (index, cell) in header.cells.enumerated() {
                cell.draw(on: canvas, x: lefts[index] + padding.horizontal, y: top + padding.vertical)
            }
        }
        var repeatedHeader = headerBlock
        repeatedHeader.spaceBefore = 0
        repeatedHeader.keepWithNext = false
        let rows = document.table.rows.map { texts in
            let cells = row(texts, style: .body) { min(max(columns[$0].maximumLines, 1), Self.maximumCellLines) }
            return FlowBlock(height: cells.height, repeatedAfterBreak: [repeatedHeader]) { canvas, top in
                for (index, cell) in cells.cells.enumerated() {
                    cell.draw(on: canvas, x: lefts[index] + padding.horizontal, y: top + padding.vertical)
                }
                canvas.setColor(.hairline)
                canvas.horizontalRule(x: left, y: top + cells.height - 0.25, length: contentWidth, width: 0.5)
            }
        }
        return [headerBlock] + rows
    }

    // MARK: Totals and notes

    /// One block per totals row, kept together, right-aligned; the last one bold under a rule.
    private func totals() -> [FlowBlock] {
        let width = geometry.contentWidth * 0.45
        let x = geometry.right - width
        let labelWidth = width * 0.55
        return document.totals.enumerated().map { index, total in
            let isLast = index == document.totals.count - 1
            let style: TextStyle = isLast ? .grandTotal : .total
            let label = TextLayout(total.label, style: style, context: context, width: labelWidth - 6, maximumLines: 2)
            let amount = TextLayout(total.amount, style: style, context: context, width: width - labelWidth, alignment: .trailing)
            let height = max(label.height, amount.height) + 4
            let spaceBefore: Double = index == 0 ? 16 : (isLast ? 4 : 0)
            return FlowBlock(height: height, spaceBefore: spaceBefore, keepWithNext: !isLast) { canvas, top in
                if isLast && document.totals.count > 1 {
                    canvas.setColor(.text)
                    canvas.horizontalRule(x: x, y: top - 1, length: width, width: 0.8)
                }
                label.draw(on: canvas, x: x, y: top + 2)
                amount.draw(on: canvas, x: x + labelWidth, y: top + 2)
            }
        }
    }

    /// One block per line of each note, so a long note continues on the next page.
    private func notes() -> [FlowBlock] {
        let left = geometry.left
        return document.notes.enumerated().flatMap { paragraphIndex, note in
            let layout = TextLayout(note, style: .note, context: context, width: geometry.contentWidth)
            return layout.lines.enumerated().map { lineIndex, line in
                let spaceBefore: Double = lineIndex > 0 ? 0 : (paragraphIndex == 0 ? 20 : 6)
                return FlowBlock(height: line.height, spaceBefore: spaceBefore) { canvas, top in
                    layout.drawLine(lineIndex, on: canvas, x: left, y: top)
                }
            }
        }
    }
}
