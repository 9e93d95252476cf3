package import Foundation
package import VigilCore

/// What one daemon knows of its clients' spend this month, and what that means for their calls. A
/// pure value, tested without servers.
///
/// A client's spend is the sum of three parts, so that a limit is overshot by at most the calls
/// already in flight, never by a tick of every camera:
/// - **confirmed**: the month's cost in PostgreSQL (every daemon's rows), as last read;
/// - **unconfirmed**: the cost of calls this daemon recorded that were not yet in PostgreSQL when
///   it was last read (spooled, or written since);
/// - **reserved**: the expected cost of each call in flight, from its admission to its end.
package struct BudgetState: Sendable {
    /// One client's month.
    private struct Spend: Sendable {
        var month: String
        var confirmed: Money = .zero
        var unconfirmed: [String: Money] = [:]
        var reserved: [UUID: Money] = [:]
    }

    private var clients: [String: Spend] = [:]

    package init() {}

    /// The client's spend in `month` (`YYYY-MM`): confirmed + unconfirmed + reserved.
    package func spent(_ client: String, month: String) -> Money {
        guard let spend = clients[client], spend.month == month else { return .zero }
        return spend.confirmed + spend.unconfirmed.values.reduce(.zero, +) + spend.reserved.values.reduce(.zero, +)
    }

    /// The request ids recorded by this daemon not yet seen in PostgreSQL, for the next read.
    package func unconfirmedRequestIDs(_ client: String) -> [String] {
        clients[client].map { Array($0.unconfirmed.keys) } ?? []
    }

    /// A fresh read of PostgreSQL: the month's cost there, and which of the unconfirmed request ids
    /// it holds now (both from one snapshot, so no row counts twice or not at all).
    package mutating func confirmed(_ client: String, month: String, databaseSpent: Money, written: Set<String>) {
        var spend = current(client, month)
        spend.confirmed = databaseSpent
        spend.unconfirmed = spend.unconfirmed.filter { !written.contains($0.key) }
        clients[client] = spend
    }

    /// A call is about to be made: its expected cost counts until ``release(_:token:)``.
    package mutating func reserve(_ client: String, month: String, token: UUID, cost: Money) {
        var spend = current(client, month)
        spend.reserved[token] = cost
        clients[client] = spend
    }

    /// The call of `token` ended (or was never made).
    package mutating func release(_ client: String, token: UUID) {
        clients[client]?.reserved[token] = nil
    }

    /// An attempt was recorded with its cost (nil or negative counts nothing).
    package mutating func recorded(_ client: String, month: String, requestID: String, cost: Money?) {
        guard let cost, cost > .zero else { return }
        var spend = current(client, month)
        spend.unconfirmed[requestID] = cost
        clients[client] = spend
    }

    /// Where `spent` stands against `budget`.
    package static func standing(spent: Money, budget: BudgetConfiguration) -> BudgetStanding {
        BudgetStanding(spent: spent, budget: budget)
    }

    private func current(_ client: String, _ month: String) -> Spend {
        if let spend = clients[client], spend.month == month { return spend }
        // A new month starts from nothing; calls in flight from the old one keep no reservation here.
        return Spend(month: month)
    }
}
