/// The input libFuzzer hands a target, as Swift values.
///
/// Part of Vigil's fuzz targets (Fuzz/, run by `scripts/fuzz`). libFuzzer passes a pointer and a
/// length; the pointer may be null when the length is 0.
package enum FuzzInput {
    /// The input's bytes, copied.
    package static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input as text the way Vigil reads text from the network: invalid UTF-8 becomes U+FFFD.
    package static func text(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String {
        String(decoding: bytes(data, size), as: UTF8.self)
    }
}
