import Foundation
package import VigilCore

/// A usage report as text, JSON or CSV.
package enum UsageReportDocument {
    /// A terminal table: one line per row, then the total and notes on unpriced and estimated calls,
    /// on the avoided cost of skipped samples (an estimate) and, by camera, on what a share is.
    /// Every value from data (client, session, camera, end reason, row keys) has its control
    /// characters written visibly (`escapingControlCharacters()`: `\n`, `\x1b`), so none can forge a
    /// line or move the cursor.
    package static func text(_ report: UsageReport) -> String {
        var out = "Usage \(InvoiceDocument.iso(report.from)) to \(InvoiceDocument.iso(report.to))"
        if let client = report.client { out += ", client \(client.escapingControlCharacters())" }
        out += "\n"
        if let session = report.session {
            out +=
                "Session \(session.id.escapingControlCharacters()): camera \(session.cameraID.escapingControlCharacters()), connected \(InvoiceDocument.iso(session.startedAt)), "
            out +=
                session.endedAt.map {
                    "disconnected \(InvoiceDocument.iso($0)) (\((session.endReason ?? "?").escapingControlCharacters()))"
                }
                ?? "still connected"
            out += "\n"
        }
        out += "\n"
        let header = [
            "", "Calls", "OK %", "Prompt", "Cached", "Output", "Thoughts", "Total", "Cost USD", "Avg ms", "p95 ms", "Unpriced", "Estimated",
            "Skipped", "Avoided USD*",
        ]
        let widths = [28, 8, 7, 11, 9, 10, 10, 12, 14, 8, 8, 9, 10, 9, 14]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).enumerated().map { index, pair in
                let (text, width) = pair
                if index == 0 {
                    return text.count >= width
                        ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
                }
                return text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
            }.joined() + "\n"
        }
        func cells(_ label: String, _ row: UsageReport.Row) -> [String] {
            let u = row.usage
            // A camera's share of a call has no tokens of its own.
            func tokens(_ count: Int) -> String { row.cameraShare ? "-" : "\(count)" }
            return [
                label, "\(u.calls)", u.calls == 0 ? "-" : String(format: "%.1f", row.successRate * 100), tokens(u.promptTokens),
                tokens(u.cachedTokens), tokens(u.completionTokens), tokens(u.thoughtsTokens), tokens(u.totalTokens),
                u.providerCost.formatted(fractionDigits: 6), row.averageMilliseconds.map { String(format: "%.0f", $0) } ?? "-",
                row.p95Milliseconds.map { String(format: "%.0f", $0) } ?? "-", "\(u.unpricedCalls)", "\(u.estimatedCalls)",
                row.skipped.map { "\($0.count)" } ?? "-", row.skipped.map { $0.estimatedCostAvoided.formatted(fractionDigits: 6) } ?? "-",
            ]
        }
        var labels = header
        labels[0] = report.grouping.map { "by \($0.escapingControlCharacters())" } ?? ""
        out += line(labels)
        for row in report.rows {
            out += line(cells(((row.usage.kind.isEmpty ? "" : "\(row.usage.kind) ") + row.usage.key).escapingControlCharacters(), row))
        }
        out += line(cells("TOTAL", report.total))
        if report.total.usage.unpricedCalls > 0 {
            out +=
                "\n!! \(report.total.usage.unpricedCalls) UNPRICED calls are not in the cost above (their cost is unknown, not zero): run vigil prices set, then vigil prices reprice --unpriced\n"
            if report.grouping == "tier" {
                // Each tier is priced on its own: say which tier needs a price.
                for row in report.rows where row.usage.unpricedCalls > 0 {
                    let tier = row.usage.key.escapingControlCharacters()
                    out +=
                        ServiceTier(rawValue: row.usage.key) == nil
                        ? "   tier \(tier): \(row.usage.unpricedCalls) calls served at a tier Vigil does not know: no price applies, their cost is unknown\n"
                        : "   tier \(tier): \(row.usage.unpricedCalls) calls unpriced: vigil prices set --model MODEL --tier \(tier) ..., then vigil prices reprice --unpriced\n"
                }
            }
        }
        if report.total.usage.estimatedCalls > 0 {
            out += "~ \(report.total.usage.estimatedCalls) calls have ESTIMATED tokens (the response reported none)\n"
        }
        if report.total.usage.unknownCalls > 0 {
            out +=
                "?? \(report.total.usage.unknownCalls) calls of UNKNOWN OUTCOME (Vigil stopped while they were in flight; Gemini may have billed them): estimated tokens, not invoiced unless priced with vigil prices reprice --unknown\n"
        }
        if report.total.usage.invalidCalls > 0 {
            out +=
                "!! \(report.total.usage.invalidCalls) calls reported INVALID USAGE (impossible token counts, kept raw in api_usage.raw_usage): no tokens or cost counted, off invoices until reviewed (README: invalid usage)\n"
        }
        let skipped = report.total.skipped ?? SkippedSamples()
        if skipped.count > 0 {
            out +=
                "* ESTIMATED: \(skipped.count) samples the scene gate skipped made no call; each counts the mean cost of its source's recent calls at the time. Not part of Cost USD\n"
            if let session = report.session {
                out +=
                    "  (a skipped sample has no stream session: the total counts camera \(session.cameraID.escapingControlCharacters())'s in the session's hours)\n"
            } else if let grouping = report.grouping, report.rows.contains(where: { $0.skipped == nil }) {
                out += "  (a skipped sample has no \(grouping.escapingControlCharacters()): only the total counts them)\n"
            }
        }
        if report.rows.contains(where: \.cameraShare) {
            out +=
                "by camera: a call counts for each camera in its image, and its cost is split equally among them (a dark quadrant takes no share), so the cameras' costs add up to the total; tokens and latency are not split (see --by source)\n"
        }
        if report.total.p95Milliseconds != nil {
            out +=
                "p95 is read from latency buckets (250 ms wide below 1 s, 500 ms to 3 s, wider above), interpolated within its bucket, never above the slowest call\n"
        }
        return out
    }

    package static func json(_ report: UsageReport) -> String {
        func row(_ row: UsageReport.Row) -> JSONNode {
            let u = row.usage
            // A camera's share of a call has no tokens of its own: null.
            func tokens(_ count: Int) -> JSONNode { row.cameraShare ? .null : .number(count) }
            return .object(pairs: [
                ("key", .string(u.key)), ("kind", .string(u.kind)), ("calls", .number(u.calls)), ("failed_calls", .number(u.failedCalls)),
                ("success_rate", JSONNode(.number(String(format: "%.4f", row.successRate)), line: 0)),
                ("prompt_tokens", tokens(u.promptTokens)), ("cached_tokens", tokens(u.cachedTokens)),
                ("completion_tokens", tokens(u.completionTokens)), ("thoughts_tokens", tokens(u.thoughtsTokens)),
                ("tool_use_tokens", tokens(u.toolUseTokens)), ("total_tokens", tokens(u.totalTokens)),
                ("cost", .string(u.providerCost.description)), ("unpriced_calls", .number(u.unpricedCalls)),
                ("estimated_calls", .number(u.estimatedCalls)), ("invalid_usage_calls", .number(u.invalidCalls)),
                ("unknown_outcome_calls", .number(u.unknownCalls)),
                ("avg_latency_ms", row.averageMilliseconds.map { JSONNode(.number(String(format: "%.1f", $0)), line: 0) } ?? .null),
                ("p95_latency_ms", row.p95Milliseconds.map { JSONNode(.number(String(format: "%.1f", $0)), line: 0) } ?? .null),
                ("samples_skipped", row.skipped.map { .number($0.count) } ?? .null),
                ("cost_avoided", row.skipped.map { .string($0.estimatedCostAvoided.description) } ?? .null),
            ])
        }
        var pairs: [(String, JSONNode)] = [
            ("from", .string(InvoiceDocument.iso(report.from))), ("to", .string(InvoiceDocument.iso(report.to))),
            ("client", report.client.map(JSONNode.string) ?? .null), ("by", report.grouping.map(JSONNode.string) ?? .null),
            ("total", row(report.total)), ("rows", .array(report.rows.map(row))),
        ]
        if let session = report.session {
            pairs.append(
                (
                    "session",
                    .object(pairs: [
                        ("id", .string(session.id)), ("camera", .string(session.cameraID)),
                        ("started_at", .string(InvoiceDocument.iso(session.startedAt))),
                        ("ended_at", session.endedAt.map { .string(InvoiceDocument.iso($0)) } ?? .null),
                        ("end_reason", session.endReason.map(JSONNode.string) ?? .null),
                    ])
                ))
        }
        return JSONNode.object(pairs: pairs).serializedString + "\n"
    }

    /// One row per group, then the total. Keys and kinds (camera ids, models, client ids, days) are
    /// text cells, neutralised if they start like a formula; counts, cost and latencies are number
    /// cells. See ``CSVField``. Empty cells: tokens of a camera's share, skips a row cannot have.
    package static func csv(_ report: UsageReport) -> String {
        var table = CSVTable(header: [
            report.grouping ?? "scope", "kind", "calls", "failed_calls", "prompt_tokens", "cached_tokens", "completion_tokens",
            "thoughts_tokens", "tool_use_tokens", "total_tokens", "cost", "unpriced_calls", "estimated_calls", "avg_latency_ms",
            "p95_latency_ms", "invalid_usage_calls", "unknown_outcome_calls", "samples_skipped", "cost_avoided",
        ])
        for row in report.rows + [report.total] {
            let u = row.usage
            func tokens(_ count: Int) -> CSVField { row.cameraShare ? .empty : .number(count) }
            table.append([
                .text(u.key), .text(u.kind), .number(u.calls), .number(u.failedCalls), tokens(u.promptTokens), tokens(u.cachedTokens),
                tokens(u.completionTokens), tokens(u.thoughtsTokens), tokens(u.toolUseTokens), tokens(u.totalTokens),
                .number(u.providerCost), .number(u.unpricedCalls), .number(u.estimatedCalls),
                row.averageMilliseconds.map { .number($0, fractionDigits: 1) } ?? .empty,
                row.p95Milliseconds.map { .number($0, fractionDigits: 1) } ?? .empty, .number(u.invalidCalls),
                .number(u.unknownCalls), row.skipped.map { .number($0.count) } ?? .empty,
                row.skipped.map { .number($0.estimatedCostAvoided) } ?? .empty,
            ])
        }
        return table.written
    }
}
