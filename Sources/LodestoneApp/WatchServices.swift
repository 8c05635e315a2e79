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
    /// One scanner per enabled network with endpoints, plus the webhook deliverer.
    static func make(
        config: LodestoneConfiguration, store: SQLStore, registry: AssetRegistry, now: @escaping @Sendable () -> Int64, logger: Logger,
        progress: ScanProgressBoard
    ) async -> [any Service] {
        var services: [any Service] = []
        var watchLists: [ChainFamily: AddressWatchList] = [:]
        // This instance's name in lease rows: readable for an operator, unique per process.
        let holder = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UInt32.random(in: 0...UInt32.max))"
        for network in NetworkID.allCases {
            guard let settings = config.networks[network], settings.enabled else { continue }
            guard !settings.rpc.isEmpty else {
                logger.notice("network not watched: no rpc endpoints configured", metadata: ["network": "\(network)"])
                continue
            }
            let assets = await registry.all().filter { $0.network == network }
            guard let native = assets.first(where: \.isNative) else { continue }
            let client = NodeClient(
                network: network.rawValue,
                endpoints: settings.rpc.map {
                    RPCEndpoint(url: $0, requestsPerSecond: Double(settings.rpcRequestsPerSecond), cookieFile: settings.rpcCookieFile)
                }, http: .shared,
                logger: logger)
            let source: any ChainSource
            let maxHeadAge = settings.maxHeadAgeSeconds.map(Int64.init)
            switch network.family {
            case .evm:
                source = EVMSource(
                    network: network, client: client, nativeAssetID: native.id, tokens: TokenContracts.byAccount(assets),
                    maxHeadAgeSeconds: maxHeadAge ?? 120, now: now, logger: logger)
            case .tron:
                source = TronSource(
                    client: client, nativeAssetID: native.id, tokens: TokenContracts.byAccount(assets), maxHeadAgeSeconds: maxHeadAge ?? 120,
                    now: now, logger: logger)
            case .bitcoin:
                source = BitcoinSource(network: network, client: client, assetID: native.id, maxHeadAgeSeconds: maxHeadAge, now: now, logger: logger)
            case .solana:
                var mints: [String: String] = [:]
                for asset in assets { if let mint = asset.contract { mints[mint] = asset.id } }
                source = SolanaSource(
                    client: client, nativeAssetID: native.id, mints: mints, genesisHash: settings.genesisHash ?? SolanaSource.genesisHashes["mainnet-beta"]!,
                    maxHeadAgeSeconds: maxHeadAge, now: now, logger: logger)
            }
            let family = network.family
            let watchList = watchLists[family] ?? AddressWatchList(family: family, directory: store)
            watchLists[family] = watchList
            var scan = ScanSettings()
            scan.blocksPerStep = Int64(settings.blocksPerStep)
            scan.pollInterval = .seconds(settings.pollSeconds)
            scan.startBlock = settings.startBlock
            scan.finality = FinalityTag(rawValue: settings.finality)
            // Bitcoin block answers hold every output: there is no incomplete log to read again.
            if network.family == .bitcoin { scan.recheckDepth = nil }
            scan.watchMempool = settings.watchMempool
            scan.countedAssets = config.countedAssets.intersection(assets.map(\.id))
            // Senders are compared as 20-byte accounts, the form transfers name them in (Tron drops its 0x41).
            scan.internalSenders = Set(settings.internalSenders.map { Array($0.matchKey.suffix(20)) })
            let scanner = NetworkScanner(
                source: source, store: store, watchList: watchList, assets: registry, minimums: config.minimums, settings: scan, now: now,
                logger: logger, progress: progress)
            // Instances on one PostgreSQL take turns: one scans each network, the others stand by.
            // SQLite has one instance (its file is locked), so a restart scans at once.
            let lease = config.databaseURL.hasPrefix("sqlite://") ? nil : ScanLease(leases: store, holder: holder)
            services.append(GuardedService(name: "scanner \(network)", logger: logger) { try await scanner.run(clock: ContinuousClock(), lease: lease) })
        }
        let deliverer = WebhookDeliverer(
            store: store, egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: config.allowPrivateWebhookURLs)), now: now,
            logger: logger)
        services.append(GuardedService(name: "webhook delivery", logger: logger) { try await deliverer.run() })
        return services
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
