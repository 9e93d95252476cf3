package import VigilCore

/// One camera's part of an invoice's usage: the analyses it appeared in and its exact share of
/// their provider cost (USD), from `analyses.cost_share` and `camera_hourly`.
package struct CameraUsage: Sendable, Equatable, Codable {
    /// The camera's id; for rows that do not know their cameras, the source's id.
    package var cameraID: String
    /// Its name, as configured (the id when it is no longer configured).
    package var name: String
    /// Calls it appeared in.
    package var analyses: Int
    /// Its shares of those calls' provider cost, exact (USD).
    package var costShare: Money
    /// Rows of an earlier month, already invoiced, that arrived late.
    package var late: Bool

    package init(cameraID: String, name: String, analyses: Int, costShare: Money, late: Bool = false) {
        self.cameraID = cameraID
        self.name = name
        self.analyses = analyses
        self.costShare = costShare
        self.late = late
    }
}
