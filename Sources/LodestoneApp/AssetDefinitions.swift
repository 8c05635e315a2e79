import LodestoneCore
import LodestoneDomain

/// Reads which assets are in force from `assets:`: the catalog's (each can be disabled; opt-in
/// ones enabled) and the tokens an operator defines (network, symbol, contract or mint, decimals).
enum AssetDefinitions {
    /// The keys a token definition may have besides the threshold keys every asset has.
    static let definitionKeys = ["network", "symbol", "contract", "mint", "decimals"]

    /// Every asset in force on every network, and the ids of the operator's own tokens; problems
    /// go to `r`. `declared` lists the ids the file's `assets:` mapping names.
    static func read(_ r: inout LodestoneConfiguration.Reading, declared: [String]) -> ([Asset], Set<String>) {
        var assets: [Asset] = []
        for entry in NetworkID.allCases.flatMap(AssetCatalog.entries(for:)) {
            if r.bool("assets.\(entry.asset.id).enabled") ?? !entry.optIn { assets.append(entry.asset) }
        }
        let catalog = Set(NetworkID.allCases.flatMap(AssetCatalog.all(for:)).map(\.id))
        var own: Set<String> = []
        for id in declared.sorted() where !catalog.contains(id) {
            let key = "assets.\(id)"
            var problems: [(field: String, message: String)] = []
            let definition = Definition(
                id: id, network: r.string("\(key).network"), symbol: r.string("\(key).symbol"), contract: r.string("\(key).contract"),
                mint: r.string("\(key).mint"), decimals: r.int("\(key).decimals", in: 0...Definition.maxDecimals))
            let asset = definition.asset(problems: &problems)
            r.problems += problems.map { "\(key).\($0.field): \($0.message)" }
            guard let asset, r.bool("\(key).enabled") ?? true else { continue }
            let account = TokenIdentity.key(asset)
            if let other = assets.first(where: { $0.network == asset.network && $0.contract != nil && TokenIdentity.key($0) == account }) {
                r.problems.append("\(key).\(asset.network.family == .solana ? "mint" : "contract"): \(other.id) already watches this token")
                continue
            }
            assets.append(asset)
            own.insert(id)
        }
        return (assets, own)
    }

    /// A token as the file writes it; every field is checked offline.
    struct Definition {
        static let maxDecimals = 36
        let id: String
        let network: String?
        let symbol: String?
        let contract: String?
        let mint: String?
        let decimals: Int?

        /// The asset, or nil with the problems, each naming its field.
        func asset(problems: inout [(field: String, message: String)]) -> Asset? {
            guard let networkText = network else {
                problems.append(("network", "a token needs its network (assets not in the catalog are defined here: network, symbol, contract or mint, decimals)"))
                return nil
            }
            guard let network = NetworkID(rawValue: networkText) else {
                problems.append(("network", "unknown network '\(networkText)'"))
                return nil
            }
            guard network.family != .bitcoin else {
                problems.append(("network", "\(network) has no tokens; only EVM, Tron and Solana networks do"))
                return nil
            }
            guard let symbol, symbol.count <= 16, symbol.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") }) else {
                problems.append(("symbol", "must be 1 to 16 ASCII letters, digits or dots"))
                return nil
            }
            let expectedID = "\(symbol)-\(network.displayName)"
            guard id == expectedID else {
                problems.append(("symbol", "a token's key is its id, SYMBOL-Network: \(expectedID), not \(id)"))
                return nil
            }
            let field = network.family == .solana ? "mint" : "contract"
            let wrongField = network.family == .solana ? "contract" : "mint"
            if (network.family == .solana ? contract : mint) != nil {
                problems.append((wrongField, "\(network) tokens are named by their \(field)"))
                return nil
            }
            guard let text = network.family == .solana ? mint : contract else {
                problems.append((field, "a token needs its \(field) address"))
                return nil
            }
            let parsed: ParsedAddress
            do { parsed = try AddressCodec.parse(text, network: network) } catch {
                problems.append((field, "not a valid \(network) address: \(error)"))
                return nil
            }
            if network.family == .evm, parsed.normalized != text {
                // Lower-case hex carries no checksum: a typo would go unnoticed.
                problems.append((field, "write it with its EIP-55 checksum, \(parsed.normalized)"))
                return nil
            }
            guard let decimals else {
                problems.append(("decimals", "a token needs its decimals, as its contract reports them"))
                return nil
            }
            return Asset(
                network: network, symbol: symbol, decimals: decimals, contract: parsed.normalized,
                confirmations: AssetCatalog.defaultConfirmations(network))
        }
    }
}

/// Compares token contracts as accounts, whatever case or form they are written in.
enum TokenIdentity {
    static func key(_ asset: Asset) -> [UInt8]? {
        guard let contract = asset.contract else { return nil }
        return (try? AddressCodec.parse(contract, network: asset.network))?.matchKey
    }
}
