import ArgumentParser
import Foundation
import VigilCapture
import VigilCore

/// `vigil snapshot`: the exact image that would be sent to Gemini.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Write the JPEG that would be sent to Gemini for one camera or a 2x2 group.",
        discussion: """
            Opens each source, waits for its first keyframe, and writes the image Vigil would send: one \
            camera scaled so its longer side is --max-side, or four cameras tiled 2x2 in the order given \
            (top-left, top-right, bottom-left, bottom-right). Prints the image size, its bytes and the \
            decode mode used. A source with no picture within --timeout leaves its quadrant dark.

            Examples:
              vigil snapshot --source rtsp://cam.local/stream1 --output front.jpg
              vigil snapshot --source rtsp://a/1 --source rtsp://b/1 --source rtsp://c/1 --source rtsp://d/1 --output site.jpg
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sources: SourceOptions

    @Option(help: ArgumentHelp("Where to write the JPEG.", valueName: "FILE.jpg"))
    var output: String

    @Option(help: "Longer side of one camera's picture (a 2x2 image is twice as wide).")
    var maxSide: Int = 768

    @Option(help: "JPEG quality, 1 to 100.")
    var quality: Int = 80

    @Option(help: "Seconds to wait for the pictures.")
    var timeout: Double = 15

    @Option(help: "RTSP transport: tcp or udp.")
    var transport: CaptureConfiguration.Transport = .tcp

    func validate() throws {
        guard sources.source.count == 1 || sources.source.count == 4 else {
            throw ValidationError("give one --source, or four for a 2x2 tile (got \(sources.source.count))")
        }
        guard (64...4096).contains(maxSide) else { throw ValidationError("--max-side must be 64 to 4096") }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1 to 100") }
    }

    func run() async throws {
        let urls = sources.urls
        let logger = global.bootstrapLogging(secrets: urls.flatMap(\.secrets))
        let image = try await SourceSampler.sampleOnce(
            urls, maxSide: maxSide, quality: quality, timeout: timeout,
            transport: transport, logger: logger)
        if image.isEmpty {
            let files = urls.allSatisfy(\.isFile)
            printError("vigil snapshot: no source gave a picture\(files ? "" : " within \(Int(timeout)) s"); nothing written")
            throw ExitCode(ExitStatus.unavailable)
        }
        guard FileManager.default.createFile(atPath: output, contents: Data(image.jpeg)) else {
            printError("vigil snapshot: cannot write \(output)")
            throw ExitCode(ExitStatus.failure)
        }
        let modes = Set(image.parts.map(\.decodeMode.rawValue)).sorted().joined(separator: ", ")
        print("wrote \(output): \(image.width)x\(image.height), \(image.jpeg.count) bytes, decode mode \(modes)")
        for (index, part) in image.parts.enumerated() {
            let position = image.parts.count == 4 ? ["top-left", "top-right", "bottom-left", "bottom-right"][index] + " " : ""
            let detail =
                part.present ? "\(part.frameSize ?? "?") frame, \(String(format: "%.2f", part.age ?? 0)) s old" : "NO PICTURE (dark)"
            print("  \(position)\(urls[index].redacted): \(detail)")
        }
    }
}

extension CaptureConfiguration.Transport: ExpressibleByArgument {}
