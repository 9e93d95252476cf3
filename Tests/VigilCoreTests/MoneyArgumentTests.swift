import Testing

@testable import VigilCore

/// Amounts passed to async functions the way that crashed: after three strings, two amounts land on
/// the machine stack. While `Money` held an `Int128`, caller and callee disagreed on the size of
/// that stack area (x86_64, Swift 6.3, debug builds and across modules) and the task jumped to
/// address 0 within a few calls; `Money` now keeps its units as two 64-bit halves.
struct MoneyArgumentTests {
    final class Pool: Sendable {
        let workers = WorkerPool(name: "vigil-money-test", threads: 1)
    }

    /// The shape of the repository method that crashed: a struct holding a reference, three strings
    /// and two amounts, awaiting a continuation resumed on a thread of its own.
    struct Repository: Sendable {
        let pool: Pool

        @inline(never)
        func record(client: String, month: String, event: String, limit: Money, spent: Money) async throws -> Money {
            let left = limit - spent
            return try await pool.workers.run { _ in left }
        }
    }

    @Test func amountsPassedAfterThreeStringsToAnAsyncFunctionArriveIntact() async throws {
        let repository = Repository(pool: Pool())
        let limit = Money("150.00")!
        let spent = Money("-0.000000000000001")!
        for index in 0..<2_000 {
            let left = try await repository.record(
                client: "shop", month: "2026-11", event: "warn_\(index % 100)", limit: limit, spent: spent)
            #expect(left == Money("150.000000000000001")!)
        }
    }

    @Test func unitsRoundTripThroughTheHalves() {
        for units: Int128 in [0, 1, -1, Int128(Int64.max) + 1, Int128(Int64.min) - 1, Int128.max / 2, Int128.min / 2] {
            #expect(Money(units: units).units == units)
            var money = Money.zero
            money.units = units
            #expect(money == Money(units: units))
        }
        #expect(Money(units: -1) < .zero && Money(units: Int128(UInt64.max)) > Money(units: Int128(UInt64.max) - 1))
    }
}
