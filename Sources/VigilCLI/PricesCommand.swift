import ArgumentParser

/// `vigil prices`: the price book.
struct PricesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "List and manage effective-dated model prices.",
        subcommands: [List.self, Set.self, Reprice.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the price book, newest first per model.",
                                                        discussion: "Example:\n  vigil prices list")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        func run() async throws { try notAvailableYet("vigil prices list") }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a price for a model, effective from a date (UTC).",
            discussion: """
            Prices are USD per million tokens. A new price never changes rows already costed.

            Example:
              vigil prices set --model gemini-2.5-flash --from 2026-12-01 --input 0.30 --output 2.50 --cached 0.03
            """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Model name.") var model: String
        @Option(help: ArgumentHelp("First day the price applies.", valueName: "YYYY-MM-DD")) var from: String
        @Option(help: "Input price per million tokens.") var input: String
        @Option(help: "Output (and thinking) price per million tokens.") var output: String
        @Option(help: "Cached input price per million tokens.") var cached: String?
        @Option(help: "Prompt size above which the long-context prices apply.") var threshold: Int?
        @Option(help: "Input price above the threshold.") var inputLong: String?
        @Option(help: "Output price above the threshold.") var outputLong: String?
        @Option(help: "Cached input price above the threshold.") var cachedLong: String?
        func run() async throws { try notAvailableYet("vigil prices set") }
    }

    struct Reprice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cost rows recorded while their model had no price.",
            discussion: "Example:\n  vigil prices reprice --unpriced"
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Reprice every unpriced row (required).") var unpriced = false
        func validate() throws {
            guard unpriced else { throw ValidationError("say --unpriced: only unpriced rows are ever repriced") }
        }
        func run() async throws { try notAvailableYet("vigil prices reprice") }
    }
}
