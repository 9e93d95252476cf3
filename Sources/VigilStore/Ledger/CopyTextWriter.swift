import Foundation

/// Builds rows in PostgreSQL's COPY text format: fields separated by tabs, one row a line, `\N`
/// for NULL, and backslash, tab, newline and carriage return escaped, so every row is exactly one
/// line. NUL, which PostgreSQL text cannot hold, becomes U+FFFD.
struct CopyTextWriter {
    private(set) var bytes: [UInt8] = []
    private var rowHasFields = false

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends a text field (NULL when nil).
    mutating func field(_ value: String?) {
        separate()
        guard var value else {
            bytes.append(contentsOf: [0x5C, 0x4E])  // \N
            return
        }
        value.withUTF8 { utf8 in
            // Most values need no escaping: copy them whole.
            if !utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x00: bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
                default: bytes.append(byte)
                }
            }
        }
    }

    /// Appends an integer field (NULL when nil).
    mutating func field<Number: BinaryInteger>(_ value: Number?) {
        guard let value else { return field(nil as String?) }
        separate()
        appendDecimal(Int64(value))
    }

    /// Appends a boolean field as `t` or `f`.
    mutating func field(_ value: Bool) {
        separate()
        bytes.append(value ? 0x74 : 0x66)
    }

    /// Appends a text-array field (`{a,b}`) of values that need no quoting, such as UUIDs.
    mutating func arrayField(_ values: [String]) {
        separate()
        bytes.append(0x7B)
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            bytes.append(contentsOf: value.utf8)
        }
        bytes.append(0x7D)
    }

    /// Appends a text-array field of any values (`{"a","b"}`): each element is quoted, with its `"`
    /// and `\` escaped, inside the array literal, and the literal is then escaped as a text field.
    mutating func quotedArrayField(_ values: [String]) {
        var literal = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { literal += "," }
            literal += "\""
            for scalar in value.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { literal += "\\" }
                literal.unicodeScalars.append(scalar)
            }
            literal += "\""
        }
        field(literal + "}")
    }

    /// Ends the current row.
    mutating func endRow() {
        bytes.append(0x0A)
        rowHasFields = false
    }

    private mutating func separate() {
        if rowHasFields { bytes.append(0x09) }
        rowHasFields = true
    }

    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { bytes.append(0x2D) }
        var magnitude = value.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }
}
