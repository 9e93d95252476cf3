package import Foundation

/// Request ids: the idempotency key of a usage row.
///
/// A request id is a version-7 UUID (RFC 9562): the call's time in milliseconds, then 74 random
/// bits. Ids made later sort later, so the unique index on `api_usage.request_id` grows at its
/// right edge like the time indexes instead of being written at random places, and two ids made in
/// the same millisecond still differ with overwhelming probability.
package enum RequestID {
    /// A new id for a call made at `date`.
    package static func make(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded(.down)))
        let random = generator.next() as UInt64
        let more = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * index)) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: random & 0x0F)
        bytes[7] = UInt8(truncatingIfNeeded: random >> 8)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: (random >> 16) & 0x3F)
        for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: more >> (8 * (index - 9))) }
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(0x2D) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
