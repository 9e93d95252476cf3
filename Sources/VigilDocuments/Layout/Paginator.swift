/// Puts a document's body blocks on pages, top to bottom, in order.
///
/// A block goes on the current page when it fits above ``bottom``, its space before included (that
/// space is dropped at the top of a page); else it starts the next page, under the blocks it repeats
/// after a break (a table's header). A block that keeps with the next one moves to the next page
/// when the blocks it keeps with do not fit, unless they would not fit on a page of their own either.
/// A block taller than a whole page is put at the top of one and runs past ``bottom``: the renderer
/// keeps blocks smaller than that.
struct Paginator: Sendable {
    /// The top of the body on the first page.
    var firstTop: Double
    /// The top of the body on every later page (under the running header).
    var laterTop: Double
    /// The bottom of the body on every page (above the footer).
    var bottom: Double

    /// The blocks on each page, in drawing order; at least one page.
    func paginate(_ blocks: [FlowBlock]) -> [[Placement]] {
        var pages: [[Placement]] = [[]]
        var y = firstTop
        var pageIsFresh = true
        for (index, block) in blocks.enumerated() {
            if !pageIsFresh {
                let kept = keptHeight(from: index, in: blocks)
                let repeatedHeight = block.repeatedAfterBreak.reduce(0) { $0 + $1.height }
                let keptFitsAPage = laterTop + repeatedHeight + kept <= bottom
                let blockFitsHere = y + block.spaceBefore + block.height <= bottom
                let keptFitsHere = y + block.spaceBefore + kept <= bottom
                if !blockFitsHere || (!keptFitsHere && keptFitsAPage) {
                    pages.append([])
                    y = laterTop
                    pageIsFresh = true
                    for (repeatedIndex, repeated) in block.repeatedAfterBreak.enumerated() {
                        pages[pages.count - 1].append(Placement(block: index, repeated: repeatedIndex, top: y))
                        y += repeated.height
                    }
                }
            }
            if !pageIsFresh { y += block.spaceBefore }
            pages[pages.count - 1].append(Placement(block: index, repeated: nil, top: y))
            y += block.height
            pageIsFresh = false
        }
        return pages
    }

    /// The height of block `index` and of the blocks it keeps with, with their space before.
    private func keptHeight(from index: Int, in blocks: [FlowBlock]) -> Double {
        var height = blocks[index].height
        var last = index
        while blocks[last].keepWithNext && last + 1 < blocks.count {
            last += 1
            height += blocks[last].spaceBefore + blocks[last].height
        }
        return height
    }
}
