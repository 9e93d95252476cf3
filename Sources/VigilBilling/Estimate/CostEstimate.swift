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
///
/// Each source is priced at the service tier it asks for (its camera's or group's `service_tier`,
/// else `gemini.service_tier`), at that tier's price in the price book: a flex source at the flex
/// price, never at standard's. A source whose tier has no price for the model is forecast unpriced
/// (``SourceEstimate/isUnpriced``): its calls are counted, its cost is unknown (not $0) and left
/// out of every cost total, which ``unpricedSources`` names.
package struct CostEstimate: Sendable, Equatable {
    package var model: String
    /// The id of the price of `gemini.service_tier` (`model_prices.id`), nil when that tier has no
    /// price; and the time prices were looked up at.
    package var priceID: Int?
    /// The id of the price used for each tier some source asks for and that has one.
    package var tierPriceIDs: [ServiceTier: Int]
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
    /// The cost of every priced source (an unpriced one's is unknown: see ``unpricedSources``).
    package var costPerMonth: Money { clients.reduce(.zero) { $0 + $1.costPerMonth } }
    /// The sources whose tier has no price for the model: their cost is not in any total.
    package var unpricedSources: [SourceEstimate] { sources.filter(\.isUnpriced) }

    /// The forecast for `inputs`.
    ///
    /// - Throws: ``EstimateError/unpriced(model:)`` when `gemini.model` has no price at any tier in
    ///   effect at `inputs.at`: its cost is unknown, never $0. A model priced at some tiers but not
    ///   at one a source asks for gives that source unpriced (``SourceEstimate/isUnpriced``).
    package static func make(_ inputs: EstimateInputs) throws(EstimateError) -> CostEstimate {
        let configuration = inputs.configuration
        let gemini = configuration.gemini
        let tierPrices = Dictionary(
            uniqueKeysWithValues: ServiceTier.allCases.compactMap { tier in
                inputs.prices.price(model: gemini.model, tier: tier, at: inputs.at).map { (tier, $0) }
            })
        guard !tierPrices.isEmpty else { throw .unpriced(model: gemini.model) }
        let samples = MonthlyRate.samples(days: inputs.days, intervalMilliseconds: inputs.intervalMilliseconds)
        // Gemini 2.x models ignore the media resolution: not shown for them.
        let usesMediaResolution = MediaResolution.appliesTo(model: gemini.model)

        func estimate(_ source: AnalysisSource) -> SourceEstimate {
            let tier = source.serviceTier(default: gemini.serviceTier)
            let price = tierPrices[tier]
            let resolution = usesMediaResolution ? source.mediaResolution(default: gemini.mediaResolutionLevel) : nil
            let prompt = inputs.prompt(source)
            let key = SourceHistory.Key(client: source.client, source: source.id, kind: source.kind)
            var estimate: SourceEstimate
            if let history = inputs.history[key], history.countedCalls > 0 {
                estimate = fromHistory(
                    history, source: source, prompt: prompt, price: price, samples: samples, maxAttempts: gemini.maxAttempts)
            } else {
                let expected = AnswerTokenDefaults.expected(cameras: source.cameras.count, gemini: gemini)
                let usage = TokenUsage(
                    promptTokens: prompt.image + prompt.text, candidatesTokens: expected.output, thoughtsTokens: expected.thinking)
                let costPerCall = price?.cost(of: usage) ?? .zero
                estimate = SourceEstimate(
                    id: source.id, kind: source.kind, client: source.client, cameras: source.cameras.map(\.id),
                    imageWidth: prompt.imageWidth, imageHeight: prompt.imageHeight, basis: .configuration, samplesPerMonth: samples,
                    callsPerMonth: samples,
                    tokensPerCall: TokensPerCall(
                        prompt: Double(usage.promptTokens), image: Double(prompt.image), text: Double(prompt.text),
                        output: Double(expected.output), thinking: Double(expected.thinking)),
                    costPerCall: costPerCall, costPerMonth: samples.cost(each: costPerCall))
            }
            estimate.tier = tier
            estimate.priceID = price?.id
            estimate.isUnpriced = price == nil
            estimate.mediaResolution = resolution
            return estimate
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
        let allSingle = EstimateComparison(AnalysisPlan(single).sources.map(estimate))
        let allGrouped = EstimateComparison(AnalysisPlan(grouped).sources.map(estimate))
        return CostEstimate(
            model: gemini.model, priceID: tierPrices[gemini.serviceTier]?.id,
            tierPriceIDs: tierPrices.filter { tier in current.contains { $0.tier == tier.key } }.mapValues(\.id), pricedAt: inputs.at,
            days: inputs.days,
            historyDays: inputs.historyDays, intervalMilliseconds: inputs.intervalMilliseconds, frameWidth: inputs.frameWidth,
            frameHeight: inputs.frameHeight, defaultThinkingTokens: AnswerTokenDefaults.expected(cameras: 1, gemini: gemini).thinking,
            clients: clients, allSingle: allSingle, allGrouped: allGrouped)
    }

    /// A source forecast from what was measured of it, costed at `price` (zero, and so unpriced, without one).
    private static func fromHistory(
        _ history: SourceHistory, source: AnalysisSource, prompt: PromptTokens, price: ModelPrice?, samples: MonthlyRate, maxAttempts: Int
    ) -> SourceEstimate {
        let counted = history.countedCalls
        let sums = TokenUsage(
            promptTokens: history.prompt, cachedTokens: history.cached, candidatesTokens: history.completion,
            thoughtsTokens: history.thoughts, toolUsePromptTokens: history.toolUse)
        // The cost of the summed tokens over the calls is the mean cost per call (the formula is
        // linear), with the long-context threshold compared against the mean prompt: multiplied by
        // the calls here, as the prompt was.
        var scaledPrice = price
        scaledPrice?.longContextThreshold = price?.longContextThreshold.map {
            let (product, overflow) = $0.multipliedReportingOverflow(by: counted)
            return overflow ? .max : product
        }
        let costPerCall = scaledPrice.map { $0.cost(of: sums).scaled(by: 1, over: Int128(counted)) } ?? .zero
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
