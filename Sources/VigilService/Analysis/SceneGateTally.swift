package import Foundation
package import VigilCore

/// Samples the scene gate kept from Gemini, per client, source and UTC hour, with the cost they
/// avoided (an estimate: the mean cost of the source's recent calls), until written to
/// `scene_gate_hourly`. A pure value.
package struct SceneGateTally: Sendable, Equatable {
    /// One client, source and hour.
    package struct Key: Sendable, Hashable {
        package var client: String
        package var source: String
        package var kind: String
        package var hour: Date
    }

    /// Skips and avoided cost of one key.
    package struct Count: Sendable, Equatable {
        package var skipped: Int
        package var costAvoided: Money
    }

    package private(set) var counts: [Key: Count] = [:]

    package init() {}

    package var isEmpty: Bool { counts.isEmpty }

    /// Counts one skip of `source` at `time`, avoiding an estimated `cost`.
    package mutating func skip(client: String, source: String, kind: String, at time: Date, cost: Money) {
        let hour = Date(timeIntervalSince1970: (time.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
        let key = Key(client: client, source: source, kind: kind, hour: hour)
        var count = counts[key] ?? Count(skipped: 0, costAvoided: .zero)
        count.skipped += 1
        count.costAvoided += cost
        counts[key] = count
    }

    /// Adds `other`'s counts (those that could not be written yet) to these.
    package mutating func merge(_ other: SceneGateTally) {
        for (key, count) in other.counts {
            var mine = counts[key] ?? Count(skipped: 0, costAvoided: .zero)
            mine.skipped += count.skipped
            mine.costAvoided += count.costAvoided
            counts[key] = mine
        }
    }
}
