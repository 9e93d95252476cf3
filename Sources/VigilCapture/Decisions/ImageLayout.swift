package import VigilCore

/// Where each camera's picture goes in the image sent to Gemini.
///
/// A single camera is scaled, aspect kept, so its longer side is `maxSide` (never enlarged). A group
/// of four is a 2x2 grid of quadrants `maxSide` wide and 9/16 of that high; each camera is fitted
/// into its quadrant with its aspect kept and centred (letterboxed or pillarboxed, never stretched).
/// Quadrants are in the group's camera order: top-left, top-right, bottom-left, bottom-right.
/// Every size and offset is even, as 4:2:0 chroma needs.
package enum ImageLayout {
    /// A rectangle in pixels.
    package struct Rect: Sendable, Equatable {
        package var x: Int, y: Int, width: Int, height: Int
        package init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    /// The image size and where the picture goes, for one camera of `width`×`height`.
    package static func single(width: Int, height: Int, maxSide: Int) -> (width: Int, height: Int, picture: Rect) {
        let longer = max(width, height)
        let target = min(maxSide, longer)
        let scale = Double(target) / Double(max(1, longer))
        let w = even(Double(width) * scale), h = even(Double(height) * scale)
        return (w, h, Rect(x: 0, y: 0, width: w, height: h))
    }

    /// The size of a 2x2 image whose quadrants are `maxSide` wide.
    package static func mosaicSize(maxSide: Int) -> (width: Int, height: Int) {
        let quadrant = quadrantSize(maxSide: maxSide)
        return (quadrant.width * 2, quadrant.height * 2)
    }

    /// One quadrant's size: `maxSide` × 9/16 of it, even.
    package static func quadrantSize(maxSide: Int) -> (width: Int, height: Int) {
        (even(Double(maxSide)), even(Double(maxSide) * 9 / 16))
    }

    /// Quadrant `index` (0 top-left ... 3 bottom-right).
    package static func quadrant(_ index: Int, maxSide: Int) -> Rect {
        let size = quadrantSize(maxSide: maxSide)
        return Rect(x: (index % 2) * size.width, y: (index / 2) * size.height, width: size.width, height: size.height)
    }

    /// The largest rectangle with the picture's aspect that fits `box`, centred in it.
    package static func fit(width: Int, height: Int, into box: Rect) -> Rect {
        let scale = min(Double(box.width) / Double(max(1, width)), Double(box.height) / Double(max(1, height)))
        let w = min(box.width, even(Double(width) * scale)), h = min(box.height, even(Double(height) * scale))
        let x = box.x + (box.width - w) / 2 / 2 * 2, y = box.y + (box.height - h) / 2 / 2 * 2
        return Rect(x: x, y: y, width: w, height: h)
    }

    private static func even(_ value: Double) -> Int { max(2, Int(value.rounded()) / 2 * 2) }
}
