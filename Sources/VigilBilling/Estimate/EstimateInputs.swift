package import Foundation
package import VigilCore

/// Everything a cost forecast is made from.
package struct EstimateInputs: Sendable {
    /// The validated configuration: clients, cameras, groups, interval, model and thinking.
    package var configuration: VigilConfiguration
    /// The price book; the price of `gemini.model` in effect at ``at`` is used.
    package var prices: PriceBook
    /// "Today": the time whose prices apply.
    package var at: Date
    /// The period forecast, in days (30 for a month).
    package var days: Int
    /// The history window asked for (`--history-days`), nil for a forecast from the configuration alone.
    package var historyDays: Int?
    /// What was measured per source over the window (empty without one). A source not in it is
    /// forecast from the configuration.
    package var history: [SourceHistory.Key: SourceHistory]
    /// The frame size assumed for every camera (nothing is probed): 1920x1080, 16:9, unless told.
    package var frameWidth: Int
    package var frameHeight: Int
    /// The image size and prompt tokens of a source's request, by the capture layout and the
    /// model's rules for a frame of ``frameWidth``×``frameHeight``.
    package var prompt: @Sendable (AnalysisSource) -> PromptTokens

    package init(
        configuration: VigilConfiguration, prices: PriceBook, at: Date, days: Int = 30, historyDays: Int? = nil,
        history: [SourceHistory.Key: SourceHistory] = [:], frameWidth: Int = 1920, frameHeight: Int = 1080,
        prompt: @escaping @Sendable (AnalysisSource) -> PromptTokens
    ) {
        self.configuration = configuration
        self.prices = prices
        self.at = at
        self.days = days
        self.historyDays = historyDays
        self.history = history
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
        self.prompt = prompt
    }

    /// `analysis.interval_seconds` to the millisecond (at least 1).
    package var intervalMilliseconds: Int {
        let milliseconds = (configuration.analysis.intervalSeconds * 1000).rounded()
        guard milliseconds.isFinite, milliseconds >= 1 else { return 1 }
        return milliseconds < 1e15 ? Int(milliseconds) : 1_000_000_000_000_000
    }
}
