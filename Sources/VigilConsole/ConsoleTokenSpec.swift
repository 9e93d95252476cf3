import Foundation
import VigilCore

/// What a new console token is to be: a name (who or what uses it), a role, and optionally the one
/// client it is limited to. One set of rules for `vigil tokens create` and the console's token page.
package struct ConsoleTokenSpec: Sendable, Equatable {
    package var name: String
    package var role: ConsoleRole
    package var client: String?

    /// A spec, or why not: a name of 1 to 100 characters that are not all blank, not digits alone
    /// (an id), and hold no control character (it is shown in logs and pages), a known role, and a
    /// client id that is not empty.
    package init(name: String, role: String, client: String?) throws(ConsoleTokenSpecError) {
        guard let role = ConsoleRole(rawValue: role) else {
            throw ConsoleTokenSpecError(field: "role", message: "must be viewer, billing or admin, got \(role.quotedAndEscaped())")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else {
            throw ConsoleTokenSpecError(field: "name", message: "must be 1 to 100 characters")
        }
        // Digits alone would read as a token's id (`vigil tokens revoke 5`).
        guard name.contains(where: { !$0.isASCII || !$0.isNumber }) else {
            throw ConsoleTokenSpecError(field: "name", message: "must not be digits alone (those name a token's id)")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ConsoleTokenSpecError(field: "name", message: "must not hold control characters")
        }
        if let client, client.isEmpty { throw ConsoleTokenSpecError(field: "client", message: "must not be empty") }
        self.name = name
        self.role = role
        self.client = client
    }
}

/// Why a token cannot be made as asked: the field and what is wrong with it.
package struct ConsoleTokenSpecError: Error, Sendable, CustomStringConvertible {
    package var field: String
    package var message: String
    package var description: String { "\(field) \(message)" }
}
