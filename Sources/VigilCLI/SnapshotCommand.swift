import ArgumentParser

/// `vigil snapshot`: the exact image that would be sent to Gemini.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Write the JPEG that would be sent to Gemini for one camera or a 2x2 group.",
        discussion: """
        Prints the image size, its bytes and the decode mode used.

        Examples:
          vigil snapshot --source rtsp://cam.local/stream1 --output front.jpg
          vigil snapshot --source rtsp://a/1 --source rtsp://b/1 --source rtsp://c/1 --source rtsp://d/1 --output site.jpg
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sources: SourceOptions

    @Option(help: ArgumentHelp("Where to write the JPEG.", valueName: "FILE.jpg"))
    var output: String

    func run() async throws {
        try notAvailableYet("vigil snapshot")
    }
}
