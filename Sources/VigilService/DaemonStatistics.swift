/// Counters of the daemon's work since start, for logs, metrics and `/readyz`.
public struct DaemonStatistics: Sendable, Equatable {
    /// Calls made (attempts that reached Gemini), by outcome.
    public var callsSucceeded = 0
    public var callsFailed = 0
    /// Retries among those calls.
    public var retries = 0
    /// Ticks skipped because the source's previous call was still in flight.
    public var skippedInFlight = 0
    /// Ticks skipped because no camera of the source had a fresh frame.
    public var skippedNoFrame = 0
    /// Incidents reported.
    public var incidents = 0
    /// Records that could not even be spooled (disk full): each is also logged as an error.
    public var recordsLost = 0
    public var promptTokens = 0
    public var outputTokens = 0
    public var thoughtsTokens = 0
    public var cachedTokens = 0

    public init() {}
}
