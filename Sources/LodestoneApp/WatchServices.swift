import AsyncHTTPClient
import Foundation
import Logging
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneStore
import LodestoneWatcher
import ServiceLifecycle

/// Builds the chain scanners and the webhook deliverer of a configuration, as services.
enum WatchServices {
    /// Whether `network` is watched under `config`: enabled, with endpoints configured.
    static func isWatched(_ network: NetworkID, _ config: LodestoneConfiguration) -> Bool {
        guard let settings = config.networks[network] else { return false }
        return settings.enabled && !settings.rpc.isEmpty
    }
    /// One scanner service per enabled network with endpoints, plus the webhook deliverer; the
    /// scanners themselves too, for the repair reads the API runs beside them.
    static func make(
        config: LodestoneConfiguration, store: SQLStore, registry: AssetRegistry, now: @escaping @Sendable () -> Int64, logger: Logger,
        progress: ScanProgressBoard
    ) async -> (services: [any Service], scanners: [NetworkID: NetworkScanner]) {
        var services: [any Service] = []
        // This instance's name in lease rows: readable for an operator, unique per process.
        let holder = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UInt32.random(in: 0...UInt32.max))"
        let factory = ScannerFactory(config: config, store: store, registry: registry, now: now, logger: logger)
        var scanners: [NetworkID: NetworkScanner] = [:]
        for network in NetworkID.allCases {
            guard let settings = config.networks[network], settings.enabled else { continue }
            guard !settings.rpc.isEmpty else {
                logger.notice("network not watched: no rpc endpoints configured", metadata: ["network": "\(network)"])
                continue
            }
            guard let scanner = await factory.scanner(for: network, progress: progress) else { continue }
            scanners[network] = scanner
            // Instances on one PostgreSQL take turns: one scans each network, the others stand by.
            // SQLite has one instance (its file is locked), so a restart scans at once.
            let lease = config.databaseURL.hasPrefix("sqlite://") ? nil : ScanLease(leases: store, holder: holder)
            services.append(GuardedService(name: "scanner \(network)", logger: logger) { try await scanner.run(clock: ContinuousClock(), lease: lease) })
        }
        let deliverer = WebhookDeliverer(
            store: store, egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: config.allowPrivateWebhookURLs)), now: now,
            logger: logger)
        services.append(GuardedService(name: "webhook delivery", logger: logger) { try await deliverer.run() })
        return (services, scanners)
    }
}

/// Runs a long-lived task until shutdown. If it stops with an error (a network refusing to run),
/// the error is logged and the rest of the server keeps running.
struct GuardedService: Service {
    let name: String
    let logger: Logger
    let body: @Sendable () async throws -> Void

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await body() }
        } catch is CancellationError {
            return
        } catch {
            logger.critical("\(name) stopped", metadata: ["error": "\(error)"])
            try? await gracefulShutdown()
        }
    }
}
