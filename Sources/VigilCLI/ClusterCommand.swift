import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil cluster`: the nodes of a cluster (cluster.enabled) and who holds which source.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Show the nodes of a cluster and the leases on the analysis sources.",
        discussion: """
            With cluster.enabled, each `vigil run --node NAME` heartbeats in PostgreSQL and analyses only \
            the sources (groups or cameras) it holds a lease on. `status` reads those tables: every node \
            (live, stopped, or silent: no heartbeat for a lease), every source with its owner, lease epoch \
            and expiry, the sources no node holds, and the calls made under a superseded lease in the \
            last 24 hours (an analysis made twice: should be 0).

            Examples:
              vigil cluster status
              vigil cluster status --format json
            """,
        subcommands: [Status.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List nodes, sources with their owner, epoch and expiry, and unowned sources.",
            discussion: """
                Times are the database's clock, the one leases are kept by. A node is live while its last \
                heartbeat is within cluster.lease_seconds of the configuration (15 without one). With a \
                configuration, every source it analyses is listed (unowned when no unexpired lease names \
                it), then sources still leased that it no longer has; without one, every lease row.
                """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text

        func validate() throws {
            guard format == .text || format == .json else { throw ValidationError("--format must be text or json") }
        }

        func run() async throws {
            // An explicit --config is read even beside --database-url: it names the sources and the lease.
            let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: global.config != nil)
            let configuration = session.configuration
            let sources = configuration.map {
                AnalysisPlan($0).sources.map { ClusterStatusQuery.ConfiguredSource(id: $0.id, kind: $0.kind) }
            }
            let leaseSeconds = configuration?.cluster.leaseSeconds ?? ClusterConfiguration().leaseSeconds
            let status = try await session.run("cluster status") {
                try await ClusterStatusQuery(client: session.client).status(configured: sources, leaseSeconds: leaseSeconds)
            }
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .custom { date, encoder in
                    var container = encoder.singleValueContainer()
                    try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
                }
                try emit(String(decoding: encoder.encode(status), as: UTF8.self) + "\n", to: nil)
                return
            }
            try emit(Self.text(status, configured: configuration != nil), to: nil)
        }

        /// Nodes, then sources, as aligned tables; every text from the database or the configuration escaped.
        static func text(_ status: ClusterStatus, configured: Bool) -> String {
            var text =
                "Cluster at \(iso(status.databaseTime)) (database clock); a node is live within \(String(format: "%g", status.leaseSeconds)) s of its heartbeat\n\n"
            let states = Dictionary(grouping: status.nodes, by: \.state).mapValues(\.count)
            let summary = [ClusterNodeStatus.State.live, .silent, .stopped].compactMap { state in
                states[state].map { "\($0) \(state.rawValue)" }
            }
            text += "Nodes: \(status.nodes.count)\(summary.isEmpty ? "" : " (" + summary.joined(separator: ", ") + ")")\n"
            if !status.nodes.isEmpty {
                text += table(
                    header: ["NODE", "STATE", "LAST HEARTBEAT", "AGO", "HELD", "VERSION", "HOST", "PID", "STARTED"],
                    rows: status.nodes.map { node in
                        [
                            node.name.escapingControlCharacters(), node.state.rawValue, iso(node.lastHeartbeat),
                            "\(seconds(node.secondsSinceHeartbeat)) s", "\(node.sourcesHeld)",
                            (node.version ?? "-").escapingControlCharacters(),
                            (node.host ?? "-").escapingControlCharacters(), node.pid.map(String.init) ?? "-", iso(node.startedAt),
                        ]
                    })
            }
            let unowned = status.unowned
            let held = status.sources.count - unowned.count
            let scope = configured ? "configured or leased" : "with a lease row (no configuration read)"
            text += "\nSources \(scope): \(status.sources.count) (\(held) held, \(unowned.count) unowned)\n"
            if !status.sources.isEmpty {
                text += table(
                    header: ["SOURCE", "KIND", "OWNER", "EPOCH", "EXPIRES", "LEFT", "NOTE"],
                    rows: status.sources.map { source in
                        var notes: [String] = []
                        if source.configured == false { notes.append("no longer configured") }
                        if let state = source.ownerState, state != .live { notes.append("owner \(state.rawValue)") }
                        if source.isUnowned, let last = source.lastNode {
                            notes.append("last held by \(last.escapingControlCharacters())")
                        }
                        return [
                            source.source.escapingControlCharacters(), source.kind ?? "-",
                            source.owner.map { $0.escapingControlCharacters() } ?? "unowned", source.epoch.map(String.init) ?? "-",
                            source.isUnowned ? "-" : source.expiresAt.map(iso) ?? "-", source.secondsLeft.map { "\(seconds($0)) s" } ?? "-",
                            notes.joined(separator: "; "),
                        ]
                    })
            }
            text +=
                "\nUnowned: \(unowned.isEmpty ? "none" : unowned.map { $0.escapingControlCharacters() }.joined(separator: ", "))\n"
            text +=
                "Calls under a superseded lease in the last 24 h (analysed twice; should be 0): \(status.supersededLastDay)\(status.supersededLastDay > 0 ? "  !!" : "")\n"
            return text
        }

        /// Left-aligned columns two spaces apart, each as wide as its widest cell, indented by two.
        static func table(header: [String], rows: [[String]]) -> String {
            let all = [header] + rows
            let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
            return all.map { cells in
                "  "
                    + cells.enumerated().map { column, cell in
                        column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
                    }.joined(separator: "  ").trimmingTrailingSpaces()
            }.joined(separator: "\n") + "\n"
        }

        static func iso(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }

        /// Seconds with one decimal: `4.9`.
        static func seconds(_ value: Double) -> String { String(format: "%.1f", value) }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
