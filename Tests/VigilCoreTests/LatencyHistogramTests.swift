import Testing
import VigilCore

struct LatencyHistogramTests {
    @Test func bucketsFollowTheThresholds() {
        #expect(LatencyHistogram.bucket(forMilliseconds: 0) == 0)
        #expect(LatencyHistogram.bucket(forMilliseconds: 249) == 0)
        #expect(LatencyHistogram.bucket(forMilliseconds: 250) == 1)
        #expect(LatencyHistogram.bucket(forMilliseconds: 59_999) == 15)
        #expect(LatencyHistogram.bucket(forMilliseconds: 60_000) == 16)
        #expect(LatencyHistogram.bucketCount == 17)
    }

    @Test func quantilesInterpolateWithinTheirBucket() {
        var histogram = LatencyHistogram()
        #expect(histogram.quantile(0.95) == nil)
        // 100 calls: 90 between 500 and 750 ms, 10 between 1500 and 2000 ms.
        for _ in 0..<90 { histogram.add(milliseconds: 600) }
        for _ in 0..<10 { histogram.add(milliseconds: 1800) }
        // Rank 95 is the 5th of 10 in [1500, 2000): 1500 + 500 × 5/10.
        #expect(histogram.quantile(0.95) == 1750)
        #expect(histogram.quantile(0.5) == 500 + 250 * 50.0 / 90.0)
        var slow = LatencyHistogram()
        slow.add(milliseconds: 90_000)
        #expect(slow.quantile(0.95) == 60_000)
        #expect((histogram + slow).total == 101)
    }
}
