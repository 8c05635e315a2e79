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
        .executableTarget(
            name: "LodestoneCLI",
            dependencies: [
                "LodestoneCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
            dependencies: ["LodestoneCore", "CDerivationBaseline"],
            path: "Benchmarks/LodestoneBench",
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
