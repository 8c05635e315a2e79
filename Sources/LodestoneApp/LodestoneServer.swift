import Configuration
import Foundation
import Hummingbird
public import Logging
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import LodestoneWatcher
import PostgresNIO
import ServiceLifecycle

/// `lodestone serve`: opens the store, migrates, builds the API and runs until SIGTERM/SIGINT.
public enum LodestoneServer {
    /// Flag values that override the file and environment.
    public struct Options: Sendable {
        public var configPath: String?
        public var host: String?
        public var port: Int?
        public var databaseURL: String?
        public init(configPath: String?, host: String?, port: Int?, databaseURL: String?) {
            self.configPath = configPath
            self.host = host
            self.port = port
            self.databaseURL = databaseURL
        }

        var overrides: [String: ConfigValue] {
            var o: [String: ConfigValue] = [:]
            if let host { o["server.host"] = ConfigValue(.string(host), isSecret: false) }
            if let port { o["server.port"] = ConfigValue(.int(port), isSecret: false) }
            if let databaseURL { o["database.url"] = ConfigValue(.string(databaseURL), isSecret: true) }
            return o
        }
    }

    static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Runs the server.
    public static func run(_ options: Options, logger: Logger) async throws {
        let (reader, fileProvider) = try await ConfigLoading.reader(
            path: options.configPath, overrides: options.overrides, logger: logger)
        let config = try LodestoneConfiguration.load(reader)
        let passphrase = reader.string(forKey: "seed_passphrase", isSecret: true)
        let sealer = try DataKey.sealer(
            environmentKey: reader.string(forKey: "data_key", isSecret: true), configuredFile: config.dataKeyFile,
            databaseURL: config.databaseURL, logger: logger)
        // Held until `run` returns: one serve per SQLite file.
        let lock = config.databaseURL.hasPrefix("sqlite://")
            ? try SingleInstanceLock.acquire(sqlitePath: String(config.databaseURL.dropFirst("sqlite://".count))) : nil
        defer { withExtendedLifetime(lock) {} }
        let opened = try await DatabaseLocation.open(config.databaseURL, sealer: sealer, logger: logger)
        logger.info("opening store", metadata: ["database": "\(DatabaseLocation.redacted(config.databaseURL))"])
        do {
            try await serve(config: config, reader: reader, fileProvider: fileProvider, passphrase: passphrase, opened: opened, logger: logger)
        } catch {
            await opened.close()
            throw error
        }
        await opened.close()
    }

    static func serve(
        config: LodestoneConfiguration, reader: ConfigReader, fileProvider: ReloadingFileProvider<YAMLSnapshot>?,
        passphrase: String?, opened: DatabaseLocation.Opened, logger: Logger
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let pg = opened.postgres {
                group.addTask { await pg.client.run() }
                // Let the pool start before the first lease (PostgresNIO warns about leases before run()).
                try await Task.sleep(for: .milliseconds(50))
            }
            defer { group.cancelAll() }
            let store = opened.store
            try await store.migrate()
            // Every webhook secret must open with this data key, or deliveries would fail one by one.
            _ = try await store.webhookEndpoints()
            let issuer = try await ServerDependencies.issuer(config: config, store: store, passphrase: passphrase, logger: logger)
            let registry = try await ServerDependencies.assets(config: config, store: store, now: nowMillis())
            let progress = ScanProgressBoard()
            let (watchServices, scanners) = await WatchServices.make(
                config: config, store: store, registry: registry, now: nowMillis, logger: logger, progress: progress)
            let pools = ServerDependencies.addressPools(config: config)
            let deps = APIDependencies(
                store: store, assets: registry, issuer: issuer,
                networks: (NetworkID.production + NetworkID.allCases.filter { !$0.isMainnet && config.networks[$0]?.enabled == true })
                    .map {
                        NetworkStatus(id: $0, enabled: config.networks[$0]?.enabled == true, watched: WatchServices.isWatched($0, config))
                    },
                // On PostgreSQL the count is the database's: the limit holds across instances.
                limiter: RateLimiter(
                    limit: config.rateLimitRequests, windowSeconds: config.rateLimitWindow, shared: opened.postgres == nil ? nil : store,
                    logger: logger),
                now: nowMillis,
                openAPIDocument: APIResources.openAPIDocument(
                    enabledNetworks: NetworkID.allCases.filter { issuer.networks.contains($0) || pools[$0] != nil }.map(\.rawValue)),
                webhookURLProblem: { [policy = WebhookURLPolicy(allowPrivate: config.allowPrivateWebhookURLs)] url in
                    await HostResolver.system.problem(with: url, policy: policy)
                }, progress: progress, addressPools: pools, transactionChecker: ScannerTransactionChecker(scanners: scanners))
            let (router, _) = APIRouterBuilder.build(deps)
            var services: [any Service] = [IntentExpiryService(store: store, now: nowMillis, logger: logger)]
            if opened.postgres != nil {
                services.append(
                    SharedStateRefresh(
                        store: store, registry: registry, interval: .seconds(2), rateWindowSeconds: config.rateLimitWindow, now: nowMillis,
                        logger: logger))
            }
            services += watchServices
            if let fileProvider {
                services.append(fileProvider)
                services.append(
                    ThresholdFileWatcher(reader: reader, registry: registry, store: store, now: nowMillis, logger: logger))
            }
            if let (host, port) = config.metrics {
                services.append(MetricsEndpoint.application(host: host, port: port, logger: logger))
                services.append(
                    StateGauges(
                        networks: NetworkID.allCases.filter { WatchServices.isWatched($0, config) }, pools: Array(pools.keys), lowWaters: pools,
                        progress: progress,
                        store: store, interval: .seconds(2), now: nowMillis, logger: logger))
                logger.info("metrics served", metadata: ["address": "\(host):\(port)", "path": "/metrics"])
            }
            let app = Application(
                router: router,
                configuration: .init(address: .hostname(config.host, port: config.port), serverName: "lodestone"),
                services: services, logger: logger)
            logger.info(
                "lodestone serving",
                metadata: ["address": "\(config.host):\(config.port)", "networks": "\(issuer.networks.map(\.rawValue).sorted())"])
            try await app.runService()
        }
    }
}

/// Answers `POST /v1/deposits/check` with the scanner of the network asked about.
struct ScannerTransactionChecker: TransactionChecking {
    let scanners: [NetworkID: NetworkScanner]

    func checkTransaction(network: NetworkID, txHash: String, block: Int64?) async throws -> TransactionCheck? {
        guard let scanner = scanners[network] else { return nil }
        return try await scanner.checkTransaction(txHash, inBlock: block)
    }
}
