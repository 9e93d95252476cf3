import Foundation
import VigilCore

/// A cost forecast as text, JSON or CSV.
///
/// Money is written as exact decimal strings in JSON and CSV (``Money/description``) and rounded
/// only in the text table; calls per month are rounded to a tenth, tokens per call to a tenth.
package enum EstimateDocument {
    /// A terminal table per client, the totals, the all-single and all-grouped comparison, and what
    /// the basis of each figure means. Values from the configuration have their control characters
    /// written visibly.
    package static func text(_ estimate: CostEstimate) -> String {
        let prices = ServiceTier.allCases.compactMap { tier in estimate.tierPriceIDs[tier].map { "\(tier.rawValue) price #\($0)" } }
        var out =
            "Cost forecast for \(estimate.days) days at today's prices: \(estimate.model.escapingControlCharacters()) "
            + "(\(prices.isEmpty ? "no price" : prices.joined(separator: ", ")), \(iso(estimate.pricedAt)))\n"
        out += "One sample per source every \(seconds(estimate.intervalMilliseconds)) s. "
        if let days = estimate.historyDays {
            out +=
                "Basis: what was measured over the last \(days) day\(days == 1 ? "" : "s") where a source has history, else the configuration.\n"
        } else {
            out += "Basis: the configuration (add --history-days N to use measured figures).\n"
        }
        // A Gemini 3 forecast shows each source's media resolution (2.x models ignore it).
        let resolutions = MediaResolution.appliesTo(model: estimate.model)
        let widths = [22, 8, 6, 14, 10, 9, 10, 13, 13, 8, 8, 10] + (resolutions ? [9] : []) + [15]
        let header =
            [
                "source", "kind", "cams", "calls/month", "prompt", "output", "thinking", "cost/call", "cost/month", "skip %", "fail %",
                "tier",
            ] + (resolutions ? ["image"] : []) + ["basis"]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).enumerated().map { index, pair in
                let (text, width) = pair
                if index == cells.count - 1 { return "  " + text }
                if index == 0 || index == 1 {
                    return text.count >= width
                        ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
                }
                return text.count >= width - 1 ? " " + text : String(repeating: " ", count: width - text.count) + text
            }.joined().trimmingCharacters(in: .whitespaces) + "\n"
        }
        for client in estimate.clients {
            out += "\nClient \(client.id.escapingControlCharacters()) (\(client.name.escapingControlCharacters()))\n"
            guard !client.sources.isEmpty else {
                out += "  no cameras analysed\n"
                continue
            }
            out += line(header)
            for source in client.sources {
                let tokens = source.tokensPerCall
                out += line(
                    [
                        source.id.escapingControlCharacters(), source.kind, "\(source.cameras.count)",
                        source.callsPerMonth.formatted(fractionDigits: 0),
                        decimal(tokens.prompt), decimal(tokens.output), decimal(tokens.thinking),
                        source.isUnpriced ? "UNPRICED" : source.costPerCall.formatted(fractionDigits: 7),
                        source.isUnpriced ? "UNPRICED" : source.costPerMonth.formatted(fractionDigits: 2),
                        percent(source.skipRate), percent(source.failureRate), source.tier.rawValue,
                    ] + (resolutions ? [source.mediaResolution?.rawValue ?? "default"] : []) + [source.basis.rawValue])
            }
            out += line(
                [
                    "client total", "", "", client.callsPerMonth.formatted(fractionDigits: 0), "", "", "", "",
                    client.costPerMonth.formatted(fractionDigits: 2) + (client.unpricedSources > 0 ? " !!" : ""),
                    "", "", "",
                ] + (resolutions ? [""] : []) + [""])
        }
        out += "\n"
        out += line(
            [
                "TOTAL", "", "\(estimate.sources.reduce(0) { $0 + $1.cameras.count })", estimate.callsPerMonth.formatted(fractionDigits: 0),
                "", "", "", "",
                estimate.costPerMonth.formatted(fractionDigits: 2) + (estimate.unpricedSources.isEmpty ? "" : " !!"), "", "", "",
            ] + (resolutions ? [""] : []) + [""])
        if let warning = unpricedWarning(estimate) { out += "\n!! " + warning + "\n" }
        out += "\nThe same cameras over \(estimate.days) days:\n"
        for (label, comparison) in [("every camera alone", estimate.allSingle), ("tiled in fours", estimate.allGrouped)] {
            out +=
                "  \(label): \(comparison.sources) call\(comparison.sources == 1 ? "" : "s") each interval, "
                + "\(comparison.callsPerMonth.formatted(fractionDigits: 0)) calls, \(comparison.costPerMonth.formatted(fractionDigits: 2)) USD"
                + (comparison.unpricedSources > 0
                    ? " (+ \(comparison.unpricedSources) UNPRICED source\(comparison.unpricedSources == 1 ? "" : "s"), cost unknown)" : "")
                + "\n"
        }
        let saving = estimate.allSingle.costPerMonth - estimate.allGrouped.costPerMonth
        if estimate.allSingle.costPerMonth > .zero {
            out +=
                "  tiling in fours saves \(saving.formatted(fractionDigits: 2)) USD "
                + "(\(share(saving, of: estimate.allSingle.costPerMonth)) % of every camera alone)\n"
        }
        out += "\nBasis configuration: one call per sample of the image that would be sent (a single camera's frame assumed "
        out += "\(estimate.frameWidth)x\(estimate.frameHeight), its longer side analysis.max_image_side; a group the 2x2 mosaic), "
        out += "the prompt text as the Gemini client estimates it, \(AnswerTokenDefaults.outputPerCamera) output tokens a camera "
        out += "(+\(AnswerTokenDefaults.groupOverhead) for a group), \(estimate.defaultThinkingTokens) thinking tokens, "
        out += "no failed calls and no skipped samples.\n"
        out += "Basis history: tokens per call measured over the window and costed at today's price, the scene gate's skip rate "
        out += "(samples kept from Gemini), and the failure rate, each failure retried up to gemini.max_attempts.\n"
        out += "Each source is costed at the price of the service tier it asks for (its own service_tier, else gemini.service_tier).\n"
        return out
    }

    /// The loud note on sources whose tier has no price for the model (nil when there are none):
    /// which, why their cost is not in the totals, and how to price the tier.
    package static func unpricedWarning(_ estimate: CostEstimate) -> String? {
        let unpriced = estimate.unpricedSources
        guard !unpriced.isEmpty else { return nil }
        let tiers = ServiceTier.allCases.filter { tier in unpriced.contains { $0.tier == tier } }
        let model = estimate.model.escapingControlCharacters()
        let names = unpriced.map { "\($0.kind) \($0.id)".escapingControlCharacters() }.joined(separator: ", ")
        return "\(unpriced.count) UNPRICED source\(unpriced.count == 1 ? "" : "s") (\(names)): tier "
            + tiers.map(\.rawValue).joined(separator: ", ") + " has no price for \(model) in the price book, so "
            + "\(unpriced.count == 1 ? "its" : "their") cost is unknown (not $0) and is not in the totals: "
            + tiers.map { "vigil prices set --model \(model) --tier \($0.rawValue) --from YYYY-MM-DD --input … --output …" }
            .joined(separator: "; ")
    }

    /// `clients[]` (each with `id`, `name`, `calls_per_month`, `cost_per_month`, `unpriced_sources`,
    /// `sources[]`, each source with its `service_tier`, `price_id`, `unpriced` and `media_resolution`;
    /// an unpriced source's costs are null) and `total` (with `all_single` and `all_grouped`), money as
    /// decimal strings; `price_ids` per tier used.
    package static func json(_ estimate: CostEstimate) -> String {
        func source(_ source: SourceEstimate) -> JSONNode {
            let tokens = source.tokensPerCall
            return .object(pairs: [
                ("id", .string(source.id)), ("kind", .string(source.kind)), ("cameras", .array(source.cameras.map(JSONNode.string))),
                ("camera_count", .number(source.cameras.count)),
                ("image", .object(pairs: [("width", .number(source.imageWidth)), ("height", .number(source.imageHeight))])),
                ("basis", .string(source.basis.rawValue)),
                ("samples_per_month", number(source.samplesPerMonth.formatted(fractionDigits: 1))),
                ("calls_per_month", number(source.callsPerMonth.formatted(fractionDigits: 1))),
                ("attempts_per_sample", number(source.attemptsPerSample.formatted(fractionDigits: 6))),
                (
                    "tokens_per_call",
                    .object(pairs: [
                        ("prompt", number(decimal(tokens.prompt))), ("image", number(decimal(tokens.image))),
                        ("text", number(decimal(tokens.text))), ("cached", number(decimal(tokens.cached))),
                        ("output", number(decimal(tokens.output))), ("thinking", number(decimal(tokens.thinking))),
                        ("tool_use", number(decimal(tokens.toolUse))), ("total", number(decimal(tokens.total))),
                    ])
                ),
                ("service_tier", .string(source.tier.rawValue)), ("price_id", source.priceID.map(JSONNode.number) ?? .null),
                ("unpriced", .bool(source.isUnpriced)),
                ("media_resolution", source.mediaResolution.map { .string($0.rawValue) } ?? .null),
                ("cost_per_call", source.isUnpriced ? .null : .string(source.costPerCall.description)),
                ("cost_per_month", source.isUnpriced ? .null : .string(source.costPerMonth.description)),
                ("skip_rate", number((source.skipRate ?? .zero).formatted(fractionDigits: 6))),
                ("failure_rate", number((source.failureRate ?? .zero).formatted(fractionDigits: 6))),
                ("history_calls", source.historyCalls.map(JSONNode.number) ?? .null),
            ])
        }
        func comparison(_ comparison: EstimateComparison) -> JSONNode {
            .object(pairs: [
                ("sources", .number(comparison.sources)), ("cameras", .number(comparison.cameras)),
                ("calls_per_month", number(comparison.callsPerMonth.formatted(fractionDigits: 1))),
                ("cost_per_month", .string(comparison.costPerMonth.description)), ("unpriced_sources", .number(comparison.unpricedSources)),
            ])
        }
        let clients = estimate.clients.map { client in
            JSONNode.object(pairs: [
                ("id", .string(client.id)), ("name", .string(client.name)),
                ("calls_per_month", number(client.callsPerMonth.formatted(fractionDigits: 1))),
                ("cost_per_month", .string(client.costPerMonth.description)), ("unpriced_sources", .number(client.unpricedSources)),
                ("sources", .array(client.sources.map(source))),
            ])
        }
        let all = estimate.sources
        let document = JSONNode.object(pairs: [
            ("model", .string(estimate.model)), ("price_id", estimate.priceID.map(JSONNode.number) ?? .null),
            (
                "price_ids",
                .object(pairs: ServiceTier.allCases.compactMap { tier in estimate.tierPriceIDs[tier].map { (tier.rawValue, .number($0)) } })
            ),
            ("prices_at", .string(iso(estimate.pricedAt))),
            ("days", .number(estimate.days)), ("interval_seconds", number(seconds(estimate.intervalMilliseconds))),
            ("history_days", estimate.historyDays.map(JSONNode.number) ?? .null),
            (
                "assumptions",
                .object(pairs: [
                    ("frame_size", .string("\(estimate.frameWidth)x\(estimate.frameHeight)")),
                    ("output_tokens_per_camera", .number(AnswerTokenDefaults.outputPerCamera)),
                    ("group_answer_overhead_tokens", .number(AnswerTokenDefaults.groupOverhead)),
                    ("thinking_tokens", .number(estimate.defaultThinkingTokens)),
                ])
            ),
            ("clients", .array(clients)),
            (
                "total",
                .object(pairs: [
                    ("sources", .number(all.count)), ("cameras", .number(all.reduce(0) { $0 + $1.cameras.count })),
                    ("calls_per_month", number(estimate.callsPerMonth.formatted(fractionDigits: 1))),
                    ("cost_per_month", .string(estimate.costPerMonth.description)),
                    ("unpriced_sources", .number(estimate.unpricedSources.count)),
                    ("all_single", comparison(estimate.allSingle)), ("all_grouped", comparison(estimate.allGrouped)),
                ])
            ),
        ])
        return document.serializedString + "\n"
    }

    /// One row per source. Client, source and kind are text cells (a leading `=`, `+`, `-`, `@`
    /// gets its `'`); counts, tokens, rates and money are number cells. See ``CSVField``.
    package static func csv(_ estimate: CostEstimate) -> String {
        var table = CSVTable(header: [
            "client", "source", "kind", "cameras", "samples_per_month", "calls_per_month", "prompt_tokens", "image_tokens", "text_tokens",
            "cached_tokens", "output_tokens", "thinking_tokens", "tool_use_tokens", "cost_per_call", "cost_per_month", "basis",
            "skip_rate", "failure_rate", "attempts_per_sample", "history_calls", "service_tier", "price_id", "unpriced", "media_resolution",
        ])
        for source in estimate.sources {
            let tokens = source.tokensPerCall
            table.append([
                .text(source.client), .text(source.id), .text(source.kind), .number(source.cameras.count),
                .number(source.samplesPerMonth.approximateValue, fractionDigits: 1),
                .number(source.callsPerMonth.approximateValue, fractionDigits: 1),
                .number(tokens.prompt, fractionDigits: 1), .number(tokens.image, fractionDigits: 1),
                .number(tokens.text, fractionDigits: 1),
                .number(tokens.cached, fractionDigits: 1), .number(tokens.output, fractionDigits: 1),
                .number(tokens.thinking, fractionDigits: 1),
                .number(tokens.toolUse, fractionDigits: 1), source.isUnpriced ? .empty : .number(source.costPerCall),
                source.isUnpriced ? .empty : .number(source.costPerMonth),
                .text(source.basis.rawValue),
                .number(ratio(source.skipRate), fractionDigits: 6), .number(ratio(source.failureRate), fractionDigits: 6),
                .number(ratio(source.attemptsPerSample), fractionDigits: 6), source.historyCalls.map { .number($0) } ?? .empty,
                .text(source.tier.rawValue), source.priceID.map { .number($0) } ?? .empty, .text(source.isUnpriced ? "true" : "false"),
                source.mediaResolution.map { .text($0.rawValue) } ?? .empty,
            ])
        }
        return table.written
    }

    private static func number(_ text: String) -> JSONNode { JSONNode(.number(text), line: 0) }

    /// A token figure to a tenth, trailing zeros dropped: `534`, `612.5`.
    private static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let text = String(format: "%.1f", value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private static func seconds(_ milliseconds: Int) -> String { EstimateRatio.decimal(Int128(milliseconds), scale: 1000) }

    private static func percent(_ ratio: EstimateRatio?) -> String {
        guard let ratio else { return "-" }
        let text = EstimateRatio(partsPerBillion: ratio.partsPerBillion * 100).formatted(fractionDigits: 1)
        return text.contains(".") ? text : text + ".0"
    }

    /// A ratio for a CSV cell (display only; the forecast never multiplies money by it).
    private static func ratio(_ ratio: EstimateRatio?) -> Double { Double(ratio?.partsPerBillion ?? 0) / 1e9 }

    /// `part` as a percentage of `whole`, to a tenth.
    private static func share(_ part: Money, of whole: Money) -> String {
        guard whole.units > 0 else { return "0" }
        let tenths = (part.units * 2000 + whole.units) / (whole.units * 2)
        return EstimateRatio.decimal(tenths, scale: 10)
    }

    private static func iso(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
