/// A parsed JSON value that remembers where it stood in its file and keeps numbers as written.
///
/// Configuration is read through this tree rather than `Codable` so that loading can report every
/// problem at once (with its line), flag unknown and duplicate keys, and read amounts of money
/// from their exact decimal text instead of through `Double`.
package struct JSONNode: Sendable, Equatable {
    /// The kinds of value JSON has. Object members keep their file order; numbers keep their text.
    package enum Value: Sendable, Equatable {
        case object([Member])
        case array([JSONNode])
        case string(String)
        case number(String)
        case bool(Bool)
        case null
    }

    /// One `"key": value` pair of an object, with the line its key stands on.
    package struct Member: Sendable, Equatable {
        package var key: String
        package var line: Int
        package var value: JSONNode
    }

    /// The value itself.
    package var value: Value
    /// The 1-based line on which the value starts.
    package var line: Int

    package init(_ value: Value, line: Int) {
        self.value = value
        self.line = line
    }

    /// The JSON type's name as an operator would say it ("an object", "a string", ...).
    package var kindDescription: String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "true/false"
        case .null: "null"
        }
    }
}
