package import VigilCore

/// Where a camera's stream is in its life.
package enum CameraState: String, Sendable, Equatable {
    /// Opening the stream (first time, or again after a failure).
    case connecting
    /// Packets are arriving.
    case live
    /// No packet for the stall timeout: being closed to reopen.
    case stalled
    /// Waiting before the next attempt to open.
    case backingOff = "backing_off"
    /// A video file played once reached its end (files are looped unless asked otherwise).
    case ended
    /// Stopped on request (shutdown, removed from the configuration).
    case stopped
}
