import ArgumentParser

/// `vigil analyze`: a one-off analysis of a stream or a video file.
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Sample a stream or video, ask Gemini, print the verdicts and token usage.",
        discussion: """
        Samples N frames (or N 2x2 tiles from four sources), one analysis interval apart, and records \
        each call as an api_usage row under --client when a database is configured.

        Examples:
          vigil analyze --source rtsp://cam.local/stream1 --frames 3
          vigil analyze --source yard.mp4 --format json
          vigil analyze --source rtsp://a/1 --source rtsp://b/1 --source rtsp://c/1 --source rtsp://d/1
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sources: SourceOptions

    @Option(help: "How many samples to analyse.")
    var frames: Int = 1

    @Option(help: ArgumentHelp("Record usage under this client id.", valueName: "ID"))
    var client: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func validate() throws {
        guard (1...1000).contains(frames) else { throw ValidationError("--frames must be 1 to 1000") }
    }

    func run() async throws {
        try notAvailableYet("vigil analyze")
    }
}
