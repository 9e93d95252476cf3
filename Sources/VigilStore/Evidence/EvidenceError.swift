/// An incident's picture that could not be kept (the disk full, the folder not writable).
package struct EvidenceError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var reason: String
    package var description: String { "evidence \(path): \(reason)" }
}
