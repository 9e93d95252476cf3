/// Delays that double after each failure, with jitter, up to a cap.
///
/// Delay n (counting from 0) is `min(cap, initial × 2ⁿ)` scaled by a random factor in
/// `1 - jitter ... 1 + jitter`, and never above the cap. Used for reconnecting cameras (1 s to 60 s)
/// and retrying Gemini (0.5 s to 30 s).
package struct ExponentialBackoff: Sendable, Equatable {
    /// The first delay, in seconds.
    package var initial: Double
    /// The longest delay, in seconds.
    package var cap: Double
    /// Relative jitter, 0 to 1. Default 0.2 (±20 %).
    package var jitter: Double

    package init(initial: Double, cap: Double, jitter: Double = 0.2) {
        self.initial = initial
        self.cap = cap
        self.jitter = jitter
    }

    /// The delay before retry number `attempt` (0 for the first retry), in seconds.
    package func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Double {
        let exponent = min(max(attempt, 0), 40)
        let base = min(cap, initial * Double(1 << min(exponent, 40)))
        let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter), using: &generator) : 1
        return min(cap, base * factor)
    }

    /// The delay before retry number `attempt`, with the system's random numbers.
    package func delay(attempt: Int) -> Double {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &generator)
    }
}
