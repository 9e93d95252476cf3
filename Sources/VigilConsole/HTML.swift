import VigilCore

/// A fragment of HTML whose interpolations are escaped by default: `"<td>\(name)</td>"` escapes
/// `name`; only another `HTML` value is inserted as it is (it was escaped when it was made).
package struct HTML: Sendable, ExpressibleByStringInterpolation {
    package var rendered: String

    package init(stringLiteral value: String) { rendered = value }
    package init(stringInterpolation: StringInterpolation) { rendered = stringInterpolation.output }

    package struct StringInterpolation: StringInterpolationProtocol {
        var output = ""
        package init(literalCapacity: Int, interpolationCount: Int) { output.reserveCapacity(literalCapacity * 2) }
        package mutating func appendLiteral(_ literal: String) { output += literal }
        /// Text: escaped.
        package mutating func appendInterpolation(_ value: some CustomStringConvertible) { output += HTML.escape(value.description) }
        /// Markup made by `HTML`: as it is.
        package mutating func appendInterpolation(_ fragment: HTML) { output += fragment.rendered }
        /// Several fragments, one after the other.
        package mutating func appendInterpolation(_ fragments: [HTML]) { for fragment in fragments { output += fragment.rendered } }
    }

    /// `text` safe in element content and in quoted attribute values: `& < > " '` as entities,
    /// control characters written visibly.
    package static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.escapingControlCharacters() {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
