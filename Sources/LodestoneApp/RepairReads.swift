import Foundation
public import Logging
public import LodestoneCore
import LodestoneDomain
import LodestoneStore
public import LodestoneWatcher

/// Runs a repair read (`lodestone rescan`, `check-tx`) from the command line, beside a running
/// `serve`: the configured endpoints, the configured database, one network's scanner.
public enum RepairReads {
    /// Failures that stop a repair command with a message.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens the configured store and runs `body` with the scanner of `network`.
    public static func withScanner<T: Sendable>(
        configPath: String?, databaseURL: String?, network: NetworkID, logger: Logger, _ body: @Sendable (NetworkScanner) async throws -> T
    ) async throws -> T {
        try await ConfiguredStore.with(configPath: configPath, databaseURL: databaseURL, logger: logger) { config, _, store in
            guard let settings = config.networks[network], settings.enabled else {
                throw Problem(description: "--network: \(network) is not enabled in the configuration")
            }
            guard !settings.rpc.isEmpty else { throw Problem(description: "--network: \(network) has no rpc endpoints configured") }
            // Recording needs assets and minimums, never thresholds: crediting stays with `serve`.
            let registry = AssetRegistry(assets: config.enabledAssets)
            let factory = ScannerFactory(
                config: config, store: store, registry: registry, now: { Int64(Date().timeIntervalSince1970 * 1000) }, logger: logger)
            guard let scanner = await factory.scanner(for: network) else {
                throw Problem(description: "--network: \(network) cannot be scanned with this configuration")
            }
            try await scanner.verify()
            return try await body(scanner)
        }
    }
}
