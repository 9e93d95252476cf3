package import Foundation
package import VigilCore

/// A cost forecast: for each client and analysis source, calls and provider cost per period at
/// today's prices, their totals, and what the same cameras would cost all alone or all in fours.
///
/// Per source, from the configuration: one sample every `analysis.interval_seconds`, each one call
/// of the tokens the request would hold (``PromptTokens``) and the answer defaults
/// (``AnswerTokenDefaults``). From history: the measured tokens per call (averaged over the calls
/// whose usage is known), costed at today's price; the samples the scene-change gate let through
/// (1 − skip rate); and the attempts a sample takes when each fails with the measured failure rate
/// and failures are tried again up to `gemini.max_attempts` (so every failure is taken as
/// retryable, which errs high when some are not). Money is multiplied by exact fractions and
/// billionths, never by a floating-point number.
package struct CostEstimate: Sendable, Equatable {
    package var model: String
    /// The id of the price used (`model_prices.id`) and the time it was looked up at.
    package var priceID: Int
    package var pricedAt: Date
    package var days: Int
    package var historyDays: Int?
    package var intervalMilliseconds: Int
    /// The frame size assumed for single cameras.
    package var frameWidth: Int
    package var frameHeight: Int
    /// The thinking tokens assumed per call without history.
    package var defaultThinkingTokens: Int
    package var clients: [ClientEstimate]
    /// Every camera alone, one call each.
    package var allSingle: EstimateComparison
    /// Each client's cameras tiled in fours (configured groups kept, the rest grouped in
    /// configuration order, the remainder alone): `analysis.auto_group`.
    package var allGrouped: EstimateComparison

    /// Every source of every client.
    package var sources: [SourceEstimate] { clients.flatMap(\.sources) }
    package var callsPerMonth: MonthlyRate { clients.reduce(.zero) { $0 + $1.callsPerMonth } }
    package var costPerMonth: Money { clients.reduce(.zero) { $0 + $1.costPerMonth } }

    /// The forecast for `inputs`.
    ///
    /// - Throws: ``EstimateError/unpriced(model:)`` when `gemini.model` has no price in effect at
    ///   `inputs.at`: its cost is unknown, never $0.
    package static func make(_ inputs: EstimateInputs) throws(EstimateError) -> CostEstimate {
        let configuration = inputs.configuration
        let gemini = configuration.gemini
        guard let price = inputs.prices.price(model: gemini.model, at: inputs.at) else { throw .unpriced(model: gemini.model) }
        let samples = MonthlyRate.samples(days: inputs.days, intervalMilliseconds: inputs.intervalMilliseconds)

        func estimate(_ source: AnalysisSource) -> SourceEstimate {
            let prompt = inputs.prompt(source)
            let key = SourceHistory.Key(client: source.client, source: source.id, kind: source.kind)
            if let history = inputs.history[key], history.countedCalls > 0 {
                return fromHistory(history, source: source, prompt: prompt, price: price, samples: samples, maxAttempts: gemini.maxAttempts)
            }
            let expected = AnswerTokenDefaults.expected(cameras: source.cameras.count, gemini: gemini)
            let usage = TokenUsage(
                promptTokens: prompt.image + prompt.text, candidatesTokens: expected.output, thoughtsTokens: expected.thinking)
            let costPerCall = price.cost(of: usage)
            return SourceEstimate(
                id: source.id, kind: source.kind, client: source.client, cameras: source.cameras.map(\.id), imageWidth: prompt.imageWidth,
                imageHeight: prompt.imageHeight, basis: .configuration, samplesPerMonth: samples, callsPerMonth: samples,
                tokensPerCall: TokensPerCall(
                    prompt: Double(usage.promptTokens), image: Double(prompt.image), text: Double(prompt.text),
                    output: Double(expected.output), thinking: Double(expected.thinking)),
                costPerCall: costPerCall, costPerMonth: samples.cost(each: costPerCall))
        }

        let current = AnalysisPlan(configuration).sources.map(estimate)
        var clients = configuration.clients.map { client in
            ClientEstimate(id: client.id, name: client.name, sources: current.filter { $0.client == client.id })
        }
        let known = Set(configuration.clients.map(\.id))
        for id in Set(current.map(\.client)).subtracting(known).sorted() {
            clients.append(ClientEstimate(id: id, name: id, sources: current.filter { $0.client == id }))
        }
        var single = configuration
        single.groups = []
        single.analysis.autoGroup = false
        var grouped = configuration
        grouped.analysis.autoGroup = true
        return CostEstimate(
            model: gemini.model, priceID: price.id, pricedAt: inputs.at, days: inputs.days, historyDays: inputs.historyDays,
            intervalMilliseconds: inputs.intervalMilliseconds, frameWidth: inputs.frameWidth, frameHeight: inputs.frameHeight,
            defaultThinkingTokens: AnswerTokenDefaults.expected(cameras: 1, gemini: gemini).thinking, clients: clients,
            allSingle: EstimateComparison(AnalysisPlan(single).sources.map(estimate)),
            allGrouped: EstimateComparison(AnalysisPlan(grouped).sources.map(estimate)))
    }

    /// A source forecast from what was measured of it.
    private static func fromHistory(
        _ history: SourceHistory, source: AnalysisSource, prompt: PromptTokens, price: ModelPrice, samples: MonthlyRate, maxAttempts: Int
    ) -> SourceEstimate {
        let counted = history.countedCalls
        let sums = TokenUsage(
            promptTokens: history.prompt, cachedTokens: history.cached, candidatesTokens: history.completion,
            thoughtsTokens: history.thoughts, toolUsePromptTokens: history.toolUse)
        // The cost of the summed tokens over the calls is the mean cost per call (the formula is
        // linear), with the long-context threshold compared against the mean prompt: multiplied by
        // the calls here, as the prompt was.
        var scaledPrice = price
        scaledPrice.longContextThreshold = price.longContextThreshold.map {
            let (product, overflow) = $0.multipliedReportingOverflow(by: counted)
            return overflow ? .max : product
        }
        let costPerCall = scaledPrice.cost(of: sums).scaled(by: 1, over: Int128(counted))
        let attempts = history.failureRate.attemptsPerAnalysis(maxAttempts: maxAttempts)
        let calls = samples.scaled(by: history.skipRate.complement * attempts)
        let mean = { (sum: Int) in Double(sum) / Double(counted) }
        let image = Double(prompt.image)
        return SourceEstimate(
            id: source.id, kind: source.kind, client: source.client, cameras: source.cameras.map(\.id), imageWidth: prompt.imageWidth,
            imageHeight: prompt.imageHeight, basis: .history, samplesPerMonth: samples, callsPerMonth: calls,
            tokensPerCall: TokensPerCall(
                prompt: mean(history.prompt), image: min(image, mean(history.prompt)), text: max(0, mean(history.prompt) - image),
                cached: mean(history.cached), output: mean(history.completion), thinking: mean(history.thoughts),
                toolUse: mean(history.toolUse)),
            costPerCall: costPerCall, costPerMonth: calls.cost(each: costPerCall), skipRate: history.skipRate,
            failureRate: history.failureRate, attemptsPerSample: attempts, historyCalls: history.calls)
    }
}
