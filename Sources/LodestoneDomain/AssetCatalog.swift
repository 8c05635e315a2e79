public import LodestoneCore
import BigInt

/// The assets Lodestone knows out of the box: each network's coin plus USDT/USDC where they exist,
/// with mainnet contract addresses and conservative confirmation defaults (operators tune them).
public enum AssetCatalog {
    /// Default confirmations per network, chosen against the reorg depths seen on each chain.
    public static func defaultConfirmations(_ network: NetworkID) -> Int {
        switch network {
        case .bitcoin: return 3
        case .bitcoinTestnet, .bitcoinRegtest: return 1
        case .ethereum: return 12
        case .bsc: return 15
        case .polygon: return 256
        case .base, .arbitrum: return 30
        case .tron: return 20
        case .solana: return 32
        }
    }

    /// Smallest amount credited unless the operator sets another: one cent of a stablecoin, a
    /// millionth of a native coin (never below one base unit). Zero-value transfers never count.
    public static func defaultMinimum(_ asset: Asset) -> Amount {
        // Less SOL than rent exemption (890,880 lamports for a system account) cannot even stay in
        // a new account: below it is dust.
        if asset.isNative, asset.network.family == .solana { return Amount(baseUnits: 890_880) }
        let exponent = asset.isNative ? max(asset.decimals - 6, 0) : max(asset.decimals - 2, 0)
        return Amount(baseUnits: BigUInt(10).power(exponent))
    }

    /// Decimals of a built-in asset by id (`USDT-Tron`), nil for an id the catalog lacks.
    public static func decimals(ofAssetID id: String) -> Int? { decimalsByID[id] }

    private static let decimalsByID: [String: Int] = Dictionary(
        uniqueKeysWithValues: NetworkID.allCases.flatMap(defaults(for:)).map { ($0.id, $0.decimals) })

    /// The built-in assets of `network`.
    public static func defaults(for network: NetworkID) -> [Asset] {
        let c = defaultConfirmations(network)
        func asset(_ symbol: String, _ decimals: Int, _ contract: String? = nil) -> Asset {
            Asset(network: network, symbol: symbol, decimals: decimals, contract: contract, confirmations: c)
        }
        switch network {
        case .ethereum:
            return [
                asset("ETH", 18), asset("USDT", 6, "0xdAC17F958D2ee523a2206206994597C13D831ec7"),
                asset("USDC", 6, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),
            ]
        case .bsc:
            // Binance-Peg stablecoins on BSC use 18 decimals.
            return [
                asset("BNB", 18), asset("USDT", 18, "0x55d398326f99059fF775485246999027B3197955"),
                asset("USDC", 18, "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d"),
            ]
        case .polygon:
            return [
                asset("POL", 18), asset("USDT", 6, "0xc2132D05D31c914a87C6611C10748AEb04B58e8F"),
                asset("USDC", 6, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"),
            ]
        case .base:
            return [
                asset("ETH", 18), asset("USDC", 6, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
                asset("USDT", 6, "0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2"),
            ]
        case .arbitrum:
            return [
                asset("ETH", 18), asset("USDT", 6, "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9"),
                asset("USDC", 6, "0xaf88d065e77c8cC2239327C5EDb3A432268e5831"),
            ]
        case .tron:
            return [
                asset("TRX", 6), asset("USDT", 6, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
                asset("USDC", 6, "TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8"),
            ]
        case .solana:
            return [
                asset("SOL", 9), asset("USDC", 6, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"),
                asset("USDT", 6, "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"),
            ]
        case .bitcoin, .bitcoinTestnet, .bitcoinRegtest:
            return [asset("BTC", 8)]
        }
    }
}
