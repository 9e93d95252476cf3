import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil rates`: USD → currency exchange rates for invoices in other currencies.
struct RatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rates",
        abstract: "List and set the exchange rates invoices in other currencies are converted at.",
        discussion: """
            Prices are in USD. A client whose plan.currency differs is invoiced at the rate in effect on the \
            last day of the month (the latest rate from that day or before); the issued invoice keeps the rate, \
            its date and its source, so a later rate never changes it. A rate is units of the currency for 1 USD.

            Examples:
              vigil rates set --currency EUR --from 2026-11-01 --rate 0.9215 --source "ECB reference rate"
              vigil rates import rates.csv
              vigil rates list --currency EUR
            """,
        subcommands: [List.self, Set.self, Import.self]
    )

    /// A currency code: 3 capital letters (ISO 4217).
    static func checkedCurrency(_ text: String) throws -> String {
        guard text.count == 3, text.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw ValidationError(
                "currency must be an ISO 4217 code of 3 capital letters such as EUR, got \(text.escapingControlCharacters())")
        }
        guard text != "USD" else { throw ValidationError("prices are in USD already: USD needs no rate") }
        return text
    }

    /// A day `YYYY-MM-DD` that exists.
    static func checkedDay(_ text: String) -> String? {
        guard text.count == 10, let date = try? Date(text + "T00:00:00Z", strategy: Date.ISO8601FormatStyle()) else { return nil }
        return String(date.formatted(Date.ISO8601FormatStyle()).prefix(10)) == text ? text : nil
    }

    /// A positive rate with at most 10 decimals.
    static func checkedRate(_ text: String) -> Money? {
        guard let rate = Money(text), rate > .zero, rate.rounded(toFractionDigits: 10) == rate, rate < Money(whole: 1_000_000) else {
            return nil
        }
        return rate
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the rates.", discussion: "Example:\n  vigil rates list --currency EUR")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this currency.") var currency: String?

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            let rates = try await session.run("rates list") {
                try await ExchangeRateRepository(client: session.client).list(currency: currency)
            }
            if rates.isEmpty {
                print("no exchange rates; add one with vigil rates set --currency EUR --from YYYY-MM-DD --rate 0.92")
                return
            }
            print("currency  from        rate (per USD)    source")
            for rate in rates {
                print(
                    rate.currency.padding(toLength: 10, withPad: " ", startingAt: 0) + rate.effectiveFrom + "  "
                        + rate.rate.description.padding(toLength: 18, withPad: " ", startingAt: 0) + rate.source.escapingControlCharacters()
                )
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a rate, effective from a day; the same currency and day is replaced.",
            discussion: "Example:\n  vigil rates set --currency EUR --from 2026-11-01 --rate 0.9215 --source \"ECB reference rate\"")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "ISO 4217 code, such as EUR.") var currency: String
        @Option(help: ArgumentHelp("First day the rate applies.", valueName: "YYYY-MM-DD")) var from: String
        @Option(help: "Units of the currency for 1 USD, such as 0.9215.") var rate: String
        @Option(help: "Where the rate comes from (printed on invoices).") var source: String = "set by vigil rates set"

        func validate() throws {
            _ = try RatesCommand.checkedCurrency(currency)
            guard RatesCommand.checkedDay(from) != nil else { throw ValidationError("--from must be a day YYYY-MM-DD") }
            guard RatesCommand.checkedRate(rate) != nil else {
                throw ValidationError("--rate must be a positive decimal with at most 10 decimals, got \(rate.escapingControlCharacters())")
            }
        }

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            let value = ExchangeRateRepository.Rate(
                currency: currency, effectiveFrom: from, rate: RatesCommand.checkedRate(rate)!, source: source)
            try await session.run("rates set") { try await ExchangeRateRepository(client: session.client).set([value]) }
            print("rate set: 1 USD = \(rate) \(currency) from \(from)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add rates from a CSV file of date,currency,rate lines (a header line is allowed).",
            discussion: """
                Every line is checked first; one bad line imports nothing and names its line number.

                Example:
                  vigil rates import ecb-2026-11.csv --source "ECB reference rates"
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "Where the rates come from (printed on invoices); default: the file's name.") var source: String?

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                printError("vigil rates import: cannot read \(file.escapingControlCharacters())")
                throw ExitCode(ExitStatus.invalidInput)
            }
            let origin = source ?? "imported from \(URL(fileURLWithPath: file).lastPathComponent)"
            var rates: [ExchangeRateRepository.Rate] = []
            var problems: [String] = []
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            for (index, raw) in lines.enumerated() {
                let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r \t"))
                if line.isEmpty || (index == 0 && line.lowercased().hasPrefix("date")) { continue }
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                let where_ = "\(file.escapingControlCharacters()):\(index + 1)"
                guard fields.count == 3 else {
                    problems.append("\(where_): expected date,currency,rate, found \(fields.count) fields")
                    continue
                }
                guard let day = RatesCommand.checkedDay(fields[0]) else {
                    problems.append("\(where_): \(fields[0].escapingControlCharacters()) is not a day YYYY-MM-DD")
                    continue
                }
                guard let currency = try? RatesCommand.checkedCurrency(fields[1]) else {
                    problems.append(
                        "\(where_): \(fields[1].escapingControlCharacters()) is not a currency code such as EUR (USD needs no rate)")
                    continue
                }
                guard let rate = RatesCommand.checkedRate(fields[2]) else {
                    problems.append("\(where_): \(fields[2].escapingControlCharacters()) is not a positive rate with at most 10 decimals")
                    continue
                }
                rates.append(.init(currency: currency, effectiveFrom: day, rate: rate, source: origin))
            }
            guard problems.isEmpty else {
                for problem in problems { printError("vigil rates import: \(problem)") }
                printError("vigil rates import: nothing imported; fix the lines above and run it again")
                throw ExitCode(ExitStatus.invalidInput)
            }
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            try await session.run("rates import") { try await ExchangeRateRepository(client: session.client).set(rates) }
            print("\(rates.count) rate\(rates.count == 1 ? "" : "s") imported")
        }
    }
}
