/// A camera's picture reduced to a small grid of mean luma values, for telling whether the scene
/// changed without looking at the full frame.
///
/// Each cell is the mean luma (0–255, the frame's own range) of the pixels it covers, sampled on a
/// sparse lattice; averaging hundreds of pixels per cell drowns per-pixel sensor noise and
/// compression artefacts, which is what makes the comparison in ``SceneChangeDetector`` robust.
package struct SceneThumbnail: Sendable, Equatable {
    /// Cells across (64 by default: 30 px each at 1080p).
    package var width: Int
    /// Cells down (36 by default).
    package var height: Int
    /// Row by row, `width * height` values.
    package var cells: [UInt8]

    package init(width: Int, height: Int, cells: [UInt8]) {
        precondition(cells.count == width * height, "a thumbnail has width x height cells")
        self.width = width
        self.height = height
        self.cells = cells
    }

    /// The standard grid: 64 x 36 cells, 16:9 like most cameras.
    package static let columns = 64
    package static let rows = 36

    /// Mean of all cells.
    package var meanLuma: Double {
        guard !cells.isEmpty else { return 0 }
        var sum = 0
        for cell in cells { sum += Int(cell) }
        return Double(sum) / Double(cells.count)
    }
}
