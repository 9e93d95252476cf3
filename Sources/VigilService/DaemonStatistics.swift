/// Counters of the daemon's work since start, for logs, metrics and `/readyz`.
package struct DaemonStatistics: Sendable, Equatable {
    /// Calls made (attempts that reached Gemini), by outcome.
    package var callsSucceeded = 0
    package var callsFailed = 0
    /// Retries among those calls.
    package var retries = 0
    /// Ticks skipped because the source's previous call was still in flight.
    package var skippedInFlight = 0
    /// Ticks skipped because no camera of the source had a fresh frame.
    package var skippedNoFrame = 0
    /// Incidents reported.
    package var incidents = 0
    /// Records that could not even be spooled (disk full): each is also logged as an error.
    package var recordsLost = 0
    package var promptTokens = 0
    package var outputTokens = 0
    package var thoughtsTokens = 0
    package var cachedTokens = 0

    package init() {}
}
