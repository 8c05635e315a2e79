import Configuration
import Foundation
import LodestoneApp
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import Logging
import Testing

/// The server built from the shipped configuration keeps no private key of a secp256k1 network.
@Suite struct PublicKeysOnlyTests {
    /// Type names of everything reachable from `value` (stored properties, enum payloads, collections).
    static func reachableTypes(_ value: Any, depth: Int = 0) -> [String] {
        guard depth < 12 else { return [] }
        let mirror = Mirror(reflecting: value)
        var out = [String(reflecting: type(of: value))]
        for child in mirror.children { out += reachableTypes(child.value, depth: depth + 1) }
        return out
    }

    @Test func theShippedConfigDerivesSecp256k1AddressesFromPublicKeysAlone() async throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/lodestone.yaml").path
        let logger = { var l = Logger(label: "test"); l.logLevel = .critical; return l }()
        let (reader, _) = try await ConfigLoading.reader(path: path, overrides: [:], logger: logger)
        let config = try LodestoneConfiguration.load(reader)
        #expect(NetworkID.allCases.allSatisfy { config.networks[$0]?.xpub == nil }, "the shipped config should need the seed")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestone-pk-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let issuer = try await DatabaseLocation.with("sqlite://\(dir)/db.sqlite", sealer: .random(), logger: logger) { store in
            try await store.migrate()
            let seed = try BIP39.seed(mnemonic: TestMnemonic.abandon)
            try await store.storeSealedKey(
                name: ServerDependencies.seedName, sealed: try KeyVault.seal(seed, passphrase: "correct horse battery", development: true),
                now: 0)
            return try await ServerDependencies.issuer(config: config, store: store, passphrase: "correct horse battery", logger: logger)
        }
        #expect(issuer.networks.contains(.ethereum) && issuer.networks.contains(.bitcoin) && issuer.networks.contains(.tron))
        #expect(issuer.networksHoldingPrivateKeys == [.solana])
        // Not only what the type says of itself: nothing reachable from a secp256k1 deriver is a private key.
        for network in issuer.networks where network.family != .solana {
            let types = Self.reachableTypes(issuer.deriver(network) as Any)
            #expect(types.contains { $0.hasSuffix("ExtendedPublicKey") })
            #expect(!types.contains { $0.contains("ExtendedPrivateKey") || $0.contains("SecretBytes") }, "\(network): \(types)")
        }
        let solana = Self.reachableTypes(issuer.deriver(.solana) as Any)
        #expect(solana.contains { $0.contains("SLIP10Ed25519Key") })
        // And the addresses are still the published ones (BIP44 vector for abandon…about).
        #expect(try issuer.derive(network: .ethereum, index: 0).address == "0x9858EfFD232B4033E47d90003D41EC34EcaEda94")
    }
}

enum TestMnemonic {
    static let abandon = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
}
