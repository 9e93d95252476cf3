package import Foundation
package import VigilCore

/// The operator's view of usage over a period: totals, and optionally one row per group.
package struct UsageReport: Sendable, Equatable {
    /// One row: an aggregate with its latency, and the samples skipped meanwhile.
    package struct Row: Sendable, Equatable {
        package var usage: UsageAggregate
        package var averageMilliseconds: Double?
        package var p95Milliseconds: Double?
        /// Samples the scene gate skipped under this row's key; nil when skips have no such key (a
        /// skipped sample made no call, so it has no model, operation or stream session).
        package var skipped: SkippedSamples?
        /// Whether this is one camera's line of a report by camera: `calls` are the calls the camera
        /// appeared in (a group call counts for each camera in its image), and the cost is the sum of
        /// its shares of them (a group call's cost split equally over the cameras in its image; a
        /// dark quadrant takes none). Tokens and latency are not split per camera: not shown.
        package var cameraShare: Bool
        package var successRate: Double { usage.calls == 0 ? 0 : Double(usage.calls - usage.failedCalls) / Double(usage.calls) }

        package init(
            usage: UsageAggregate, averageMilliseconds: Double?, p95Milliseconds: Double?, skipped: SkippedSamples? = nil,
            cameraShare: Bool = false
        ) {
            self.usage = usage
            self.averageMilliseconds = averageMilliseconds
            self.p95Milliseconds = p95Milliseconds
            self.skipped = skipped
            self.cameraShare = cameraShare
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
    /// `day`, `model`, `camera` (each camera, its share of the calls it appeared in), `source` (each
    /// camera or group called), `client`, `operation`, `session`, `tier` (the service tier that served
    /// the calls), `node` (the cluster node that made them), or nil for totals only.
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
