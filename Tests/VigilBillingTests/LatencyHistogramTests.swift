import Testing
import VigilBilling
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

    @Test func noQuantileLiesAboveTheSlowestCall() {
        // Twenty calls of 1 to 4 ms: bucket interpolation alone would say p95 = 237.5 ms.
        var fast = LatencyHistogram()
        for milliseconds in [1, 2, 2, 3, 1, 2, 4, 2, 1, 2, 3, 2, 2, 1, 2, 3, 2, 2, 1, 2] { fast.add(milliseconds: milliseconds) }
        #expect(fast.slowest == 4)
        #expect(fast.quantile(0.95) == 4)
        #expect(LatencyHistogram(counts: fast.counts).quantile(0.95) == 237.5)
        // Sums keep the slowest of both; an unknown slowest does not hide a known one.
        var slower = LatencyHistogram()
        slower.add(milliseconds: 180)
        #expect((fast + slower).slowest == 180)
        #expect((fast + LatencyHistogram(counts: slower.counts)).slowest == 4)
        #expect((fast + slower).quantile(0.95) == 180)
    }
}
