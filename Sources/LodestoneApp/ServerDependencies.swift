import Configuration
import Foundation
public import Logging
import LodestoneAPI
public import LodestoneCore
public import LodestoneDomain
public import LodestoneStore

/// Turns configuration plus stored keys into what the API needs.
public enum ServerDependencies {
    /// Name of the sealed seed in the store.
    public static let seedName = "seed"

    /// Failures that stop `serve` with instructions.
    public struct StartupError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Networks that issue from an imported pool, with their warning level.
    public static func addressPools(config: LodestoneConfiguration) -> [NetworkID: Int] {
        var out: [NetworkID: Int] = [:]
        for (network, settings) in config.networks where settings.enabled && settings.addressPool { out[network] = settings.poolLowWater }
        return out
    }

    /// Derivers for every enabled network not issuing from a pool: watch-only from configured
    /// xpubs, the seed otherwise.
    public static func issuer(config: LodestoneConfiguration, store: any Store, passphrase: String?, logger: Logger)
        async throws -> AddressIssuer
    {
        var derivers: [NetworkID: AddressDeriver] = [:]
        var seed: SecretBytes? = nil
        for network in NetworkID.allCases {
            // A pooled network never derives here: the seed is not even opened for it.
            guard let settings = config.networks[network], settings.enabled, !settings.addressPool else { continue }
            if let xpub = settings.xpub {
                derivers[network] = try NetworkKeys.watchOnlyDeriver(
                    network: network, script: settings.script, account: settings.account, extendedKey: xpub)
                continue
            }
            if seed == nil { seed = try await openSeed(store: store, passphrase: passphrase, needFor: network, logger: logger) }
            let scheme = try DerivationScheme(network: network, script: settings.script, account: settings.account)
            derivers[network] = try AddressDeriver(scheme: scheme, seed: seed!)
        }
        return AddressIssuer(derivers: derivers)
    }

    static func openSeed(store: any Store, passphrase: String?, needFor network: NetworkID, logger: Logger) async throws
        -> SecretBytes
    {
        guard let sealed = try await store.sealedKey(name: seedName) else {
            throw StartupError(description: """
                network \(network) needs the HD seed, and this database has none. Run `lodestone keys init` \
                (or configure networks.\(network).xpub for watch-only, or disable the network).
                """)
        }
        guard let passphrase, !passphrase.isEmpty else {
            throw StartupError(description: "set LODESTONE_SEED_PASSPHRASE to open the seed sealed in the database")
        }
        let (seed, development) = try KeyVault.open(sealed, passphrase: passphrase)
        if development {
            logger.warning("DEVELOPMENT WALLET: this seed was created for development; never send real funds to its addresses")
        }
        return seed
    }

    /// Built-in assets of the enabled networks, with file thresholds synchronised and API overrides applied.
    /// Refuses to start when an asset's decimals differ from those its history was recorded with.
    public static func assets(config: LodestoneConfiguration, store: SQLStore, now: Int64) async throws -> AssetRegistry {
        let changed = try await store.recordAssetDefinitions(config.enabledAssets, now: now)
        guard changed.isEmpty else {
            throw StartupError(
                description: changed.map {
                    "assets.\($0.asset.id).decimals: \($0.asset.decimals) differs from the \($0.recorded) its recorded deposits and balances are written in; an asset's decimals cannot change (define the token under a new symbol)"
                }.joined(separator: "\n"))
        }
        let registry = AssetRegistry(assets: config.enabledAssets)
        let overrides = try await store.assetConfirmationOverrides()
        for (id, threshold) in overrides { await registry.setThreshold(threshold, assetID: id) }
        try await ThresholdSync.apply(config.fileConfirmations, registry: registry, store: store, now: now)
        return registry
    }

}

/// Applies thresholds from the config file: a value takes effect when it differs from the value
/// the file had when last applied, so a later API change survives restarts until the file changes.
public enum ThresholdSync {
    /// Applies changed file thresholds to the registry and the store (audited as `config-file`).
    public static func apply(_ file: [String: ConfirmationThreshold], registry: AssetRegistry, store: any Store, now: Int64) async throws {
        let applied = try await store.appliedFileThresholds()
        for (id, threshold) in file.sorted(by: { $0.key < $1.key }) where applied[id] != threshold {
            guard let current = await registry.asset(id: id)?.threshold else { continue }
            try await store.applyFileThreshold(assetID: id, threshold: threshold, previous: current, now: now)
            await registry.setThreshold(threshold, assetID: id)
        }
    }
}
