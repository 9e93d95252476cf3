package import ServiceLifecycle

extension UsageLedger: Service {
    /// Runs until the service group shuts down gracefully, then closes the ledger: everything
    /// handed in is written, or left spooled for the next start, before this returns.
    ///
    /// In the daemon's ``ServiceGroup`` the ledger comes first, so it is the last service to stop:
    /// the monitoring service has finished its calls, and recorded them, before the ledger closes.
    package func run() async throws {
        try? await gracefulShutdown()
        let complete = await close()
        let waiting = statistics.segmentsWaiting
        logger.notice(
            complete
                ? "usage ledger closed; every usage record is in the database"
                : "usage ledger closed; some usage records wait in the spool for the next start",
            metadata: ["spooled_segments": "\(waiting)"])
    }
}
