public import Foundation

/// The operator's view of usage over a period: totals, and optionally one row per group.
public struct UsageReport: Sendable, Equatable {
    /// One row: an aggregate with its latency.
    public struct Row: Sendable, Equatable {
        public var usage: UsageAggregate
        public var averageMilliseconds: Double?
        public var p95Milliseconds: Double?
        public var successRate: Double { usage.calls == 0 ? 0 : Double(usage.calls - usage.failedCalls) / Double(usage.calls) }

        public init(usage: UsageAggregate, averageMilliseconds: Double?, p95Milliseconds: Double?) {
            self.usage = usage
            self.averageMilliseconds = averageMilliseconds
            self.p95Milliseconds = p95Milliseconds
        }
    }

    /// A stream session's life, for `--session`.
    public struct Session: Sendable, Equatable {
        public var id: String
        public var cameraID: String
        public var startedAt: Date
        public var endedAt: Date?
        public var endReason: String?

        public init(id: String, cameraID: String, startedAt: Date, endedAt: Date?, endReason: String?) {
            self.id = id
            self.cameraID = cameraID
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.endReason = endReason
        }
    }

    public var from: Date
    public var to: Date
    public var client: String?
    /// `day`, `model`, `camera`, `client`, `operation`, `session`, or nil for totals only.
    public var grouping: String?
    public var total: Row
    public var rows: [Row]
    public var session: Session?

    public init(from: Date, to: Date, client: String?, grouping: String?, total: Row, rows: [Row], session: Session? = nil) {
        self.from = from
        self.to = to
        self.client = client
        self.grouping = grouping
        self.total = total
        self.rows = rows
        self.session = session
    }
}
