import Logging
public import LodestoneDomain
public import LodestoneStore
import ServiceLifecycle

/// Keeps what instances on one database share in step: thresholds changed on another instance (by
/// `PATCH /v1/assets/{id}` or its config file) reach this one's registry within `interval`, and
/// rate windows that are over are forgotten. API key revocations need nothing here: known keys are
/// cached for two seconds only.
struct SharedStateRefresh: Service {
    let store: SQLStore
    let registry: AssetRegistry
    let interval: Duration
    let rateWindowSeconds: Int
    let now: @Sendable () -> Int64
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var lastCleanup = now()
            while !Task.isCancelled {
                do {
                    for id in try await ThresholdRefresh.apply(store: store, registry: registry) {
                        logger.info("threshold changed by another instance applied", metadata: ["asset": "\(id)"])
                    }
                    if now() - lastCleanup > 60_000 {
                        try await store.forgetRateWindows(before: now() / 1000 - Int64(2 * rateWindowSeconds))
                        lastCleanup = now()
                    }
                } catch {
                    logger.warning("cannot refresh the shared settings", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}

/// Brings a registry's thresholds in line with the database's (what another instance changed).
public enum ThresholdRefresh {
    /// Applies the stored thresholds that differ from the registry's; returns the assets changed.
    public static func apply(store: SQLStore, registry: AssetRegistry) async throws -> [String] {
        var changed: [String] = []
        for (id, threshold) in try await store.assetConfirmationOverrides().sorted(by: { $0.key < $1.key }) {
            guard let current = await registry.asset(id: id)?.threshold, current != threshold else { continue }
            await registry.setThreshold(threshold, assetID: id)
            changed.append(id)
        }
        return changed
    }
}
