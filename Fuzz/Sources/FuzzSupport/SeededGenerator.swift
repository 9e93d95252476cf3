/// Random numbers that are the same for the same input (SplitMix64), so a crash found with jitter
/// in play happens again when its input is replayed.
///
/// Part of Vigil's fuzz targets (Fuzz/, run by `scripts/fuzz`). Not for anything but tests.
package struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// A generator seeded with the FNV-1a hash of `bytes`.
    package init(seed bytes: [UInt8]) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        state = hash
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var value = state
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }
}
