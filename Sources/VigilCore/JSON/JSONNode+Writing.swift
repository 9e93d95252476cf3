/// Building JSON documents from Swift values, and writing them out compactly.
extension JSONNode {
    /// An object with members in this order.
    package static func object(_ members: KeyValuePairs<String, JSONNode>) -> JSONNode {
        JSONNode(.object(members.map { Member(key: $0.key, line: 0, value: $0.value) }), line: 0)
    }

    /// An object from ordered pairs.
    package static func object(pairs: [(String, JSONNode)]) -> JSONNode {
        JSONNode(.object(pairs.map { Member(key: $0.0, line: 0, value: $0.1) }), line: 0)
    }

    package static func array(_ elements: [JSONNode]) -> JSONNode { JSONNode(.array(elements), line: 0) }
    package static func string(_ text: String) -> JSONNode { JSONNode(.string(text), line: 0) }
    package static func number(_ value: Int) -> JSONNode { JSONNode(.number(String(value)), line: 0) }
    package static func bool(_ value: Bool) -> JSONNode { JSONNode(.bool(value), line: 0) }
    package static let null = JSONNode(.null, line: 0)

    /// The document as compact UTF-8 JSON.
    package func serialized() -> [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    /// The document as a compact JSON string.
    package var serializedString: String { String(decoding: serialized(), as: UTF8.self) }

    private func write(to output: inout [UInt8]) {
        switch value {
        case .null: output += Array("null".utf8)
        case .bool(let flag): output += Array((flag ? "true" : "false").utf8)
        case .number(let text): output += Array(text.utf8)
        case .string(let text): Self.writeString(text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x00..<0x20:
                output += [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
