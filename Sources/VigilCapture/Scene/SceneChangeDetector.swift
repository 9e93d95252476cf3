/// Decides whether a camera's scene changed between two ``SceneThumbnail``s: the one last sent to
/// Gemini and the one sampled now. A pure value, tested without cameras.
///
/// The comparison, cell by cell after compensating global light:
/// 1. The light gain `g` is the median, over cells bright enough to measure (reference ≥ 24), of
///    current / reference; with too few such cells (a night scene) an additive median offset is used
///    instead, relative to a mean of at least 80 (so at night 8 levels count as 10 %). A gain beyond
///    ``brightnessChangePercent`` (default ±10 %) is a change in itself: the lights went on or off, a
///    door opened onto daylight.
/// 2. Below it, the drift is compensated: a cell has changed when it differs from `g × reference`
///    by more than ``cellThreshold`` luma levels. Slow light drift therefore never counts, and noise,
///    averaged over hundreds of pixels per cell, stays far below the threshold.
/// 3. The scene changed when at least ``minChangedAreaPercent`` of the cells changed.
///
/// The default threshold comes from measurement (`scripts/bench-gate`): on noisy static scenes at
/// 1080p and 720p (H.264, sensor noise of ±10 levels per pixel), no cell moved by more than 3 levels
/// after compensation, while a person-sized shape moves its cells by tens of levels.
package struct SceneChangeDetector: Sendable, Equatable {
    /// Share of cells that must change, in percent. Default 1.0 (23 of 2,304 cells).
    package var minChangedAreaPercent: Double
    /// Luma levels a cell must move by, after light compensation, to count as changed. Default 8.
    package var cellThreshold: Double
    /// A global light change of this many percent or more is a change. Default 10.
    package var brightnessChangePercent: Double

    package init(minChangedAreaPercent: Double = 1.0, cellThreshold: Double = 8, brightnessChangePercent: Double = 10) {
        self.minChangedAreaPercent = minChangedAreaPercent
        self.cellThreshold = cellThreshold
        self.brightnessChangePercent = brightnessChangePercent
    }

    /// How two thumbnails differ.
    package struct Difference: Sendable, Equatable {
        /// Percent of cells that changed after light compensation.
        package var changedAreaPercent: Double
        /// Global light change, in percent (signed: negative is darker).
        package var brightnessChangePercent: Double
        /// The largest move of a single cell after light compensation, in luma levels.
        package var largestCellChange: Double
        /// Whether this counts as a change of scene.
        package var changed: Bool
    }

    /// Compares `current` with `reference`; thumbnails of different grids always differ.
    package func compare(_ reference: SceneThumbnail, _ current: SceneThumbnail) -> Difference {
        guard reference.width == current.width, reference.height == current.height, !reference.cells.isEmpty else {
            return Difference(changedAreaPercent: 100, brightnessChangePercent: 0, largestCellChange: 255, changed: true)
        }
        let count = reference.cells.count
        var ratios: [Double] = []
        ratios.reserveCapacity(count)
        for index in 0..<count where reference.cells[index] >= 24 {
            ratios.append(Double(current.cells[index]) / Double(reference.cells[index]))
        }
        var gain = 1.0
        var offset = 0.0
        var lightChange: Double
        if ratios.count >= count / 4 {
            gain = Self.median(&ratios)
            lightChange = (gain - 1) * 100
        } else {
            var differences = (0..<count).map { Double(current.cells[$0]) - Double(reference.cells[$0]) }
            offset = Self.median(&differences)
            lightChange = offset / max(reference.meanLuma, 80) * 100
        }
        if !lightChange.isFinite { lightChange = 100 }
        var changedCells = 0
        var largest = 0.0
        for index in 0..<count {
            let expected = Double(reference.cells[index]) * gain + offset
            let change = abs(Double(current.cells[index]) - expected)
            largest = max(largest, change)
            if change > cellThreshold { changedCells += 1 }
        }
        let area = Double(changedCells) * 100 / Double(count)
        return Difference(
            changedAreaPercent: area, brightnessChangePercent: lightChange, largestCellChange: largest,
            changed: area >= minChangedAreaPercent || abs(lightChange) >= brightnessChangePercent)
    }

    private static func median(_ values: inout [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        values.sort()
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }
}
