package import Hummingbird

/// An error the console answers with: a status and a message safe to show, sent as JSON
/// `{"error": "..."}` to the API and as a page to a browser.
package struct ConsoleError: Error, Sendable {
    package var status: HTTPResponse.Status
    package var message: String

    package init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static let unauthenticated = ConsoleError(.unauthorized, "authentication required: send Authorization: Bearer vgl_... or log in")
    static func forbidden(_ role: ConsoleRole) -> ConsoleError { ConsoleError(.forbidden, "this needs the \(role.rawValue) role") }
    static func badParameter(_ name: String, _ expected: String) -> ConsoleError {
        ConsoleError(.badRequest, "parameter \(name): expected \(expected)")
    }
}
