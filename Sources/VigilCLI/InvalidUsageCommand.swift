import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil invalid-usage`: review and correct the calls whose usage could not be true.
struct InvalidUsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invalid-usage",
        abstract: "Review and correct calls whose token usage could not be true.",
        discussion: """
            A call whose usageMetadata was impossible (negative, fractional, above 10,000,000 tokens, not a \
            number) is a row with no tokens and no cost, off every invoice, counted in `vigil usage` as \
            invalid_usage_calls. `list` shows them with Gemini's raw answer; once you know what the call \
            really used (Gemini's billing console, Google support), `correct` gives the row those counts: it is \
            costed at the price in effect at its time and invoiced like any other call.

            Examples:
              vigil invalid-usage list
              vigil invalid-usage correct 0190d3b2-7c00-7000-8000-000000000001 --prompt 1300 --candidates 60
            """,
        subcommands: [List.self, Correct.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the calls whose usage is invalid, oldest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text

        func validate() throws {
            guard format == .text || format == .json else { throw ValidationError("--format must be text or json") }
        }

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            let rows = try await session.run("invalid-usage list") { try await InvalidUsageRepository(client: session.client).list() }
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                try emit(String(decoding: encoder.encode(rows), as: UTF8.self) + "\n", to: nil)
                return
            }
            if rows.isEmpty {
                print("no call has invalid usage")
                return
            }
            for row in rows {
                let time = row.timestamp.map { $0.formatted(Date.ISO8601FormatStyle()) } ?? "-"
                print(
                    "\(row.requestID.escapingControlCharacters())  \(time)  client \((row.client ?? "-").escapingControlCharacters())  source \((row.source ?? "-").escapingControlCharacters())  model \((row.model ?? "-").escapingControlCharacters())"
                )
                print("  reason: \(row.reason.escapingControlCharacters())")
                print("  usageMetadata: \((row.rawUsage ?? "-").escapingControlCharacters())")
            }
            print("\(rows.count) call\(rows.count == 1 ? "" : "s") with invalid usage")
        }
    }

    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a call with invalid usage the token counts it really had, and cost it.",
            discussion: """
                Counts as Gemini reports them: --prompt includes --cached; --candidates and --thoughts are billed \
                as output. The row's old reason is kept in api_usage.usage_corrected, Gemini's answer in raw_usage. \
                A row on an issued invoice is not changed (issue a credit note or the next month's invoice instead).
                """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The call's request id (see `vigil invalid-usage list`).") var requestID: String
        @Option(help: "promptTokenCount.") var prompt: Int
        @Option(help: "cachedContentTokenCount (part of the prompt).") var cached: Int = 0
        @Option(help: "candidatesTokenCount.") var candidates: Int
        @Option(help: "thoughtsTokenCount.") var thoughts: Int = 0
        @Option(name: .customLong("tool-use"), help: "toolUsePromptTokenCount.") var toolUse: Int = 0

        func validate() throws {
            let bound = TokenUsage.maximumPlausibleCount
            for (name, value) in [
                ("--prompt", prompt), ("--cached", cached), ("--candidates", candidates), ("--thoughts", thoughts), ("--tool-use", toolUse),
            ]
            where !(0...bound).contains(value) {
                throw ValidationError("\(name) must be a whole number from 0 to \(bound), got \(value)")
            }
            if cached > prompt {
                throw ValidationError("--cached (\(cached)) cannot exceed --prompt (\(prompt)): cached tokens are part of the prompt")
            }
        }

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            var usage = TokenUsage()
            usage.promptTokens = prompt
            usage.cachedTokens = cached
            usage.candidatesTokens = candidates
            usage.thoughtsTokens = thoughts
            usage.toolUsePromptTokens = toolUse
            let outcome = try await session.run("invalid-usage correct") {
                try await InvalidUsageRepository(client: session.client).correct(requestID: requestID, usage: usage)
            }
            let id = requestID.escapingControlCharacters()
            switch outcome {
            case .corrected(let cost?):
                print("call \(id) corrected: \(usage.computedTotal) tokens, cost \(cost) USD")
            case .corrected(nil):
                print(
                    "call \(id) corrected: \(usage.computedTotal) tokens, unpriced (its model had no price at its time; set one, then `vigil prices reprice --unpriced`)"
                )
            case .noSuchCall:
                printError("vigil invalid-usage correct: no call has request id \(id)")
                throw ExitCode(ExitStatus.invalidInput)
            case .notInvalid:
                printError(
                    "vigil invalid-usage correct: the usage of call \(id) is not invalid (never was, or was corrected already); nothing changed"
                )
                throw ExitCode(ExitStatus.invalidInput)
            case .invoiced:
                printError("vigil invalid-usage correct: call \(id) is on an issued invoice; nothing changed")
                throw ExitCode(ExitStatus.invalidInput)
            }
        }
    }
}
