/// Convenient reading of parsed JSON, returning nil where the shape is not what was asked for.
extension JSONNode {
    /// The member `key` of an object (the first, if repeated).
    package subscript(_ key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The first of several keys that is present (for camelCase and snake_case spellings).
    package func first(_ keys: String...) -> JSONNode? {
        for key in keys { if let node = self[key] { return node } }
        return nil
    }

    package var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// A whole number, exactly (also from a numeric string such as `"42"`, as proto3 JSON sends int64).
    package var int: Int? {
        switch value {
        case .number(let text): return Int(text)
        case .string(let text): return Int(text)
        default: return nil
        }
    }

    /// A number's text as written (`0.85`), for values kept exact.
    package var numberText: String? {
        if case .number(let text) = value { return text }
        return nil
    }

    package var bool: Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    package var array: [JSONNode]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    package var object: [JSONNode.Member]? {
        if case .object(let members) = value { return members }
        return nil
    }

    package var isNull: Bool { value == .null }
}
