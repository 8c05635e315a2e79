import Configuration
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
        var overrides: [String: ConfigValue] = [:]
        if let databaseURL { overrides["database.url"] = ConfigValue(.string(databaseURL), isSecret: true) }
        let (reader, _) = try await ConfigLoading.reader(path: configPath, overrides: overrides, logger: logger)
        let config = try LodestoneConfiguration.load(reader)
        guard let settings = config.networks[network], settings.enabled else {
            throw Problem(description: "--network: \(network) is not enabled in the configuration")
        }
        guard !settings.rpc.isEmpty else { throw Problem(description: "--network: \(network) has no rpc endpoints configured") }
        let sealer = try DataKey.sealer(
            environmentKey: reader.string(forKey: "data_key", isSecret: true), configuredFile: config.dataKeyFile,
            databaseURL: config.databaseURL, logger: logger)
        let enabled = NetworkID.allCases.filter { config.networks[$0]?.enabled == true }
        return try await DatabaseLocation.with(config.databaseURL, sealer: sealer, logger: logger) { store in
            try await store.migrate()
            // Recording needs assets and minimums, never thresholds: crediting stays with `serve`.
            let registry = AssetRegistry(assets: enabled.flatMap(AssetCatalog.defaults(for:)))
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
