// swift-tools-version:6.2
// Squawk: Infinite Flight Live API → flight-status webhooks.
//
// Module boundaries follow ../shared/DESIGN.md; dependency arrows point down only:
//   squawk → SquawkApp → SquawkServer → (SquawkStore, SquawkLiveAPI, SquawkFLS, SquawkSimulator)
//   SquawkSQLite / SquawkPostgres → SquawkStore → SquawkCore
//   SquawkLiveAPI / SquawkFLS → SquawkHTTP → CCurl ;  SquawkLiveAPI / SquawkFLS → SquawkCore
// SquawkCore depends on nothing that does IO.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "squawk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "squawk", targets: ["squawk"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // MARK: - Upstream half
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "SquawkHTTP",
            dependencies: ["CCurl"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SquawkCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Resources/AIRPORTS-LICENSE.txt"],
            resources: [.copy("Resources/airports.tsv")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SquawkLiveAPI",
            dependencies: ["SquawkHTTP", "SquawkCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SquawkFLS",
            dependencies: [
                "SquawkHTTP", "SquawkCore",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SquawkSimulator",
            dependencies: [
                "SquawkCore", "SquawkHTTP", "SquawkLiveAPI", "SquawkFLS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: - Storage
        .target(
            name: "SquawkStore",
            dependencies: ["SquawkCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SquawkSQLite",
            dependencies: [
                "SquawkStore", "SquawkCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the outbox's per-delivery statements (DirectStatement.swift).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "CSQLiteConfig",
            ],
            swiftSettings: swiftSettings
        ),
        // sqlite3_config (variadic, so out of Swift's reach): process-wide SQLite settings.
        .target(name: "CSQLiteConfig", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "SquawkPostgres",
            dependencies: [
                "SquawkStore", "SquawkCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: - Service
        .target(
            name: "SquawkServer",
            dependencies: [
                "SquawkCore", "SquawkStore", "SquawkHTTP", "SquawkLiveAPI", "SquawkFLS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [.embedInCode("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        // The web console (/console): server-rendered pages over the same API handlers.
        .target(
            name: "SquawkConsole",
            dependencies: [
                "SquawkCore", "SquawkStore", "SquawkServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SquawkApp",
            dependencies: [
                "SquawkCore", "SquawkHTTP", "SquawkLiveAPI", "SquawkFLS", "SquawkSimulator",
                "SquawkStore", "SquawkSQLite", "SquawkPostgres", "SquawkServer", "SquawkConsole",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmarks behind `squawk bench`, apart from the service's own code.
        .target(
            name: "SquawkBenchmarks",
            dependencies: [
                "SquawkCore", "SquawkHTTP", "SquawkLiveAPI", "SquawkFLS", "SquawkSimulator",
                "SquawkStore", "SquawkSQLite", "SquawkPostgres", "SquawkServer", "SquawkConsole",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "squawk",
            dependencies: [
                "SquawkApp", "SquawkBenchmarks", "SquawkCore", "SquawkHTTP", "SquawkServer", "SquawkSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: - Tests
        .target(
            name: "SquawkTesting",
            dependencies: [
                "SquawkCore", "SquawkHTTP", "SquawkStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkHTTPTests",
            dependencies: ["SquawkHTTP", "SquawkTesting",
                           .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkLiveAPITests",
            dependencies: ["SquawkLiveAPI", "SquawkTesting"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkSimulatorTests",
            dependencies: ["SquawkSimulator", "SquawkLiveAPI", "SquawkTesting",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkFLSTests",
            dependencies: ["SquawkFLS", "SquawkSimulator", "SquawkCore", "SquawkHTTP", "SquawkTesting",
                           .product(name: "Hummingbird", package: "hummingbird")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkCoreTests",
            dependencies: ["SquawkCore", "SquawkTesting"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkSubscriptionsTests",
            dependencies: ["SquawkCore", "SquawkTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkBenchmarksTests",
            dependencies: ["SquawkBenchmarks", "SquawkCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkStoreTests",
            dependencies: ["SquawkStore", "SquawkCore", "SquawkTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkSQLiteTests",
            dependencies: ["SquawkSQLite", "SquawkStore", "SquawkTesting",
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkPostgresTests",
            dependencies: ["SquawkPostgres", "SquawkStore", "SquawkTesting", "SquawkCore",
                           .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkDeliveryTests",
            dependencies: ["SquawkCore", "SquawkTesting"],
            exclude: ["Snapshots"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SquawkServiceTests",
            dependencies: ["SquawkCore", "SquawkServer", "SquawkApp", "SquawkConsole", "SquawkTesting", "SquawkSQLite", "SquawkPostgres", "SquawkStore", "SquawkHTTP",
                           .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Contracts"],
            swiftSettings: swiftSettings
        ),
    ]
)
