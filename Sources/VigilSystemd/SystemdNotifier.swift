import CSystemd
import Foundation

/// Tells systemd how the service is doing (`Type=notify`), through libsystemd's `sd_notify`.
///
/// Does nothing when not started by systemd (`NOTIFY_SOCKET` unset). Watchdog pings are sent only
/// when the unit sets `WatchdogSec=`; ``watchdogInterval`` says how often they are due.
package struct SystemdNotifier: Sendable {
    package init() {}

    /// Whether systemd listens (the service was started with `Type=notify`).
    package var isActive: Bool { ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil }

    /// Half the unit's `WatchdogSec=`, or nil without a watchdog.
    package var watchdogInterval: Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec / 2))
    }

    /// `READY=1`: start-up is complete.
    package func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    /// `STOPPING=1`: shutting down.
    package func stopping() { send("STOPPING=1") }
    /// `WATCHDOG=1`: the main loop is alive.
    package func watchdog() { send("WATCHDOG=1") }
    /// `STATUS=...`: one line for `systemctl status`.
    package func status(_ text: String) { send("STATUS=\(text)") }

    private func send(_ message: String) {
        guard isActive else { return }
        _ = sd_notify(0, message)
    }
}
