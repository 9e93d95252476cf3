import Glibc
import Synchronization

/// Decides when a blocking FFmpeg call must give up: at a deadline, or when the camera is stopped.
///
/// FFmpeg polls the callback from inside `avformat_open_input` and `av_read_frame` on the reader
/// thread; `stop()` may be called from any thread.
final class Interrupter: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let deadline = Atomic<UInt64>(UInt64.max)

    /// Interrupt calls that run past `seconds` from now.
    func arm(seconds: Double) {
        deadline.store(Monotonic.nanoseconds() + UInt64(max(0, seconds) * 1_000_000_000), ordering: .relaxed)
    }

    /// Interrupt every call from now on.
    func stop() { stopped.store(true, ordering: .relaxed) }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// Whether the deadline passed (as opposed to a stop).
    var deadlinePassed: Bool { Monotonic.nanoseconds() >= deadline.load(ordering: .relaxed) }

    func shouldInterrupt() -> Bool { isStopped || deadlinePassed }
}

/// The monotonic clock, in nanoseconds (immune to wall-clock jumps).
enum Monotonic {
    static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func seconds(since start: UInt64) -> Double {
        Double(nanoseconds() &- start) / 1_000_000_000
    }
}
