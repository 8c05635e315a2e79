// swift-tools-version:6.2
import PackageDescription

// Every target gets the same settings: Swift 6 mode plus the upcoming features that keep
// imports and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Lodestone",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lodestone", targets: ["LodestoneCLI"]),
        .executable(name: "lodestone-bench", targets: ["LodestoneBench"]),
        .library(name: "LodestoneCore", targets: ["LodestoneCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML", "Reloading"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Debian's libsecp256k1 (libsecp256k1-dev); never vendored.
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        // The system OpenSSL's libcrypto, used for RIPEMD-160 only.
        .systemLibrary(
            name: "COpenSSLCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // Pure derivation core: mnemonics, HD keys, address codecs, amounts. No I/O.
        .target(
            name: "LodestoneCore",
            dependencies: [
                "CSecp256k1",
                "COpenSSLCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: swiftSettings
        ),
        // Customers, addresses, intents, deposits, assets: plain values and state rules. No I/O.
        .target(
            name: "LodestoneDomain",
            dependencies: [
                "LodestoneCore", .product(name: "BigInt", package: "BigInt"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Persistence: one Store protocol, one SQL implementation, SQLite and PostgreSQL backends.
        .target(
            name: "LodestoneStore",
            dependencies: [
                "LodestoneCore",
                "LodestoneDomain",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Chain adapters: JSON-RPC responses into typed observations.
        .target(
            name: "LodestoneChains",
            dependencies: ["LodestoneCore", .product(name: "BigInt", package: "BigInt")],
            swiftSettings: swiftSettings
        ),
        // Node access: JSON-RPC and HTTP calls over several endpoints with failover, limits and retries.
        .target(
            name: "LodestoneRPC",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Watching: chain scanners, the confirmation tracker, webhook delivery.
        .target(
            name: "LodestoneWatcher",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                "LodestoneCore",
                "LodestoneDomain",
                "LodestoneStore",
                "LodestoneChains",
                "LodestoneRPC",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP API (Hummingbird 2): routes, auth, rate limits, the OpenAPI document.
        .target(
            name: "LodestoneAPI",
            dependencies: [
                "LodestoneCore",
                "LodestoneDomain",
                "LodestoneStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        // Composition root: configuration, key vault, services, the running server.
        .target(
            name: "LodestoneApp",
            dependencies: [
                "LodestoneCore",
                "LodestoneDomain",
                "LodestoneStore",
                "LodestoneAPI",
                "LodestoneRPC",
                "LodestoneWatcher",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "LodestoneCLI",
            dependencies: [
                "LodestoneCore",
                "LodestoneDomain",
                "LodestoneStore",
                "LodestoneRPC",
                "LodestoneWatcher",
                "LodestoneAPI",
                "LodestoneApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LodestoneCoreTests",
            dependencies: ["LodestoneCore", .product(name: "BigInt", package: "BigInt")],
            swiftSettings: swiftSettings
        ),
        // Benchmarks print figures; they never assert timings.
        .target(
            name: "CDerivationBaseline",
            path: "Benchmarks/CDerivationBaseline",
            linkerSettings: [.linkedLibrary("secp256k1"), .linkedLibrary("crypto")]
        ),
        .executableTarget(
            name: "LodestoneBench",
            dependencies: ["LodestoneCore", "LodestoneChains", "LodestoneDomain", "CDerivationBaseline"],
            path: "Benchmarks/LodestoneBench",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "LodestoneCore", "LodestoneDomain", "LodestoneStore", .product(name: "BigInt", package: "BigInt"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LodestoneDomainTests",
            dependencies: ["TestSupport", "LodestoneCore", "LodestoneDomain", .product(name: "BigInt", package: "BigInt")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LodestoneWatcherTests",
            dependencies: [
                "TestSupport", "LodestoneCore", "LodestoneDomain", "LodestoneStore", "LodestoneChains", "LodestoneRPC",
                "LodestoneWatcher",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LodestoneChainsTests",
            dependencies: ["LodestoneChains", "LodestoneCore", .product(name: "BigInt", package: "BigInt")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LodestoneStoreTests",
            dependencies: [
                "TestSupport", "LodestoneCore", "LodestoneDomain", "LodestoneStore", .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LodestoneAPITests",
            dependencies: [
                "TestSupport", "LodestoneCore", "LodestoneDomain", "LodestoneStore", "LodestoneAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LodestoneAppTests",
            dependencies: [
                "LodestoneApp", "LodestoneCore", "LodestoneDomain", "LodestoneStore",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Runs the built `lodestone` binary as a user would.
        .testTarget(
            name: "LodestoneCLITests",
            dependencies: ["LodestoneCLI"],
            swiftSettings: swiftSettings
        ),
    ]
)
