import ArgumentParser
import Foundation
import Logging
import VigilBilling
import VigilCapture
import VigilCore
import VigilGemini
import VigilStore

/// `vigil estimate`: what the configured cameras will cost, before (or while) they run.
struct EstimateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Forecast calls and provider cost per client and source, at today's prices.",
        discussion: """
            For each client and analysis source (a camera alone, or a group of four tiled 2x2): calls over \
            --days days (one sample every analysis.interval_seconds), tokens per call, cost per call and in \
            all at the price of gemini.model in effect today (from the database's price book), and the \
            totals; beside them, what the same cameras would cost every one alone and tiled in fours. Each \
            source is priced at the service tier it asks for (its camera's or group's service_tier, else \
            gemini.service_tier): flex at the flex price, priority at the priority price; and for Gemini 3 \
            models its image is counted at its media_resolution.

            Without --history-days the figures come from the configuration: the image that would be sent \
            (a camera's frame is assumed 16:9, 1920x1080, unless --frame-size says otherwise; cameras are \
            not reached), the prompt text, and default answer and thinking tokens. With --history-days N, \
            each source that made calls of this model in the last N days is forecast from what was \
            measured: tokens per call, failure rate (failed calls are retried, costing more attempts) and \
            the scene-change gate's skip rate; the others from the configuration. The basis column says which.

            A model with no price is an error (exit 65), never $0. A source whose tier has no price for the \
            model (priority has none until vigil prices set --model MODEL --tier priority ...) is shown \
            UNPRICED, its cost left out of the totals, with a warning, and vigil estimate exits 65 after \
            printing the forecast.

            Examples:
              vigil estimate --config /etc/vigil/config.json
              vigil estimate --days 30 --history-days 7 --format json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The period forecast, in days.", valueName: "N"))
    var days: Int = 30

    @Option(help: ArgumentHelp("Use what was measured over the last N days, per source that has history.", valueName: "N"))
    var historyDays: Int?

    @Option(help: ArgumentHelp("The frame size assumed for every camera (nothing is probed).", valueName: "WxH"))
    var frameSize: String = "1920x1080"

    @Option(help: "Output format: text, json or csv.")
    var format: ReportFormat = .text

    func validate() throws {
        guard (1...3660).contains(days) else { throw ValidationError("--days must be 1 to 3660") }
        if let historyDays, !(1...3660).contains(historyDays) { throw ValidationError("--history-days must be 1 to 3660") }
        guard Self.size(frameSize) != nil else {
            throw ValidationError(
                "--frame-size must be WIDTHxHEIGHT, each 16 to 16384, such as 1920x1080 (got '\(frameSize.escapingControlCharacters())')")
        }
        if format == .html { throw ValidationError("forecasts are text, json or csv") }
    }

    func run() async throws {
        let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: true)
        guard let configuration = session.configuration, let frame = Self.size(frameSize) else { throw ExitCode(ExitStatus.invalidInput) }
        let now = Date()
        let model = configuration.gemini.model
        let (prices, history) = try await session.run("estimate") {
            let prices = try await PriceRepository(client: session.client).load()
            guard let historyDays else { return (prices, [SourceHistory.Key: SourceHistory]()) }
            let since = now.addingTimeInterval(-Double(historyDays) * 86_400)
            return (prices, try await EstimateHistory(client: session.client).load(since: since, model: model))
        }
        let inputs = EstimateInputs(
            configuration: configuration, prices: prices, at: now, days: days, historyDays: historyDays, history: history,
            frameWidth: frame.width, frameHeight: frame.height, prompt: Self.promptTokens(configuration, frame: frame))
        let estimate: CostEstimate
        do {
            estimate = try CostEstimate.make(inputs)
        } catch {
            printError("vigil estimate: \(global.configPath): \(error)".escapingControlCharacters())
            throw ExitCode(ExitStatus.invalidInput)
        }
        switch format {
        case .json: try emit(EstimateDocument.json(estimate), to: nil)
        case .csv: try emit(EstimateDocument.csv(estimate), to: nil)
        default: try emit(EstimateDocument.text(estimate), to: nil)
        }
        // A source whose tier has no price: its cost is unknown, so the totals are not the whole cost.
        if let warning = EstimateDocument.unpricedWarning(estimate) {
            printError("vigil estimate: \(warning)")
            throw ExitCode(ExitStatus.invalidInput)
        }
    }

    /// The image size and prompt tokens of a source's request, as the daemon would send it: a single
    /// camera's frame scaled to `analysis.max_image_side` (``ImageLayout/single``), a group's 2x2
    /// mosaic (``ImageLayout/mosaicSize``); image tokens by the model's rule at the source's media
    /// resolution (its own `media_resolution`, else `gemini.media_resolution`; Gemini 3 only) and
    /// text by the Gemini client's own estimate (``GeminiClient/expectedUsage(image:prompt:options:)``)
    /// of the source's prompt.
    static func promptTokens(
        _ configuration: VigilConfiguration, frame: (width: Int, height: Int)
    ) -> @Sendable (AnalysisSource) -> PromptTokens {
        var gemini = configuration.gemini
        gemini.maxConcurrentRequests = 1  // nothing is sent: the client only estimates
        let client = GeminiClient(configuration: gemini, apiKey: "", logger: Logger(label: "vigil.estimate"))
        let maxSide = configuration.analysis.maxImageSide
        let systemInstruction = configuration.gemini.systemPrompt
        let defaultTier = configuration.gemini.serviceTier
        let defaultResolution = configuration.gemini.mediaResolutionLevel
        return { source in
            let single = ImageLayout.single(width: frame.width, height: frame.height, maxSide: maxSide)
            let size: (width: Int, height: Int) =
                switch source {
                case .camera: (single.width, single.height)
                case .group: ImageLayout.mosaicSize(maxSide: maxSide)
                }
            let usage = client.expectedUsage(
                image: GeminiImage(jpeg: [], width: size.width, height: size.height),
                prompt: AnalysisPrompt(source: source, systemInstruction: systemInstruction),
                options: GeminiCallOptions(
                    tier: source.serviceTier(default: defaultTier),
                    mediaResolution: source.mediaResolution(default: defaultResolution)))
            return PromptTokens(
                imageWidth: size.width, imageHeight: size.height, image: usage.imageTokens, text: usage.promptTokens - usage.imageTokens)
        }
    }

    /// `1920x1080` as (1920, 1080); nil unless both are whole numbers from 16 to 16384.
    static func size(_ text: String) -> (width: Int, height: Int)? {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
            (16...16_384).contains(width), (16...16_384).contains(height)
        else { return nil }
        return (width, height)
    }
}
