import Testing

@testable import VigilCapture

/// The scene-change comparison on made-up thumbnails: what counts as a change, and what never does.
struct SceneChangeDetectorTests {
    /// A textured 64 x 36 scene: luma 40–200 in bands and panels, like a shop floor.
    static func scene() -> [UInt8] {
        (0..<(64 * 36)).map { index in
            let x = index % 64
            let y = index / 64
            if (8..<24).contains(x) && (4..<14).contains(y) { return 200 }
            return UInt8(60 + (x * 3 + y * 2) % 90)
        }
    }

    static func thumbnail(_ cells: [UInt8]) -> SceneThumbnail { SceneThumbnail(width: 64, height: 36, cells: cells) }

    /// Deterministic jitter of up to ±`amplitude` levels per cell.
    static func jittered(_ cells: [UInt8], amplitude: Int, seed: Int) -> [UInt8] {
        var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1
        return cells.map { value in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let delta = Int(state >> 33) % (2 * amplitude + 1) - amplitude
            return UInt8(clamping: Int(value) + delta)
        }
    }

    static func withBlock(_ cells: [UInt8], x: Range<Int>, y: Range<Int>, luma: UInt8) -> [UInt8] {
        var changed = cells
        for row in y { for column in x { changed[row * 64 + column] = luma } }
        return changed
    }

    let detector = SceneChangeDetector()

    @Test func theSamePictureHasNotChanged() {
        let difference = detector.compare(Self.thumbnail(Self.scene()), Self.thumbnail(Self.scene()))
        #expect(difference.changed == false)
        #expect(difference.changedAreaPercent == 0)
    }

    @Test func noiseWithinTheThresholdIsNoChange() {
        for seed in 1...20 {
            let noisy = Self.jittered(Self.scene(), amplitude: 6, seed: seed)
            #expect(detector.compare(Self.thumbnail(Self.scene()), Self.thumbnail(noisy)).changed == false, "seed \(seed)")
        }
    }

    /// A person-sized shape: 4 x 12 cells (2.1 % of the picture) much darker than the floor.
    @Test func aPersonSizedShapeIsAChange() {
        let person = Self.withBlock(Self.scene(), x: 30..<34, y: 14..<26, luma: 20)
        let difference = detector.compare(Self.thumbnail(Self.scene()), Self.thumbnail(person))
        #expect(difference.changed)
        #expect(difference.changedAreaPercent > 2 && difference.changedAreaPercent < 2.2)
    }

    /// 9 cells (0.39 %) is below the default 1 %, above a camera's 0.3 %.
    @Test func theAreaThresholdDecidesSmallChanges() {
        let small = Self.withBlock(Self.scene(), x: 30..<33, y: 14..<17, luma: 20)
        #expect(detector.compare(Self.thumbnail(Self.scene()), Self.thumbnail(small)).changed == false)
        let sensitive = SceneChangeDetector(minChangedAreaPercent: 0.3)
        #expect(sensitive.compare(Self.thumbnail(Self.scene()), Self.thumbnail(small)).changed)
    }

    @Test func aTwentyPercentLightChangeIsAChangeAndSlowDriftIsNot() {
        let darker = Self.scene().map { UInt8((Double($0) * 0.8).rounded()) }
        let dimmed = detector.compare(Self.thumbnail(Self.scene()), Self.thumbnail(darker))
        #expect(dimmed.changed)
        #expect(abs(dimmed.brightnessChangePercent + 20) < 1)
        let drifted = Self.jittered(Self.scene().map { UInt8((Double($0) * 0.95).rounded()) }, amplitude: 3, seed: 7)
        let drift = detector.compare(Self.thumbnail(Self.scene()), Self.thumbnail(drifted))
        #expect(drift.changed == false)
        #expect(drift.changedAreaPercent == 0)
    }

    /// At night most cells are too dark to measure a gain: an additive offset is compensated, and a
    /// lit shape still shows.
    @Test func aNightSceneComparesByOffset() {
        let night = [UInt8](repeating: 12, count: 64 * 36)
        let noisy = Self.jittered(night.map { $0 + 3 }, amplitude: 3, seed: 3)
        #expect(detector.compare(Self.thumbnail(night), Self.thumbnail(noisy)).changed == false)
        let torch = Self.withBlock(noisy, x: 20..<26, y: 10..<16, luma: 90)
        #expect(detector.compare(Self.thumbnail(night), Self.thumbnail(torch)).changed)
    }

    @Test func thumbnailsOfDifferentGridsDiffer() {
        let small = SceneThumbnail(width: 2, height: 1, cells: [1, 2])
        #expect(detector.compare(small, Self.thumbnail(Self.scene())).changed)
    }
}
