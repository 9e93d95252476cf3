import ArgumentParser
import Foundation
import VigilConsole
import VigilCore
import VigilStore

/// `vigil tokens`: the web console's API tokens (`vigil serve`).
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke the API tokens of the web console (vigil serve).",
        discussion: """
            A token is shown once, when it is created; the database keeps only its SHA-256. Send it as \
            `Authorization: Bearer vgl_...`, or paste it into the console's login page once. Roles: viewer reads, \
            billing also issues and credits invoices, admin also manages tokens. --client limits a token to one client.

            Examples:
              vigil tokens create --name ops --role admin
              vigil tokens create --name shop-owner --role viewer --client shop
              vigil tokens list --format json
              vigil tokens revoke shop-owner
            """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it (once).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "A unique name for the token (who or what uses it).") var name: String
        @Option(help: "viewer, billing or admin.") var role: String
        @Option(help: "Limit the token to this client (its configuration id).") var client: String?

        func validate() throws {
            do {
                _ = try ConsoleTokenSpec(name: name, role: role, client: client)
            } catch {
                throw ValidationError("--\(error.field) \(error.message)")
            }
        }

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            let token = ConsoleSecret.newToken()
            let created = try await session.run("tokens create") {
                if let client, try await ConsoleCatalog(client: session.client).clients(only: client).isEmpty {
                    printError(
                        "vigil tokens create: no client has id \(client.quotedAndEscaped()) (run the daemon once so clients are in the database)"
                    )
                    throw ExitCode(ExitStatus.invalidInput)
                }
                return try await ConsoleTokenRepository(client: session.client).create(
                    name: name, role: role, client: client, hashHex: ConsoleSecret.hashHex(token))
            }
            guard let created else {
                printError("vigil tokens create: a token named \(name.quotedAndEscaped()) exists already")
                throw ExitCode(ExitStatus.invalidInput)
            }
            printError("token \(created.id) \(created.name.escapingControlCharacters()) (\(created.role)) created; it is shown only now:")
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens (never a token or its hash).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text

        func validate() throws {
            guard format == .text || format == .json else { throw ValidationError("--format must be text or json") }
        }

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            let tokens = try await session.run("tokens list") { try await ConsoleTokenRepository(client: session.client).list() }
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                try emit(String(decoding: encoder.encode(tokens), as: UTF8.self) + "\n", to: nil)
                return
            }
            if tokens.isEmpty {
                print("no tokens")
                return
            }
            let time = Date.ISO8601FormatStyle()
            for token in tokens {
                let state = token.revokedAt.map { "revoked " + $0.formatted(time) } ?? "active"
                print(
                    "\(token.id)  \(token.name.escapingControlCharacters())  \(token.role)  client \((token.client ?? "all").escapingControlCharacters())  created \(token.createdAt.map { $0.formatted(time) } ?? "-")  last used \(token.lastUsedAt.map { $0.formatted(time) } ?? "never")  \(state)"
                )
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token (by id or name): refused at once, its sessions ended.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The token's id or name (see vigil tokens list).") var token: String

        func run() async throws {
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
            let revoked = try await session.run("tokens revoke") { try await ConsoleTokenRepository(client: session.client).revoke(token) }
            guard let revoked else {
                printError("vigil tokens revoke: no token has id or name \(token.quotedAndEscaped())")
                throw ExitCode(ExitStatus.invalidInput)
            }
            print("token \(revoked.id) \(revoked.name.escapingControlCharacters()) revoked")
        }
    }
}
