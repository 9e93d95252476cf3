/// Where a ``FlowBlock`` goes on its page.
struct Placement: Sendable, Equatable {
    /// The index of the block among those paginated.
    var block: Int
    /// Nil for the block itself; else the index of the block's ``FlowBlock/repeatedAfterBreak`` block
    /// drawn here, before the block, at the top of a page.
    var repeated: Int?
    /// The top of the block on the page, in points.
    var top: Double
}
