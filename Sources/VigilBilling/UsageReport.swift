package import Foundation
package import VigilCore

/// The operator's view of usage over a period: totals, and optionally one row per group.
package struct UsageReport: Sendable, Equatable {
    /// One row: an aggregate with its latency.
    package struct Row: Sendable, Equatable {
        package var usage: UsageAggregate
        package var averageMilliseconds: Double?
        package var p95Milliseconds: Double?
        package var successRate: Double { usage.calls == 0 ? 0 : Double(usage.calls - usage.failedCalls) / Double(usage.calls) }

        package init(usage: UsageAggregate, averageMilliseconds: Double?, p95Milliseconds: Double?) {
            self.usage = usage
            self.averageMilliseconds = averageMilliseconds
            self.p95Milliseconds = p95Milliseconds
        }
    }

    /// A stream session's life, for `--session`.
    package struct Session: Sendable, Equatable {
        package var id: String
        package var cameraID: String
        package var startedAt: Date
        package var endedAt: Date?
        package var endReason: String?

        package init(id: String, cameraID: String, startedAt: Date, endedAt: Date?, endReason: String?) {
            self.id = id
            self.cameraID = cameraID
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.endReason = endReason
        }
    }

    package var from: Date
    package var to: Date
    package var client: String?
    /// `day`, `model`, `camera`, `client`, `operation`, `session`, or nil for totals only.
    package var grouping: String?
    package var total: Row
    package var rows: [Row]
    package var session: Session?

    package init(from: Date, to: Date, client: String?, grouping: String?, total: Row, rows: [Row], session: Session? = nil) {
        self.from = from
        self.to = to
        self.client = client
        self.grouping = grouping
        self.total = total
        self.rows = rows
        self.session = session
    }
}
