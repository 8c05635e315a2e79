import Foundation
import AsyncHTTPClient
public import Logging
import LodestoneChains
public import LodestoneCore
public import LodestoneDomain
import LodestoneRPC
public import LodestoneStore
public import LodestoneWatcher

/// Builds a network's scanner (its chain source, watch list and settings) from the configuration,
/// for `serve` and for the repair commands alike. Networks of one family share one watch list.
public struct ScannerFactory: Sendable {
    let config: LodestoneConfiguration
    let store: SQLStore
    let registry: AssetRegistry
    let now: @Sendable () -> Int64
    let logger: Logger
    let watchLists: [ChainFamily: [DeploymentEnvironment: AddressWatchList]]

    /// A factory over `store`.
    public init(config: LodestoneConfiguration, store: SQLStore, registry: AssetRegistry, now: @escaping @Sendable () -> Int64, logger: Logger) {
        self.config = config
        self.store = store
        self.registry = registry
        self.now = now
        self.logger = logger
        var lists: [ChainFamily: [DeploymentEnvironment: AddressWatchList]] = [:]
        for family in ChainFamily.allCases {
            for environment in DeploymentEnvironment.allCases {
                lists[family, default: [:]][environment] = AddressWatchList(family: family, environment: environment, directory: store)
            }
        }
        watchLists = lists
    }

    /// The chain source of `network`; nil when it is disabled or has no endpoints.
    public func source(for network: NetworkID) async -> (any ChainSource)? {
        guard let settings = config.networks[network], settings.enabled, !settings.rpc.isEmpty else { return nil }
        let assets = await registry.all().filter { $0.network == network }
        guard let native = assets.first(where: \.isNative) else { return nil }
        let client = NodeClient(
            network: network.rawValue,
            endpoints: settings.rpc.map {
                RPCEndpoint(url: $0, requestsPerSecond: Double(settings.rpcRequestsPerSecond), cookieFile: settings.rpcCookieFile)
            }, http: .shared,
            logger: logger)
        let maxHeadAge = settings.maxHeadAgeSeconds.map(Int64.init)
        switch network.family {
        case .evm:
            return EVMSource(
                network: network, client: client, nativeAssetID: native.id, tokens: TokenContracts.byAccount(assets),
                maxHeadAgeSeconds: maxHeadAge ?? 120, now: now, logger: logger)
        case .tron:
            return TronSource(
                network: network, client: client, nativeAssetID: native.id, tokens: TokenContracts.byAccount(assets), maxHeadAgeSeconds: maxHeadAge ?? 120,
                now: now, logger: logger)
        case .bitcoin:
            return BitcoinSource(network: network, client: client, assetID: native.id, maxHeadAgeSeconds: maxHeadAge, now: now, logger: logger)
        case .solana:
            var mints: [String: String] = [:]
            for asset in assets { if let mint = asset.contract { mints[mint] = asset.id } }
            guard let genesis = settings.genesisHash ?? SolanaSource.genesisHash(of: network) else { return nil }
            return SolanaSource(
                network: network, client: client, nativeAssetID: native.id, mints: mints, genesisHash: genesis,
                maxHeadAgeSeconds: maxHeadAge, now: now, logger: logger)
        }
    }

    /// The scanner of `network`; nil when it is disabled or has no endpoints.
    public func scanner(for network: NetworkID, progress: ScanProgressBoard? = nil) async -> NetworkScanner? {
        guard let settings = config.networks[network], let watchList = watchLists[network.family]?[network.environment],
            let source = await source(for: network)
        else { return nil }
        let assets = await registry.all().filter { $0.network == network }
        var scan = ScanSettings()
        scan.blocksPerStep = Int64(settings.blocksPerStep)
        scan.pollInterval = .seconds(settings.pollSeconds)
        scan.startBlock = settings.startBlock
        scan.finality = FinalityTag(rawValue: settings.finality)
        scan.recheckDepth = settings.recheckDepth > 0 ? Int64(settings.recheckDepth) : nil
        // Bitcoin block answers hold every output: there is no incomplete log to read again.
        if network.family == .bitcoin { scan.recheckDepth = nil }
        scan.watchMempool = settings.watchMempool
        scan.tokensToVerify = assets.filter { config.operatorAssets.contains($0.id) }
        scan.countedAssets = config.countedAssets.intersection(assets.map(\.id))
        // Senders are compared as 20-byte accounts, the form transfers name them in (Tron drops its 0x41).
        scan.internalSenders = Set(settings.internalSenders.map { Array($0.matchKey.suffix(20)) })
        return NetworkScanner(
            source: source, store: store, watchList: watchList, assets: registry, minimums: config.minimums, settings: scan, now: now,
            logger: logger, progress: progress)
    }
}
