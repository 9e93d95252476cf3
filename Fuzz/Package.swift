// swift-tools-version:6.1
// Vigil's libFuzzer targets: a package of its own, built and run by `scripts/fuzz [SECONDS]` from the
// repository root (see Fuzz/README.md). It is not part of the main package and changes nothing in it.
//
// Why the parsers are compiled here rather than imported: the main package's cross-module API is
// `package` access, which no other package can see, so a package depending on `..` could not call
// `GeminiResponse.parse` or `ConfigurationLoader.parse`. Instead `Sources/VigilCore/VigilCore` and
// `Sources/VigilGemini/VigilGemini` (and `Sources/VigilCurl/VigilCurl`) are symbolic links to the main
// package's source folders, and this package compiles the same files as modules of its own (same
// names, same settings), so the fuzz targets see their `package` API. VigilGemini leaves out its
// libcurl client, and VigilCurl everything that calls libcurl (only `SecondsConversion`, the
// trap-free conversions of delays, is kept): the parsers (`Wire/`, `Verdict/`, `Rules/`) need
// neither C nor swift-log.
//
// Build by hand (scripts/fuzz does this, and checks that the binaries are instrumented):
//   swift build --package-path Fuzz --scratch-path Fuzz/.build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
// `--sanitize=fuzzer` makes SwiftPM leave `main` to libFuzzer; `-Xswiftc -sanitize=fuzzer,address`,
// one flag and the last, instruments every module for both. Not `--sanitize=fuzzer --sanitize=address`:
// SwiftPM passes those as two flags in an order that changes from run to run, swiftc keeps only the
// last, and half the builds had no coverage (the fuzzer ran blind), the other half no AddressSanitizer.
import PackageDescription

/// The main package's settings (its Package.swift), so the linked sources compile exactly as there.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

/// A libFuzzer target: an executable whose only entry point is `LLVMFuzzerTestOneInput`; libFuzzer
/// (linked by `-sanitize=fuzzer`) supplies `main`.
func fuzzTarget(_ name: String, dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: dependencies + ["FuzzSupport"],
        swiftSettings: strictSettings + [.unsafeFlags(["-parse-as-library"])]
    )
}

let package = Package(
    name: "VigilFuzz",
    platforms: [.macOS(.v15)],
    targets: [
        // MARK: The main package's modules, compiled from its sources through the links.
        .target(name: "VigilCore", swiftSettings: strictSettings),
        .target(
            name: "VigilCurl",
            dependencies: ["VigilCore"],
            exclude: [
                "VigilCurl/CurlEasy.swift", "VigilCurl/CurlMail.swift", "VigilCurl/HTTPTransport.swift", "VigilCurl/MailTransport.swift",
                "VigilCurl/HTTPResponse.swift", "VigilCurl/TransportError.swift",
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilGemini",
            dependencies: ["VigilCore", "VigilCurl"],
            exclude: ["VigilGemini/Client"],
            swiftSettings: strictSettings
        ),

        // MARK: What every target shares: input, invariants, repeatable random numbers.
        .target(name: "FuzzSupport", swiftSettings: strictSettings),

        // MARK: The targets; each has a seed corpus in Corpus/<name>/ and a dictionary in Dictionaries/<name>.dict.
        fuzzTarget("FuzzGeminiResponse", dependencies: ["VigilCore", "VigilGemini"]),
        fuzzTarget("FuzzVerdict", dependencies: ["VigilCore", "VigilGemini"]),
        fuzzTarget("FuzzGeminiError", dependencies: ["VigilCore", "VigilCurl", "VigilGemini"]),
        fuzzTarget("FuzzConfiguration", dependencies: ["VigilCore"]),
    ]
)
