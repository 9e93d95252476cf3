package import VigilCore

/// How long a camera's reader rests after the network made it wait, so that it wakes once per
/// batch of packets instead of once per frame.
///
/// A 25 fps stream wakes a waiting reader at least 25 times a second, and in a virtual machine
/// each wake-up costs more than reading the packets (measured here: receiving four 1080p cameras
/// took 0.39 CPU-s per camera-minute; resting 0.1 s after each wait, 0.24; 0.2 s, 0.19). Meanwhile
/// the kernel holds what arrives, and the reader drains it without waiting on its next turn.
/// A picture therefore reaches the store up to one pause late, which sampling must allow for.
package enum ReadPause {
    /// The pause, in seconds, for a camera sampled every `samplingInterval` seconds.
    ///
    /// A twenty-fifth of the interval, at most 0.2 s: 0.2 s at a sample every 5 s, 0.02 s at one
    /// every 0.5 s. Over UDP none: FFmpeg asks for a 384 KB receive buffer, which the kernel caps
    /// at `net.core.rmem_max` (208 KB on a stock Debian); 0.2 s of an 8 Mbit/s camera alone is
    /// 200 KB, a keyframe's burst more, and a datagram that does not fit is lost, where TCP would
    /// only slow the sender.
    package static func seconds(samplingInterval: Double, transport: CaptureConfiguration.Transport) -> Double {
        guard transport == .tcp else { return 0 }
        return max(0, min(0.2, samplingInterval / 25))
    }
}
