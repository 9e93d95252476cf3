/// Stops the process when a property every input must keep does not hold: to libFuzzer, a crash.
///
/// Part of Vigil's fuzz targets (Fuzz/, run by `scripts/fuzz`). The message is printed before the
/// stack trace, so the failure says which property broke and with what values; libFuzzer then saves
/// the input as a `crash-…` artifact.
///
/// - Parameters:
///   - condition: the property.
///   - message: what broke, with the values involved; built only when the property fails.
package func invariant(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() {
        fatalError("invariant broken: \(message())", file: file, line: line)
    }
}
