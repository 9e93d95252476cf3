import ArgumentParser
import VigilCore

/// `--source` options: RTSP URLs or video files, up to four (tiled 2x2 when four).
struct SourceOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "An RTSP URL or a video file; repeat up to 4 times (4 are tiled 2x2).",
            valueName: "URL_OR_FILE"))
    var source: [String] = []

    func validate() throws {
        guard !source.isEmpty else { throw ValidationError("give at least one --source") }
        guard source.count <= 4 else { throw ValidationError("at most 4 sources (a 2x2 tile), got \(source.count)") }
        for (index, text) in source.enumerated() {
            do {
                _ = try StreamURL.parse(text)
            } catch {
                throw ValidationError("--source #\(index + 1) \(error.message)")
            }
        }
    }

    /// The parsed sources (validated).
    var urls: [StreamURL] { source.compactMap { try? StreamURL.parse($0) } }
}
