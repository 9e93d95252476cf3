import ArgumentParser
import Foundation
import VigilBilling
import VigilCore
import VigilStore

/// `vigil prices`: the price book.
struct PricesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "List and manage effective-dated model prices.",
        discussion: """
            Prices are USD per million tokens, effective from a UTC date. A call is costed with the price in \
            effect at its time, when it is recorded; a later price never changes a costed row or an issued \
            invoice. Calls to a model with no price are recorded unpriced (never as $0) until a price is set \
            and `vigil prices reprice --unpriced` is run.

            Each service tier (standard, flex, priority) is priced separately, and a call is costed at the \
            tier that served it (the response's usageMetadata.serviceTier), never at another tier's rates. \
            Flex prices are seeded at 50 % of the standard list price. Priority has no seeded price (it is \
            published as a range, 75-100 % more than standard): a call served at priority stays unpriced \
            until `vigil prices set --model MODEL --tier priority ...` and `vigil prices reprice --unpriced`.
            """,
        subcommands: [List.self, Set.self, Reprice.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the price book: every model, tier and date.",
            discussion: """
                One line per price: model, tier (standard, flex, priority), first day, and the rates. A model \
                with no line for a tier has no price there: its calls served at that tier are unpriced.

                Example:
                  vigil prices list
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            let book = try await session.run("prices list") { try await PriceRepository(client: session.client).load() }
            print(
                "model                      tier      from         input   output   cached   long-context (> tokens: input / output / cached)"
            )
            // By model, then tier (standard, flex, priority), then date.
            func rank(_ tier: ServiceTier) -> Int { ServiceTier.allCases.firstIndex(of: tier) ?? 0 }
            let ordered = book.prices.sorted {
                ($0.model, rank($0.tier), $0.effectiveFrom) < ($1.model, rank($1.tier), $1.effectiveFrom)
            }
            for price in ordered {
                var line =
                    price.model.padding(toLength: 27, withPad: " ", startingAt: 0)
                    + price.tier.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(price.effectiveFrom.formatted(Date.ISO8601FormatStyle()).prefix(10)) + "  "
                line += price.inputPerMillion.description.padding(toLength: 8, withPad: " ", startingAt: 0)
                line += price.outputPerMillion.description.padding(toLength: 9, withPad: " ", startingAt: 0)
                line += (price.cachedPerMillion?.description ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0)
                if let threshold = price.longContextThreshold {
                    line +=
                        "> \(threshold): \(price.inputLongPerMillion?.description ?? "-") / \(price.outputLongPerMillion?.description ?? "-") / \(price.cachedLongPerMillion?.description ?? "-")"
                }
                print(line)
            }
            // Tiers a priced model has no price at: their calls are recorded unpriced.
            let models = Swift.Set(book.prices.map(\.model)).sorted()
            for tier in ServiceTier.allCases {
                let missing = models.filter { model in !book.prices.contains { $0.model == model && $0.tier == tier } }
                guard !missing.isEmpty else { continue }
                print(
                    "no \(tier.rawValue) price: \(missing.joined(separator: ", ")) (calls served at \(tier.rawValue) are unpriced "
                        + "until vigil prices set --model MODEL --tier \(tier.rawValue) ...)")
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a price for a model and service tier, effective from a date (UTC).",
            discussion: """
                Prices are USD per million tokens, with at most 9 decimals. A price for the same model, tier \
                and date that no row uses yet is replaced; one already used is refused (add a later date).

                Each tier is priced separately (--tier, default standard): a call served at flex or priority \
                is costed only at that tier's price, never at standard's. Flex is seeded at 50 % of standard; \
                priority is not seeded, so priority calls stay unpriced until a priority price is set (then \
                run vigil prices reprice --unpriced).

                Examples:
                  vigil prices set --model gemini-2.5-flash --from 2026-12-01 --input 0.30 --output 2.50 --cached 0.03
                  vigil prices set --model gemini-2.5-flash --tier priority --from 2026-12-01 --input 0.54 --output 4.50 --cached 0.054
                """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Model name.") var model: String
        @Option(
            help: ArgumentHelp(
                "The service tier priced: standard, flex or priority.", discussion: "Each tier has its own prices.",
                valueName: "TIER"),
            completion: .list(ServiceTier.allCases.map(\.rawValue)))
        var tier: String = ServiceTier.standard.rawValue
        @Option(help: ArgumentHelp("First day the price applies (UTC).", valueName: "YYYY-MM-DD")) var from: String
        @Option(help: "Input price per million tokens.") var input: String
        @Option(help: "Output (and thinking) price per million tokens.") var output: String
        @Option(help: "Cached input price per million tokens (default: the input price).") var cached: String?
        @Option(help: "Prompt size above which the long-context prices apply to the whole request.") var threshold: Int?
        @Option(help: "Input price above the threshold.") var inputLong: String?
        @Option(help: "Output price above the threshold.") var outputLong: String?
        @Option(help: "Cached input price above the threshold.") var cachedLong: String?
        @Option(help: "A note kept with the price.") var note: String?

        func price() throws -> ModelPrice {
            func amount(_ text: String?, _ name: String) throws -> Money? {
                guard let text else { return nil }
                guard let value = Money(text), value >= .zero, value.units % 1_000_000 == 0 else {
                    throw ValidationError("--\(name) must be a non-negative decimal with at most 9 decimals, such as 0.30 (got \(text))")
                }
                return value
            }
            guard let day = UTCDay.parse(from) else { throw ValidationError("--from must be YYYY-MM-DD") }
            guard !model.isEmpty, model.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) else {
                throw ValidationError("--model must be a model name such as gemini-2.5-flash")
            }
            guard let serviceTier = ServiceTier(rawValue: tier) else {
                throw ValidationError(
                    "--tier must be standard, flex or priority (got '\(tier.escapingControlCharacters())')")
            }
            if threshold != nil && inputLong == nil && outputLong == nil {
                throw ValidationError("--threshold needs --input-long and/or --output-long")
            }
            return ModelPrice(
                id: 0, model: model, effectiveFrom: day, inputPerMillion: try amount(input, "input")!,
                outputPerMillion: try amount(output, "output")!, cachedPerMillion: try amount(cached, "cached"),
                longContextThreshold: threshold, inputLongPerMillion: try amount(inputLong, "input-long"),
                outputLongPerMillion: try amount(outputLong, "output-long"), cachedLongPerMillion: try amount(cachedLong, "cached-long"),
                tier: serviceTier)
        }

        func validate() throws { _ = try price() }

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            let price = try price()
            do {
                let id = try await session.run("prices set") { try await PriceRepository(client: session.client).set(price, note: note) }
                print(
                    "price \(id) set: \(model) \(price.tier.rawValue) from \(from): input \(price.inputPerMillion), output \(price.outputPerMillion), cached \(price.cachedPerMillion?.description ?? "= input") per million tokens"
                )
            } catch let error as PriceError {
                printError("vigil prices set: \(error)")
                throw ExitCode(ExitStatus.failure)
            }
        }
    }

    struct Reprice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cost rows recorded while their model had no price, or calls whose outcome is unknown.",
            discussion: """
                Only unpriced rows are ever repriced; costed rows never change. Each row is costed at the price \
                of the tier that served it (a priority row needs a priority price, a flex row a flex price); a \
                row whose tier still has no price, or whose tier Vigil does not know, stays unpriced. With --unknown, the calls \
                whose outcome is unknown (Vigil stopped while they were in flight; by default not invoiced) \
                and on no issued invoice are costed at their estimated tokens, so the next invoices include them.

                Examples:
                  vigil prices reprice --unpriced
                  vigil prices reprice --unknown
                """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Reprice every unpriced row.") var unpriced = false
        @Flag(help: "Cost the calls whose outcome is unknown, on no issued invoice, so invoices include them.") var unknown = false
        func validate() throws {
            guard unpriced || unknown else {
                throw ValidationError("say --unpriced (rows without a price) or --unknown (calls whose outcome is unknown)")
            }
        }
        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            if unpriced {
                let count = try await session.run("prices reprice") { try await PriceRepository(client: session.client).repriceUnpriced() }
                print("\(count) unpriced row\(count == 1 ? "" : "s") costed")
            }
            if unknown {
                let count = try await session.run("prices reprice") {
                    try await PriceRepository(client: session.client).priceUnknownOutcomes()
                }
                print("\(count) call\(count == 1 ? "" : "s") of unknown outcome costed")
            }
        }
    }
}
