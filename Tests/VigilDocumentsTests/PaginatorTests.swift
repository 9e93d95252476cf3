import Testing

@testable import VigilDocuments

@Suite struct PaginatorTests {
    private let paginator = Paginator(firstTop: 0, laterTop: 20, bottom: 100)

    private func block(_ height: Double, spaceBefore: Double = 0, keepWithNext: Bool = false, repeating: [FlowBlock] = []) -> FlowBlock {
        FlowBlock(height: height, spaceBefore: spaceBefore, keepWithNext: keepWithNext, repeatedAfterBreak: repeating) { _, _ in }
    }

    @Test func aRowThatDoesNotFitStartsTheNextPageUnderTheRepeatedHeader() {
        let header = block(10, keepWithNext: true)
        let blocks = [block(50), header] + (0..<5).map { _ in block(15, repeating: [header]) }
        let pages = paginator.paginate(blocks)
        #expect(pages.count == 2)
        #expect(pages[0].map(\.block) == [0, 1, 2, 3])
        #expect(pages[0].map(\.top) == [0, 50, 60, 75])
        #expect(
            pages[1] == [
                Placement(block: 4, repeated: 0, top: 20), Placement(block: 4, repeated: nil, top: 30),
                Placement(block: 5, repeated: nil, top: 45), Placement(block: 6, repeated: nil, top: 60),
            ])
    }

    @Test func aHeaderIsNeverLeftAloneAtTheBottomOfAPage() {
        let header = block(10, spaceBefore: 5, keepWithNext: true)
        let pages = paginator.paginate([block(80), header, block(15, repeating: [header])])
        #expect(pages.map { $0.map(\.block) } == [[0], [1, 2]])
        #expect(pages[1].map(\.top) == [20, 30])
    }

    @Test func spaceBeforeIsDroppedAtTheTopOfAPage() {
        let pages = paginator.paginate([block(90), block(20, spaceBefore: 8)])
        #expect(pages[1] == [Placement(block: 1, repeated: nil, top: 20)])
    }

    @Test func blocksKeptTogetherThatCannotFitOnAPageAreSplitWhereTheRestStaysTogether() {
        // Six blocks of 20 kept together cannot fit in a page's 80: they fill the first page until the
        // rest of them fits a page of its own.
        let pages = paginator.paginate([block(30)] + (0..<5).map { _ in block(20, keepWithNext: true) } + [block(20)])
        #expect(pages.map { $0.map(\.block) } == [[0, 1, 2], [3, 4, 5, 6]])
    }

    @Test func aBlockTallerThanAPageGetsAPageOfItsOwn() {
        let pages = paginator.paginate([block(30), block(150), block(10)])
        #expect(pages.map { $0.map(\.block) } == [[0], [1], [2]])
    }
}
