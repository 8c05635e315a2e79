import Foundation
import LodestoneCore
import LodestoneDomain
import Yams

/// Checks a YAML configuration file and reports every problem with its key path, so an operator
/// fixes them all in one pass (`lodestone config check`, and at every start).
public enum ConfigFileCheck {
    /// Problems in the file at `path`; empty when it is valid.
    public static func problems(path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return ["cannot read the file"] }
        guard let text = String(data: data, encoding: .utf8) else { return ["not UTF-8"] }
        return problems(yaml: text)
    }

    /// The ids the file's `assets:` mapping names (catalog assets and the operator's tokens).
    public static func assetIDs(path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
            let top = (try? Yams.load(yaml: text)) as? [String: Any], let assets = top["assets"] as? [String: Any]
        else { return [] }
        return assets.keys.sorted()
    }

    /// Problems in YAML text.
    public static func problems(yaml text: String) -> [String] {
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch { return ["(file): not valid YAML: \(error)"] }
        guard let root else { return [] }
        guard let top = root as? [String: Any] else { return ["(root): must be a mapping of keys"] }
        var c = Checker()
        c.mapping(
            top, at: "", allowed: ["server", "database", "rate_limit", "config_reload_seconds", "networks", "assets", "webhooks", "secrets", "metrics"])
        if let metrics = c.mapping(top["metrics"], at: "metrics", allowed: ["host", "port"]) {
            c.string(metrics["host"], at: "metrics.host")
            _ = c.int(metrics["port"], at: "metrics.port", in: 1...65535)
        }
        if let secrets = c.mapping(top["secrets"], at: "secrets", allowed: ["data_key_file"]) {
            c.string(secrets["data_key_file"], at: "secrets.data_key_file")
        }
        if let webhooks = c.mapping(top["webhooks"], at: "webhooks", allowed: ["allow_private_urls"]) {
            c.bool(webhooks["allow_private_urls"], at: "webhooks.allow_private_urls")
        }
        if let server = c.mapping(top["server"], at: "server", allowed: ["host", "port"]) {
            c.string(server["host"], at: "server.host")
            c.int(server["port"], at: "server.port", in: 1...65535)
        }
        if let database = c.mapping(top["database"], at: "database", allowed: ["url"]),
            let url = c.string(database["url"], at: "database.url"),
            !(url.hasPrefix("sqlite://") || url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"))
        {
            c.fail("database.url", "must start with sqlite:// or postgres://")
        }
        if let limit = c.mapping(top["rate_limit"], at: "rate_limit", allowed: ["requests", "window_seconds"]) {
            c.int(limit["requests"], at: "rate_limit.requests", in: 1...1_000_000)
            c.int(limit["window_seconds"], at: "rate_limit.window_seconds", in: 1...3600)
        }
        c.int(top["config_reload_seconds"], at: "config_reload_seconds", in: 1...3600)
        if let networks = c.mapping(top["networks"], at: "networks", allowed: NetworkID.allCases.map(\.rawValue)) {
            for (key, value) in networks {
                guard let network = NetworkID(rawValue: key) else { continue }
                c.network(value, network)
            }
        }
        if let assets = c.mapping(top["assets"], at: "assets", allowed: nil) {
            let catalog = NetworkID.allCases.flatMap(AssetCatalog.all(for:))
            let thresholdKeys = ["enabled", "confirmations", "confirmation_tiers", "minimum", "commitment"]
            for (id, value) in assets.sorted(by: { $0.key < $1.key }) {
                let builtIn = catalog.first { $0.id == id }
                let allowed = builtIn == nil ? thresholdKeys + AssetDefinitions.definitionKeys : thresholdKeys
                guard let entry = c.mapping(value, at: "assets.\(id)", allowed: allowed) else { continue }
                c.bool(entry["enabled"], at: "assets.\(id).enabled")
                var asset = builtIn
                if builtIn == nil {
                    var problems: [(field: String, message: String)] = []
                    let decimals = c.int(entry["decimals"], at: "assets.\(id).decimals", in: 0...AssetDefinitions.Definition.maxDecimals)
                    let definition = AssetDefinitions.Definition(
                        id: id, network: c.string(entry["network"], at: "assets.\(id).network"),
                        symbol: c.string(entry["symbol"], at: "assets.\(id).symbol"),
                        contract: c.string(entry["contract"], at: "assets.\(id).contract"),
                        mint: c.string(entry["mint"], at: "assets.\(id).mint"), decimals: decimals)
                    asset = definition.asset(problems: &problems)
                    // A decimals entry of the wrong type is reported once, by the check above.
                    for p in problems where !(p.field == "decimals" && entry["decimals"] != nil) { c.fail("assets.\(id).\(p.field)", p.message) }
                }
                if let minimum = entry["minimum"], !(minimum is String) {
                    c.fail("assets.\(id).minimum", "must be a decimal amount written as a string, such as \"0.50\"")
                }
                let confirmations = c.int(entry["confirmations"], at: "assets.\(id).confirmations", in: 1...Asset.maxConfirmations)
                c.tiers(entry["confirmation_tiers"], confirmations: confirmations, assetID: id, asset: asset)
            }
        }
        return c.problems
    }

    struct Checker {
        var problems: [String] = []

        mutating func fail(_ path: String, _ message: String) { problems.append("\(path): \(message)") }

        @discardableResult
        mutating func mapping(_ value: Any?, at path: String, allowed: [String]?) -> [String: Any]? {
            guard let value, !(value is NSNull) else { return nil }
            guard let map = value as? [String: Any] else {
                fail(path.isEmpty ? "(root)" : path, "must be a mapping")
                return nil
            }
            for key in map.keys.sorted() where allowed.map({ !$0.contains(key) }) ?? false {
                let full = path.isEmpty ? key : "\(path).\(key)"
                fail(full, "unknown key (expected one of: \((allowed ?? []).sorted().joined(separator: ", ")))")
            }
            return map
        }

        @discardableResult
        mutating func string(_ value: Any?, at path: String) -> String? {
            guard let value, !(value is NSNull) else { return nil }
            guard let s = value as? String, !s.isEmpty else {
                fail(path, "must be a non-empty string")
                return nil
            }
            return s
        }

        @discardableResult
        mutating func int(_ value: Any?, at path: String, in range: ClosedRange<Int>) -> Int? {
            guard let value, !(value is NSNull) else { return nil }
            guard let i = value as? Int, !(value is Bool) else {
                fail(path, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            guard range.contains(i) else {
                fail(path, "must be an integer from \(range.lowerBound) to \(range.upperBound) (got \(i))")
                return nil
            }
            return i
        }

        /// An asset's `confirmation_tiers`: a list of quoted `"UP_TO: CONFIRMATIONS"` strings.
        mutating func tiers(_ value: Any?, confirmations: Int?, assetID: String, asset: Asset?) {
            guard let value, !(value is NSNull) else { return }
            let path = "assets.\(assetID).confirmation_tiers"
            guard let list = value as? [Any], list.allSatisfy({ $0 is String }) else {
                fail(path, "must be a list of quoted strings \"UP_TO: CONFIRMATIONS\", such as [\"10000: 12\", \"100000: 30\"]")
                return
            }
            guard let confirmations else {
                fail(path, "needs assets.\(assetID).confirmations, the count for amounts above every tier")
                return
            }
            guard let asset else { return }
            let texts = list.compactMap { $0 as? String }
            if case .failure(let problem) = ConfirmationTiersText.threshold(
                confirmations: confirmations, tiers: texts, decimals: asset.decimals, symbol: asset.symbol)
            {
                fail(path, problem.message)
            }
        }

        mutating func bool(_ value: Any?, at path: String) {
            guard let value, !(value is NSNull) else { return }
            if !(value is Bool) { fail(path, "must be true or false") }
        }

        mutating func network(_ value: Any?, _ network: NetworkID) {
            let path = "networks.\(network.rawValue)"
            let watching = [
                "rpc", "rpc_requests_per_second", "start_block", "finality", "max_head_age_seconds", "blocks_per_step", "poll_seconds", "recheck_depth",
                "internal_senders",
            ]
            let allowed =
                (network.family == .bitcoin
                    ? ["enabled", "account", "xpub", "script", "rpc_cookie_file", "watch_mempool"]
                    : network.family == .solana
                        ? ["enabled", "account", "xpub", "cluster", "address_source", "pool_low_water"] : ["enabled", "account", "xpub"])
                + watching
            guard let map = mapping(value, at: path, allowed: allowed) else { return }
            if let rpc = map["rpc"], !((rpc as? [Any])?.allSatisfy { $0 is String } ?? false) {
                fail("\(path).rpc", "must be a list of URLs")
            }
            if let senders = map["internal_senders"] {
                if let list = senders as? [Any], list.allSatisfy({ $0 is String }) {
                    for (i, text) in list.compactMap({ $0 as? String }).enumerated() where (try? AddressCodec.parse(text, network: network)) == nil {
                        fail("\(path).internal_senders", "entry \(i + 1) is not a valid \(network.rawValue) address")
                    }
                } else {
                    fail("\(path).internal_senders", "must be a list of addresses")
                }
            }
            bool(map["enabled"], at: "\(path).enabled")
            bool(map["watch_mempool"], at: "\(path).watch_mempool")
            let account = int(map["account"], at: "\(path).account", in: 0...Int(Int32.max)) ?? 0
            var script: BitcoinScript? = nil
            if let text = string(map["script"], at: "\(path).script") {
                script = BitcoinScript(rawValue: text)
                if script == nil { fail("\(path).script", "must be one of p2wpkh, p2tr, p2sh-p2wpkh") }
            }
            guard let xpub = string(map["xpub"], at: "\(path).xpub") else { return }
            do {
                _ = try NetworkKeys.watchOnlyDeriver(
                    network: network, script: script, account: UInt32(account), extendedKey: xpub)
            } catch {
                fail("\(path).xpub", "\(error)")
            }
        }
    }
}
