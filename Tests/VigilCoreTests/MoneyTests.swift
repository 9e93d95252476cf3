import Testing
import VigilCore

@Suite struct MoneyTests {
    @Test(arguments: [
        ("0", "0"), ("12.50", "12.5"), ("-0.000597", "-0.000597"), ("3", "3"),
        ("0.000000000000001", "0.000000000000001"), ("1234567.891", "1234567.891"),
    ])
    func parsesAndPrintsExactly(input: String, printed: String) throws {
        let money = try #require(Money(input))
        #expect(money.description == printed)
    }

    @Test(arguments: ["", "-", "1e5", "1,000", "0.0000000000000001", "12.5.1", "abc", "0x10"])
    func refusesAnythingButPlainDecimals(input: String) {
        #expect(Money(input) == nil)
    }

    @Test func arithmeticIsExact() throws {
        // 0.1 + 0.2 is exactly 0.3 here.
        #expect(try #require(Money("0.1")) + #require(Money("0.2")) == Money("0.3"))
        // Ten million rows of 0.000597 sum exactly.
        var sum = Money.zero
        let cost = try #require(Money("0.000597"))
        for _ in 0..<10_000 { sum += cost }
        #expect(sum * 1000 == Money("5970"))
    }

    @Test func roundingIsDocumented() throws {
        #expect(try #require(Money("0.005")).rounded(toFractionDigits: 2) == Money("0.01"))
        #expect(try #require(Money("-0.005")).rounded(toFractionDigits: 2) == Money("-0.01"))
        #expect(try #require(Money("0.015")).rounded(toFractionDigits: 2, rule: .halfEven) == Money("0.02"))
        #expect(try #require(Money("0.025")).rounded(toFractionDigits: 2, rule: .halfEven) == Money("0.02"))
        #expect(try #require(Money("0.0049999")).rounded(toFractionDigits: 2) == Money("0"))
        #expect(try #require(Money("12.5")).formatted(fractionDigits: 2) == "12.50")
        #expect(try #require(Money("0.0005974")).formatted(fractionDigits: 6) == "0.000597")
        #expect(Money.zero.formatted(fractionDigits: 2) == "0.00")
    }

    @Test func scalingRoundsHalfAwayFromZero() throws {
        // 25 % of 0.000000000000003 is 0.00000000000000075, rounded to 15 places: ...001.
        let tiny = try #require(Money("0.000000000000003"))
        #expect(tiny.scaled(by: 25, over: 100) == Money("0.000000000000001"))
        #expect(try #require(Money("10")).scaled(by: 20, over: 100) == Money("2"))
    }
}
