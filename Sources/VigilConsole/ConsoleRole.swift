/// What a console token may do: a viewer reads, billing also issues and credits invoices, an admin
/// also manages tokens. Each role includes those below it.
package enum ConsoleRole: String, Sendable, CaseIterable, Comparable, Codable {
    case viewer, billing, admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .billing: 1
        case .admin: 2
        }
    }

    package static func < (lhs: ConsoleRole, rhs: ConsoleRole) -> Bool { lhs.rank < rhs.rank }
}
