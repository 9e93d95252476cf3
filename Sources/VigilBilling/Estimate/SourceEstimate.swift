package import VigilCore

/// The forecast of one analysis source (a camera alone, or a group of four tiled 2x2).
package struct SourceEstimate: Sendable, Equatable {
    /// Where the figures come from.
    package enum Basis: String, Sendable, Equatable {
        /// The configuration: the image and prompt that would be sent, the answer defaults
        /// (``AnswerTokenDefaults``), no failures and no skipped samples.
        case configuration
        /// What the database measured of this source over the history window.
        case history
    }

    /// The source id, as in `api_usage.source_id`.
    package var id: String
    /// `camera` or `group`.
    package var kind: String
    /// The client's id in the configuration.
    package var client: String
    /// The camera ids it shows, in quadrant order for a group.
    package var cameras: [String]
    /// The image sent, in pixels.
    package var imageWidth: Int
    package var imageHeight: Int
    package var basis: Basis
    /// Samples due in the period: one every `analysis.interval_seconds`.
    package var samplesPerMonth: MonthlyRate
    /// Calls (attempts, each an `api_usage` row): samples the gate lets through, times the attempts
    /// each takes.
    package var callsPerMonth: MonthlyRate
    package var tokensPerCall: TokensPerCall
    /// The provider cost of one call at today's prices.
    package var costPerCall: Money
    package var costPerMonth: Money
    /// History only: samples the scene-change gate kept from Gemini ÷ (those + calls).
    package var skipRate: EstimateRatio?
    /// History only: failed calls ÷ calls.
    package var failureRate: EstimateRatio?
    /// Calls per sample that is sent: 1 from the configuration; from history, the attempts a failure
    /// rate makes with `gemini.max_attempts`.
    package var attemptsPerSample: EstimateRatio
    /// History only: the calls measured.
    package var historyCalls: Int?
    /// The service tier the source's calls ask for (its own `service_tier`, else `gemini.service_tier`),
    /// whose price costs them.
    package var tier: ServiceTier = .standard
    /// The price used (`model_prices.id`); nil when unpriced.
    package var priceID: Int?
    /// Whether the tier has no price for the model: the calls are forecast, their cost is unknown
    /// (``costPerCall`` and ``costPerMonth`` are zero placeholders, never shown as $0) and left out
    /// of every total.
    package var isUnpriced = false
    /// The image resolution the source asks of a Gemini 3 model (its own `media_resolution`, else
    /// `gemini.media_resolution`); nil for other models, or for the model's default (high).
    package var mediaResolution: MediaResolution?

    package init(
        id: String, kind: String, client: String, cameras: [String], imageWidth: Int, imageHeight: Int, basis: Basis,
        samplesPerMonth: MonthlyRate, callsPerMonth: MonthlyRate, tokensPerCall: TokensPerCall, costPerCall: Money, costPerMonth: Money,
        skipRate: EstimateRatio? = nil, failureRate: EstimateRatio? = nil, attemptsPerSample: EstimateRatio = .one, historyCalls: Int? = nil
    ) {
        self.id = id
        self.kind = kind
        self.client = client
        self.cameras = cameras
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.basis = basis
        self.samplesPerMonth = samplesPerMonth
        self.callsPerMonth = callsPerMonth
        self.tokensPerCall = tokensPerCall
        self.costPerCall = costPerCall
        self.costPerMonth = costPerMonth
        self.skipRate = skipRate
        self.failureRate = failureRate
        self.attemptsPerSample = attemptsPerSample
        self.historyCalls = historyCalls
    }
}
