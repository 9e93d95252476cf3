import ArgumentParser
import Foundation
import Logging
import VigilBilling
import VigilCapture
import VigilCore
import VigilGemini
import VigilService
import VigilStore

/// `vigil analyze`: a one-off analysis of a stream or a video file.
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Sample a stream or video, ask Gemini, print the verdicts and token usage.",
        discussion: """
            Samples N images (one camera, or a 2x2 tile of four sources), --interval seconds apart, asks \
            Gemini about each exactly as the daemon would, and prints each verdict with its token_usage. \
            With --client and a database (from --config or --database-url), every call is recorded as an \
            api_usage row under that client. Gemini settings come from the configuration when there is one. \
            A video file plays at its own speed and loops; with --once it plays once, and samples due after \
            its end report no picture.

            Examples:
              vigil analyze --source rtsp://cam.local/stream1 --frames 3
              vigil analyze --source yard.mp4 --format json
              vigil analyze --source yard.mp4 --once --frames 12 --interval 5
              vigil analyze --source rtsp://a/1 --source rtsp://b/1 --source rtsp://c/1 --source rtsp://d/1 --client acme
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var sources: SourceOptions

    @Option(help: "How many samples to analyse.")
    var frames: Int = 1

    @Option(help: "Seconds between samples.")
    var interval: Double = 5

    @Option(help: ArgumentHelp("Record usage under this client id.", valueName: "ID"))
    var client: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "Play video files once instead of looping them.")
    var once = false

    func validate() throws {
        guard (1...1000).contains(frames) else { throw ValidationError("--frames must be 1 to 1000") }
        guard sources.source.count == 1 || sources.source.count == 4 else {
            throw ValidationError("give one --source, or four for a 2x2 tile (got \(sources.source.count))")
        }
        guard interval >= 0.2 else { throw ValidationError("--interval must be at least 0.2 s") }
    }

    func run() async throws {
        let configuration = try global.loadConfigurationIfPresent()
        let gemini = configuration?.gemini ?? GeminiConfiguration()
        guard case .success(let key) = GeminiKey.resolve(configuration: gemini) else {
            printError("vigil analyze: no Gemini API key: set GEMINI_API_KEY (or configure gemini.api_key_file)")
            throw ExitCode(ExitStatus.invalidInput)
        }
        let urls = sources.urls
        let (connection, databaseSecrets) = database.connection(configuration: configuration)
        let secrets = urls.flatMap(\.secrets) + [key.key] + (configuration?.secrets ?? []) + databaseSecrets
        let logger = global.bootstrapLogging(secrets: secrets)
        let redactor = SecretRedactor(secrets: secrets)

        var ledger: UsageLedger?
        if let client {
            guard configuration == nil || configuration?.client(client) != nil else {
                printError("vigil analyze: no client \"\(client)\" in \(global.configPath)")
                throw ExitCode(ExitStatus.invalidInput)
            }
            let spool = configuration?.database.spoolDirectory ?? (NSTemporaryDirectory() + "vigil-analyze-spool")
            ledger = try UsageLedger(connectionString: connection, spoolDirectory: spool, redactor: redactor, logger: logger)
        }
        var prices = PriceBook(prices: [])
        if ledger != nil,
            let book = try? await PriceRepository(client: DatabaseClient(connectionString: connection, redactor: redactor)).load()
        {
            prices = book
        }

        let captures = SourceSampler.start(
            urls, transport: configuration?.capture.transport ?? .tcp, interval: interval, loopFiles: !once,
            logger: logger)
        // The sources' cameras carry the client, so the daemon's records serve as they are.
        let cameras = captures.map {
            CameraConfiguration(id: $0.camera.id, name: $0.camera.name, url: $0.camera.url, client: client ?? "adhoc")
        }
        let source: AnalysisSource =
            cameras.count == 4
            ? .group(GroupConfiguration(id: "adhoc-group", name: "sources", cameras: cameras.map(\.id)), cameras)
            : .camera(cameras[0])
        let pipeline = AnalysisPipeline(
            gemini: GeminiClient(configuration: gemini, apiKey: key.key, logger: logger),
            images: ImagePipeline(
                maxImageSide: configuration?.analysis.maxImageSide ?? 768, jpegQuality: configuration?.analysis.jpegQuality ?? 80,
                threads: 1),
            prices: prices, ledger: ledger, maxFrameAge: max(interval * 2, 30), systemInstruction: gemini.systemPrompt, logger: logger)
        await SourceSampler.waitForFrames(captures, timeout: (configuration?.capture.openTimeoutSeconds ?? 10) + 5)
        var failures = 0
        for index in 1...frames {
            if index > 1 { try await Task.sleep(for: .seconds(interval)) }
            switch await pipeline.analyze(source, captures: captures) {
            case .imageFailed(let error):
                printError("vigil analyze: sample \(index): cannot make the image: \(error)")
                failures += 1
            case .noFrame, .held:
                printError("vigil analyze: sample \(index): no picture from \(urls.map(\.redacted).joined(separator: ", "))")
                failures += 1
            case .completed(let analysis):
                if analysis.outcome.verdicts == nil { failures += 1 }
                print(
                    AnalyzeOutput.render(
                        index: index, image: analysis.sample.image, outcome: analysis.outcome, urls: urls, json: format == .json))
            }
        }
        for capture in captures { await capture.stop() }
        if let ledger { _ = await ledger.close() }
        if failures == frames { throw ExitCode(ExitStatus.unavailable) }
    }
}

/// How `vigil analyze` prints a result.
enum AnalyzeOutput {
    static func render(index: Int, image: SampledImage, outcome: AnalysisOutcome, urls: [StreamURL], json: Bool) -> String {
        let usage = outcome.attempts.last?.usage ?? .none
        if json {
            let verdicts = (outcome.verdicts ?? []).map { verdict in
                JSONNode.object(pairs: [
                    ("camera", .string(verdict.cameraID)), ("incident_detected", .bool(verdict.incidentDetected)),
                    ("incident_type", .string(verdict.incidentType)),
                    ("confidence", verdict.confidence.map { JSONNode(.number($0), line: 0) } ?? .null),
                    ("description", .string(verdict.description)),
                ])
            }
            let node = JSONNode.object(pairs: [
                ("sample", .number(index)), ("image", .string("\(image.width)x\(image.height)")), ("jpeg_bytes", .number(image.jpeg.count)),
                ("success", .bool(outcome.verdicts != nil)), ("error", outcome.failure.map { .string("\($0)") } ?? .null),
                ("attempts", .number(outcome.attempts.count)), ("verdicts", .array(verdicts)),
                (
                    "token_usage",
                    .object(pairs: [
                        ("prompt", .number(usage.promptTokens)), ("cached", .number(usage.cachedTokens)),
                        ("output", .number(usage.candidatesTokens)),
                        ("thoughts", .number(usage.thoughtsTokens)), ("tool_use", .number(usage.toolUsePromptTokens)),
                        ("total", .number(usage.totalTokens)), ("image", .number(usage.imageTokens)), ("estimated", .bool(usage.estimated)),
                        ("model_version", usage.modelVersion.map(JSONNode.string) ?? .null),
                    ])
                ),
            ])
            return node.serializedString
        }
        var out = "sample \(index): \(image.width)x\(image.height) image, \(image.jpeg.count) bytes, \(outcome.attempts.count) attempt(s)\n"
        if let verdicts = outcome.verdicts {
            for verdict in verdicts {
                let flag = verdict.incidentDetected ? "INCIDENT \(verdict.incidentType)" : "no incident"
                out += "  \(verdict.cameraID): \(flag) (confidence \(verdict.confidence ?? "?")) — \(verdict.description)\n"
            }
        } else if let failure = outcome.failure {
            out += "  FAILED: \(failure)\n"
        }
        out +=
            "  token_usage: prompt=\(usage.promptTokens) cached=\(usage.cachedTokens) output=\(usage.candidatesTokens) thoughts=\(usage.thoughtsTokens) total=\(usage.totalTokens)\(usage.estimated ? " (estimated)" : "")"
        return out
    }
}
