public import Configuration
import Foundation
public import LodestoneCore
public import LodestoneDomain
import LodestoneWatcher

/// How one network is served.
public struct NetworkSettings: Sendable, Equatable {
    /// Whether addresses are issued on it.
    public var enabled: Bool
    /// BIP44 account.
    public var account: UInt32
    /// Account-level extended public key (watch-only); nil means derive from the seed.
    public var xpub: String?
    /// Bitcoin script.
    public var script: BitcoinScript?
    /// Node endpoints in preference order; none means the network is not watched.
    public var rpc: [String] = []
    /// Requests per second each endpoint may receive.
    public var rpcRequestsPerSecond: Int = 25
    /// First block to scan on a new database (default: the head at first start).
    public var startBlock: Int64? = nil
    /// `confirmations` (count against asset thresholds), `finalized` or `safe` (wait for the node's tag).
    public var finality: String = "confirmations"
    /// A head older than this marks its endpoint stale; nil: never (Bitcoin test networks).
    public var maxHeadAgeSeconds: Int? = 120
    /// Bitcoin Core's cookie file (`user:password`), read before each request; instead of a user
    /// and password in the URL.
    public var rpcCookieFile: String? = nil
    /// Solana: issue addresses from a pool imported with `lodestone pool import` (derived on an
    /// offline machine) instead of deriving them from a seed on this server.
    public var addressPool = false
    /// Below this many pooled addresses left, a warning fires (log and `/v1/networks`).
    public var poolLowWater = 100
    /// Solana: the genesis hash every endpoint must report (mainnet-beta's unless set: a cluster
    /// name or a local validator's hash).
    public var genesisHash: String? = nil
    /// Bitcoin: follow the mempool, so payments show as detected before they are mined.
    public var watchMempool: Bool = false
    /// Blocks per scan step.
    public var blocksPerStep: Int = 20
    /// Seconds between polls once caught up.
    public var pollSeconds: Int = 3
    /// How far behind the scanned tip the back-up pass re-reads token transfers; 0 turns it off.
    public var recheckDepth: Int = 300
    /// The operator's own addresses (gas top-ups, sweeps): transfers from them are recorded as ignored, never credited.
    public var internalSenders: [ParsedAddress] = []
}

/// The running configuration, read from (highest first) command-line flags, `LODESTONE_…`
/// environment variables, the YAML file, and built-in defaults.
public struct LodestoneConfiguration: Sendable {
    /// Listen address.
    public var host: String
    /// Listen port.
    public var port: Int
    /// `sqlite://…` or `postgres://…`.
    public var databaseURL: String
    /// Requests per window per API key.
    public var rateLimitRequests: Int
    /// Rate limit window in seconds.
    public var rateLimitWindow: Int
    /// How often the config file is checked for threshold changes.
    public var reloadSeconds: Int
    /// Per-network settings for every known network.
    public var networks: [NetworkID: NetworkSettings]
    /// Confirmation thresholds set in the file, by asset id.
    public var fileConfirmations: [String: ConfirmationThreshold]
    /// Smallest credited amount per asset id (smaller transfers are recorded as ignored).
    public var minimums: [String: Amount] = [:]
    /// Whether webhook URLs may point at loopback, private or link-local addresses (development, tests).
    public var allowPrivateWebhookURLs = false
    /// The file holding the data key that seals webhook secrets (when LODESTONE_DATA_KEY is not
    /// set); nil means beside the SQLite database.
    public var dataKeyFile: String? = nil
    /// Where `/metrics` is served (Prometheus text format); nil: not served.
    public var metrics: (host: String, port: Int)? = nil
    /// Solana assets credited by counting slots (`commitment: confirmed` or `slots`) instead of at `finalized`.
    public var countedAssets: Set<String> = []
    /// Every asset in force, on every network (enabled or not): the catalog's, less those the
    /// operator disabled, plus opt-in ones enabled and tokens defined in `assets:`.
    public var assets: [Asset] = []
    /// Ids of the tokens the operator defined: their decimals and symbol are checked against the chain.
    public var operatorAssets: Set<String> = []

    /// The assets in force on the enabled networks.
    public var enabledAssets: [Asset] { assets.filter { networks[$0.network]?.enabled == true } }

    /// Networks enabled by default: the eight production networks.
    static func defaultEnabled(_ n: NetworkID) -> Bool { n.isMainnet }

    /// Reads the configuration; every invalid value is reported (with its key) before failing.
    public static func load(_ reader: ConfigReader) throws -> LodestoneConfiguration {
        var r = Reading(reader: reader)
        var networks: [NetworkID: NetworkSettings] = [:]
        for n in NetworkID.allCases {
            let base = "networks.\(n.rawValue)"
            var script: BitcoinScript? = nil
            if let text = r.string("\(base).script") {
                script = BitcoinScript(rawValue: text)
                if script == nil { r.problems.append("\(base).script: must be one of p2wpkh, p2tr, p2sh-p2wpkh") }
            }
            var settings = NetworkSettings(
                enabled: r.bool("\(base).enabled") ?? defaultEnabled(n),
                account: UInt32(r.int("\(base).account", in: 0...Int(Int32.max)) ?? 0),
                xpub: r.string("\(base).xpub").flatMap { $0.isEmpty ? nil : $0 },
                script: n.family == .bitcoin ? script : nil)
            settings.rpc = (r.strings("\(base).rpc") ?? []).filter { !$0.isEmpty }
            for (i, url) in settings.rpc.enumerated() {
                // Never echoed: endpoint URLs often carry a provider key.
                guard let c = URLComponents(string: url), ["http", "https"].contains(c.scheme?.lowercased() ?? ""), c.host?.isEmpty == false
                else {
                    r.problems.append("\(base).rpc: entry \(i + 1) is not an http or https URL")
                    continue
                }
            }
            if n.family == .solana {
                // Deposits are credited when their slot is finalized unless the operator counts slots.
                settings.finality = "finalized"
                if let source = r.string("\(base).address_source") {
                    switch source {
                    case "seed": settings.addressPool = false
                    case "pool": settings.addressPool = true
                    default: r.problems.append("\(base).address_source: must be seed or pool")
                    }
                }
                settings.poolLowWater = r.int("\(base).pool_low_water", in: 0...10_000_000) ?? 100
                if settings.addressPool, settings.xpub != nil {
                    r.problems.append("\(base).xpub: a pooled network takes no key; remove it or use address_source: seed")
                }
                if let cluster = r.string("\(base).cluster") {
                    // A public cluster is its own network (devnet is solana-devnet): the name here
                    // may only repeat this network's cluster, so test money never passes for mainnet's.
                    let own = SolanaSource.genesisHashes.first { $0.value == SolanaSource.genesisHash(of: n) }?.key ?? "mainnet-beta"
                    if let hash = SolanaSource.genesisHashes[cluster] {
                        if cluster == own {
                            settings.genesisHash = hash
                        } else {
                            let home = NetworkID.allCases.first { SolanaSource.genesisHash(of: $0) == hash }?.rawValue ?? cluster
                            r.problems.append("\(base).cluster: \(cluster) is the network \(home); here use \(own) or a local validator's genesis hash")
                        }
                    } else if (try? SolanaAddress.parse(cluster)) != nil {
                        settings.genesisHash = cluster  // a local validator's genesis hash
                    } else {
                        r.problems.append("\(base).cluster: must be \(own) or a local validator's genesis hash (Base58)")
                    }
                }
            }
            if n.family == .bitcoin {
                settings.rpcCookieFile = r.string("\(base).rpc_cookie_file").flatMap { $0.isEmpty ? nil : $0 }
                settings.watchMempool = r.bool("\(base).watch_mempool") ?? true
            }
            settings.rpcRequestsPerSecond = r.int("\(base).rpc_requests_per_second", in: 1...10_000) ?? 25
            settings.startBlock = r.int("\(base).start_block", in: 1...Int(Int32.max) * 1000).map(Int64.init)
            if let finality = r.string("\(base).finality") {
                if n.family == .bitcoin, finality != "confirmations" {
                    r.problems.append("\(base).finality: Bitcoin counts confirmations; it has no finalized or safe tag")
                } else if ["confirmations", "finalized", "safe"].contains(finality) {
                    settings.finality = finality
                } else {
                    r.problems.append("\(base).finality: must be one of confirmations, finalized, safe")
                }
            }
            // Bitcoin mines a block every ten minutes on average and test networks irregularly: two
            // hours on mainnet, no staleness check elsewhere unless configured.
            let headAgeDefault: Int? = n.family != .bitcoin ? 120 : (n.isMainnet ? 7200 : nil)
            settings.maxHeadAgeSeconds = r.int("\(base).max_head_age_seconds", in: 5...86_400) ?? headAgeDefault
            settings.blocksPerStep = r.int("\(base).blocks_per_step", in: 1...1000) ?? 20
            settings.pollSeconds = r.int("\(base).poll_seconds", in: 1...3600) ?? 3
            settings.recheckDepth = r.int("\(base).recheck_depth", in: 0...100_000) ?? 300
            for (i, text) in (r.strings("\(base).internal_senders") ?? []).enumerated() {
                do { settings.internalSenders.append(try AddressCodec.parse(text, network: n)) } catch {
                    r.problems.append("\(base).internal_senders: entry \(i + 1) is not a valid \(n.rawValue) address")
                }
            }
            networks[n] = settings
        }
        var fileConfirmations: [String: ConfirmationThreshold] = [:]
        var minimums: [String: Amount] = [:]
        var countedAssets: Set<String> = []
        let (assets, operatorAssets) = AssetDefinitions.read(&r, declared: r.strings(ConfigLoading.declaredAssetsKey) ?? [])
        for asset in assets {
            let key = "assets.\(asset.id)"
            if let commitment = r.string("\(key).commitment") {
                if asset.network.family != .solana {
                    r.problems.append("\(key).commitment: only Solana assets are credited by commitment; others count confirmations")
                } else {
                    switch commitment {
                    case "finalized": break
                    case "slots": countedAssets.insert(asset.id)  // counted against `confirmations`
                    case "confirmed":
                        // A block is read at `confirmed`: one confirmation is that.
                        countedAssets.insert(asset.id)
                        if r.int("\(key).confirmations", in: 1...Asset.maxConfirmations) != nil {
                            r.problems.append("\(key).confirmations: commitment confirmed credits at the first confirmation; use commitment slots to count")
                        }
                    default: r.problems.append("\(key).commitment: must be finalized, confirmed or slots")
                    }
                }
            }
            let confirmations = r.int("\(key).confirmations", in: 1...Asset.maxConfirmations)
            let tiers = r.strings("\(key).confirmation_tiers")
            switch (confirmations, tiers) {
            case (let c?, let tiers):
                switch ConfirmationTiersText.threshold(confirmations: c, tiers: tiers ?? [], decimals: asset.decimals, symbol: asset.symbol) {
                case .success(let threshold): fileConfirmations[asset.id] = threshold
                case .failure(let problem): r.problems.append("\(key).confirmation_tiers: \(problem.message)")
                }
            case (nil, _?):
                r.problems.append("\(key).confirmation_tiers: needs \(key).confirmations, the count for amounts above every tier")
            case (nil, nil):
                break
            }
            if countedAssets.contains(asset.id), r.string("\(key).commitment") == "confirmed" { fileConfirmations[asset.id] = ConfirmationThreshold(1) }
            minimums[asset.id] = AssetCatalog.defaultMinimum(asset)
            if let text = r.string("assets.\(asset.id).minimum") {
                do { minimums[asset.id] = try Amount(decimal: text, decimals: asset.decimals) } catch {
                    r.problems.append("assets.\(asset.id).minimum: must be a decimal amount of \(asset.symbol) with at most \(asset.decimals) decimals")
                }
            }
        }
        let allowPrivate = r.bool("webhooks.allow_private_urls") ?? false
        let config = LodestoneConfiguration(
            host: r.string("server.host") ?? "127.0.0.1",
            port: r.int("server.port", in: 1...65535) ?? 8080,
            databaseURL: r.string("database.url") ?? "sqlite://data/lodestone.sqlite",
            rateLimitRequests: r.int("rate_limit.requests", in: 1...1_000_000) ?? 6000,
            rateLimitWindow: r.int("rate_limit.window_seconds", in: 1...3600) ?? 60,
            reloadSeconds: r.int("config_reload_seconds", in: 1...3600) ?? 5,
            networks: networks, fileConfirmations: fileConfirmations, minimums: minimums,
            allowPrivateWebhookURLs: allowPrivate, dataKeyFile: r.string("secrets.data_key_file"), countedAssets: countedAssets,
            assets: assets, operatorAssets: operatorAssets)
        var withMetrics = config
        if let port = r.int("metrics.port", in: 1...65535) { withMetrics.metrics = (r.string("metrics.host") ?? "127.0.0.1", port) }
        guard r.problems.isEmpty else { throw ConfigurationProblems(problems: r.problems) }
        return withMetrics
    }

    /// Thresholds from a file snapshot (used when the file changes) for `assets`; an asset whose
    /// entry is not valid keeps its threshold (the file check at start names the problem).
    static func fileConfirmations(_ snapshot: ConfigSnapshotReader, assets: [Asset]) -> [String: ConfirmationThreshold] {
        var out: [String: ConfirmationThreshold] = [:]
        for asset in assets {
            guard let c = snapshot.int(forKey: ConfigKey("assets.\(asset.id).confirmations")) else { continue }
            let tiers = snapshot.stringArray(forKey: ConfigKey("assets.\(asset.id).confirmation_tiers")) ?? []
            if case .success(let threshold) = ConfirmationTiersText.threshold(
                confirmations: c, tiers: tiers, decimals: asset.decimals, symbol: asset.symbol)
            {
                out[asset.id] = threshold
            }
        }
        return out
    }

    /// Typed reads that remember what was wrong instead of silently using a default.
    struct Reading {
        let reader: ConfigReader
        var problems: [String] = []

        static func isMissing(_ error: any Error) -> Bool {
            // swift-configuration's error type is not public; its description says which case it is.
            String(describing: error).hasPrefix("Missing required config value")
        }

        mutating func string(_ key: String) -> String? {
            do { return try reader.requiredString(forKey: ConfigKey(key)) } catch {
                if !Self.isMissing(error) { problems.append("\(key): must be a string") }
                return nil
            }
        }

        mutating func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
            do {
                let value = try reader.requiredInt(forKey: ConfigKey(key))
                guard range.contains(value) else {
                    problems.append("\(key): must be an integer from \(range.lowerBound) to \(range.upperBound) (got \(value))")
                    return nil
                }
                return value
            } catch {
                if !Self.isMissing(error) {
                    problems.append("\(key): must be an integer from \(range.lowerBound) to \(range.upperBound)")
                }
                return nil
            }
        }

        mutating func strings(_ key: String) -> [String]? {
            do { return try reader.requiredStringArray(forKey: ConfigKey(key), isSecret: true) } catch {
                if !Self.isMissing(error) { problems.append("\(key): must be a list of strings") }
                return nil
            }
        }

        mutating func bool(_ key: String) -> Bool? {
            do { return try reader.requiredBool(forKey: ConfigKey(key)) } catch {
                if !Self.isMissing(error) { problems.append("\(key): must be true or false") }
                return nil
            }
        }
    }
}

/// Every configuration problem found, one per line.
public struct ConfigurationProblems: Error, CustomStringConvertible {
    /// `key.path: what is wrong`.
    public let problems: [String]
    /// Problems, one per entry.
    public init(problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "\n") }
}
