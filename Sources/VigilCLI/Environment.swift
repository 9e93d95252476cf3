import Foundation

/// The process environment, read once.
enum Environment {
    static let variables = ProcessInfo.processInfo.environment
}
