import Configuration
import Logging
import LodestoneDomain
import LodestoneStore
import ServiceLifecycle

/// Marks payment intents expired once their time passes.
struct IntentExpiryService: Service {
    let store: any Store
    let now: @Sendable () -> Int64
    let logger: Logger

    func run() async throws {
        // Shutdown cancels the sleep; that is the normal way out, not a failure.
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: .seconds(5))
                do {
                    let expired = try await store.expirePaymentIntents(now: now())
                    for intent in expired {
                        logger.info("payment intent expired", metadata: ["payment_intent.id": "\(intent.id)"])
                    }
                } catch {
                    logger.error("expiring payment intents failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

/// Applies confirmation thresholds from the config file whenever the file changes.
struct ThresholdFileWatcher: Service {
    let reader: ConfigReader
    let registry: AssetRegistry
    let store: any Store
    let now: @Sendable () -> Int64
    let logger: Logger

    func run() async throws {
        do {
            try await watch()
        } catch is CancellationError {
            return
        }
    }

    func watch() async throws {
        try await cancelWhenGracefulShutdown {
            try await reader.watchSnapshot { updates in
                for await snapshot in updates {
                    do {
                        try await ThresholdSync.apply(
                            LodestoneConfiguration.fileConfirmations(snapshot, assets: await registry.all()), registry: registry, store: store, now: now())
                    } catch {
                        logger.error("applying thresholds from the config file failed", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }
}
