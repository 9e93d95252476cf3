import ArgumentParser

/// Output formats of the reporting subcommands.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text
    case json
    case csv
    case html
}
