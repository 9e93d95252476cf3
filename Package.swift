// swift-tools-version:6.1
import PackageDescription

/// Settings every Swift target shares: Swift 6 language mode, and imports that are internal unless
/// a module says otherwise, so no C type can leak out of the adapter that owns its library.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["VigilCLI"]),
        .executable(name: "vigil-bench", targets: ["VigilBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        // MARK: C libraries: one system-library target each, imported by exactly one adapter.
        .systemLibrary(
            name: "CFFmpeg",
            path: "Sources/CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CSystemd",
            path: "Sources/CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            path: "Sources/CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CCairo",
            path: "Sources/CCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]
        ),

        // MARK: The core: the shared vocabulary (configuration, domain types, money, JSON, concurrency helpers). No C.
        .target(
            name: "VigilCore",
            dependencies: [],
            swiftSettings: strictSettings
        ),

        // MARK: Billing: price book, cost, invoice and usage-report math and their rendering. No C.
        .target(
            name: "VigilBilling",
            dependencies: ["VigilCore"],
            swiftSettings: strictSettings
        ),

        // MARK: Adapters, one per C library.
        .target(
            name: "VigilCapture",
            dependencies: ["VigilCore", "CFFmpeg", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilCurl",
            dependencies: ["VigilCore", "CCurl"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilGemini",
            dependencies: ["VigilCore", "VigilCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilStore",
            dependencies: [
                "VigilCore", "VigilBilling", "CLibPQ", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Alerts: rules, cooldowns, camera health, and the webhook and e-mail channels.
        .target(
            name: "VigilAlerts",
            dependencies: [
                "VigilCore", "VigilCurl", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Documents: invoices and credit notes as A4 PDF, with cairo and pango.
        .target(
            name: "VigilDocuments",
            dependencies: ["VigilCore", "VigilBilling", "CCairo"],
            swiftSettings: strictSettings
        ),

        .target(
            name: "VigilSystemd",
            dependencies: ["CSystemd"],
            swiftSettings: strictSettings
        ),

        // MARK: The daemon: capture, Gemini and the ledger working together.
        .target(
            name: "VigilService",
            dependencies: [
                "VigilCore", "VigilBilling", "VigilCapture", "VigilGemini", "VigilStore", "VigilAlerts",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilHTTP",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Console: the web console and REST API over PostgreSQL (`vigil serve`).
        .target(
            name: "VigilConsole",
            dependencies: [
                "VigilCore", "VigilBilling", "VigilStore", "VigilDocuments", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: The executable only wires the modules together.
        .executableTarget(
            name: "VigilCLI",
            dependencies: [
                "VigilCore", "VigilBilling", "VigilCapture", "VigilGemini", "VigilStore", "VigilService", "VigilSystemd", "VigilHTTP",
                "VigilDocuments", "VigilAlerts", "VigilConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Benchmarks (run by scripts/bench-*), printing figures beside their references.
        .executableTarget(
            name: "VigilBench",
            dependencies: [
                "VigilCore", "VigilBilling", "VigilCapture", "VigilGemini", "VigilStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Tests: one target per module, and helpers for the real services they use.
        .testTarget(
            name: "VigilCoreTests",
            dependencies: ["VigilCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilTestSupport",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            path: "Tests/VigilTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilCaptureTests",
            dependencies: ["VigilCapture", "VigilCore", "VigilTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilBillingTests",
            dependencies: ["VigilBilling", "VigilStore", "VigilCore", "VigilGemini", "VigilTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilServiceTests",
            dependencies: ["VigilCore", "VigilCapture", "VigilStore", "VigilService", "VigilHTTP", "VigilAlerts", "VigilTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilGeminiTests",
            dependencies: ["VigilGemini", "VigilCurl", "VigilCore", "VigilTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilAlertsTests",
            dependencies: ["VigilAlerts", "VigilCurl", "VigilCore", "VigilTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilDocumentsTests",
            dependencies: ["VigilDocuments", "VigilBilling", "VigilCore", "VigilTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilConsoleTests",
            dependencies: [
                "VigilConsole", "VigilCore", "VigilBilling", "VigilStore", "VigilTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilStoreTests",
            dependencies: ["VigilStore", "VigilBilling", "VigilCore", "VigilTestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)
