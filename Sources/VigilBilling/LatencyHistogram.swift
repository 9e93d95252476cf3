package import VigilCore

/// Call durations counted in fixed buckets, so a report's p95 comes from a rollup instead of
/// sorting millions of rows.
///
/// Bucket 0 holds durations under `thresholds[0]`, bucket k those from `thresholds[k-1]` up to
/// (not including) `thresholds[k]`, the last one `thresholds.last` and more: PostgreSQL's
/// `width_bucket(duration_ms, thresholds)`. The `usage_hourly` columns `latency_00`... are these
/// buckets (migration 0005 spells the same thresholds; a test holds them equal).
package struct LatencyHistogram: Sendable, Equatable {
    /// Bucket boundaries in milliseconds: 250 ms steps to 1 s, then coarser, up to a minute.
    package static let thresholds = [250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000, 15000, 20000, 30000, 60000]

    /// Number of buckets (one more than thresholds).
    package static var bucketCount: Int { thresholds.count + 1 }

    /// Calls per bucket.
    package private(set) var counts: [Int]
    /// The slowest call counted, in milliseconds, when known: no quantile lies above it.
    package private(set) var slowest: Int?

    package init(counts: [Int] = Array(repeating: 0, count: LatencyHistogram.bucketCount), slowest: Int? = nil) {
        precondition(counts.count == Self.bucketCount, "a latency histogram has \(Self.bucketCount) buckets")
        self.counts = counts
        self.slowest = slowest
    }

    /// The bucket a duration falls in.
    package static func bucket(forMilliseconds milliseconds: Int) -> Int {
        thresholds.firstIndex { milliseconds < $0 } ?? thresholds.count
    }

    /// Counts one call.
    package mutating func add(milliseconds: Int) {
        counts[Self.bucket(forMilliseconds: milliseconds)] += 1
        slowest = max(slowest ?? milliseconds, milliseconds)
    }

    /// The sum of two histograms.
    package static func + (left: LatencyHistogram, right: LatencyHistogram) -> LatencyHistogram {
        let slowest = [left.slowest, right.slowest].compactMap { $0 }.max()
        return LatencyHistogram(counts: zip(left.counts, right.counts).map { $0 + $1 }, slowest: slowest)
    }

    /// Total calls counted.
    package var total: Int { counts.reduce(0, +) }

    /// The estimated `fraction` quantile (0.95 for p95) in milliseconds, or nil with no calls.
    ///
    /// The call of rank ⌈fraction × total⌉ is found in its bucket and placed by linear
    /// interpolation within it, so the estimate is never off by more than that bucket's width
    /// (250 ms below 1 s, 500 ms to 3 s, ...), and never above the slowest call when that is known
    /// (calls of 2 ms would otherwise read "p95 237 ms"). In the last, open bucket it is that
    /// bucket's lower bound, 60 s: "a minute or more".
    package func quantile(_ fraction: Double) -> Double? {
        guard let estimate = interpolatedQuantile(fraction) else { return nil }
        return slowest.map { min(estimate, Double($0)) } ?? estimate
    }

    private func interpolatedQuantile(_ fraction: Double) -> Double? {
        let total = self.total
        guard total > 0 else { return nil }
        let rank = max(1, Int((Double(total) * fraction).rounded(.up)))
        var below = 0
        for (bucket, count) in counts.enumerated() where count > 0 {
            if below + count >= rank {
                let lower = bucket == 0 ? 0 : Double(Self.thresholds[bucket - 1])
                guard bucket < Self.thresholds.count else { return lower }
                let upper = Double(Self.thresholds[bucket])
                return lower + (upper - lower) * Double(rank - below) / Double(count)
            }
            below += count
        }
        return nil
    }
}
