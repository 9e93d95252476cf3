/// A metadata value of a log line, as swift-log's `Logger.MetadataValue` holds it, for ``LogLine``
/// (VigilCore does not depend on swift-log; the executable's log handler converts its values).
///
/// A `stringConvertible` value becomes a `.string` of its description.
package indirect enum LogValue: Sendable, Equatable {
    /// Text, written as it is (control characters escaped); quoted inside an array or dictionary.
    case string(String)
    /// A list, written `["a", "b"]`.
    case array([LogValue])
    /// A dictionary, written `["key": "value"]` with its keys sorted, or `[:]` when empty.
    case dictionary([String: LogValue])
}
