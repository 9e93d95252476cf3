/// One JSON object of the configuration, read key by key with problems reported to its reader.
struct ConfigurationObject {
    let path: String
    let line: Int
    let members: [String: JSONNode.Member]
    let reader: ConfigurationReader

    /// The path of `key` in the object at `path`. A key that is empty or not a plain word (ASCII
    /// letters, digits, `_`, `-`) is quoted and escaped, so that `{"": 1}` shows as `plan.""`.
    static func join(_ path: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        let component = plain ? key : key.quotedAndEscaped()
        return path.isEmpty ? component : "\(path).\(component)"
    }

    func path(_ key: String) -> String { Self.join(path, key) }

    func line(_ key: String) -> Int { members[key]?.line ?? line }

    func has(_ key: String) -> Bool {
        guard let member = members[key] else { return false }
        return member.value.value != .null
    }

    private func node(_ key: String, required: Bool, expected: String) -> JSONNode? {
        guard let member = members[key], member.value.value != .null else {
            if required {
                reader.report(path(key), line: line, "is missing", hint: "add \"\(key)\": \(expected)")
            }
            return nil
        }
        return member.value
    }

    private func wrongType(_ key: String, _ node: JSONNode, expected: String) {
        reader.report(path(key), line: node.line, "must be \(expected), found \(node.kindDescription)")
    }

    /// A string; `nonEmpty` also refuses "" and all-blank strings.
    func string(_ key: String, required: Bool = false, nonEmpty: Bool = true) -> String? {
        guard let node = node(key, required: required, expected: "\"...\"") else { return nil }
        guard case .string(let text) = node.value else {
            wrongType(key, node, expected: "a string")
            return nil
        }
        if nonEmpty && text.trimmingWhitespace().isEmpty {
            reader.report(path(key), line: node.line, "is empty", hint: required ? "give it a value" : "give it a value or remove the key")
            return nil
        }
        return text
    }

    /// A whole number within `range`.
    func integer(_ key: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let node = node(key, required: required, expected: "\(range.lowerBound)") else { return nil }
        guard case .number(let text) = node.value else {
            wrongType(key, node, expected: "a whole number")
            return nil
        }
        guard let value = Int(text) else {
            reader.report(path(key), line: node.line, "must be a whole number, found \(text)")
            return nil
        }
        guard range.contains(value) else {
            reader.report(path(key), line: node.line, "is \(value), outside \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    /// A duration in seconds (fractions allowed) within `range`.
    func seconds(_ key: String, in range: ClosedRange<Double>, required: Bool = false) -> Double? {
        guard let node = node(key, required: required, expected: "\(range.lowerBound)") else { return nil }
        guard case .number(let text) = node.value, let value = Double(text) else {
            wrongType(key, node, expected: "a number of seconds")
            return nil
        }
        guard range.contains(value) else {
            reader.report(
                path(key), line: node.line, "is \(text) s, outside \(Self.format(range.lowerBound))...\(Self.format(range.upperBound)) s")
            return nil
        }
        return value
    }

    /// A number (fractions allowed) within `range`, such as a percentage; `unit` follows it in errors.
    func number(_ key: String, in range: ClosedRange<Double>, unit: String = "") -> Double? {
        guard let node = node(key, required: false, expected: "\(range.lowerBound)") else { return nil }
        guard case .number(let text) = node.value, let value = Double(text), value.isFinite else {
            wrongType(key, node, expected: "a number")
            return nil
        }
        guard range.contains(value) else {
            reader.report(
                path(key), line: node.line,
                "is \(text)\(unit), outside \(Self.format(range.lowerBound))...\(Self.format(range.upperBound))\(unit)")
            return nil
        }
        return value
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// An exact decimal amount, written as a JSON number or a string (`12.50` or `"12.50"`), never negative.
    func money(_ key: String, maximum: Money? = nil) -> Money? {
        guard let node = node(key, required: false, expected: "\"0.00\"") else { return nil }
        let text: String
        switch node.value {
        case .number(let number): text = number
        case .string(let string): text = string
        default:
            wrongType(key, node, expected: "a decimal amount such as 12.50")
            return nil
        }
        guard let value = Money(text) else {
            reader.report(
                path(key), line: node.line, "is not a plain decimal with at most 15 decimal places: \(text)", hint: "write it like 12.50")
            return nil
        }
        guard value >= .zero else {
            reader.report(path(key), line: node.line, "must not be negative")
            return nil
        }
        if let maximum, value > maximum {
            reader.report(path(key), line: node.line, "is \(value), more than \(maximum)")
            return nil
        }
        return value
    }

    func bool(_ key: String) -> Bool? {
        guard let node = node(key, required: false, expected: "true") else { return nil }
        guard case .bool(let value) = node.value else {
            wrongType(key, node, expected: "true or false")
            return nil
        }
        return value
    }

    /// An array of non-empty strings (such as address lines), each at most `maximumLength` characters.
    func strings(_ key: String, maximumLength: Int = 200) -> [String]? {
        guard let nodes = array(key) else { return nil }
        var values: [String] = []
        for (index, node) in nodes.enumerated() {
            guard case .string(let text) = node.value, !text.trimmingCharacters(in: .whitespaces).isEmpty, text.count <= maximumLength
            else {
                reader.report(
                    path(key) + "[\(index)]", line: node.line, "must be a non-empty string of at most \(maximumLength) characters",
                    hint: "one line of text per element, such as \"12 High Street\"")
                continue
            }
            values.append(text)
        }
        return values
    }

    /// One of a fixed set of strings.
    func choice(_ key: String, from choices: [String]) -> String? {
        guard let value = string(key) else { return nil }
        guard choices.contains(value) else {
            reader.report(path(key), line: line(key), "is \"\(value)\", not one of \(choices.joined(separator: ", "))")
            return nil
        }
        return value
    }

    func array(_ key: String, required: Bool = false) -> [JSONNode]? {
        guard let node = node(key, required: required, expected: "[ ... ]") else { return nil }
        guard case .array(let elements) = node.value else {
            wrongType(key, node, expected: "an array")
            return nil
        }
        return elements
    }

    func object(_ key: String, keys: [String]) -> ConfigurationObject? {
        guard let node = node(key, required: false, expected: "{ ... }") else { return nil }
        return reader.object(node, at: path(key), keys: keys)
    }
}
