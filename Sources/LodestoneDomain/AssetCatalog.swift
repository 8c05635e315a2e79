public import LodestoneCore
import BigInt

/// The assets Lodestone knows out of the box: each network's coin plus USDT/USDC where they exist,
/// with mainnet contract addresses and conservative confirmation defaults (operators tune them).
public enum AssetCatalog {
    /// Default confirmations per network, chosen against the reorg depths seen on each chain; a
    /// test network takes its mainnet's, so a sandbox behaves like production (Bitcoin's test
    /// networks excepted: their blocks come irregularly, and test money needs no safety margin).
    public static func defaultConfirmations(_ network: NetworkID) -> Int {
        if network.family == .bitcoin, !network.isMainnet { return 1 }
        switch network.mainnet {
        case .bitcoin: return 3
        case .ethereum: return 12
        case .bsc: return 15
        case .polygon: return 256
        case .base, .arbitrum: return 30
        case .tron: return 20
        default: return 32  // Solana
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

    /// Decimals of a catalog asset by id (`USDT-Tron`), opt-in ones included; nil for an id the
    /// catalog lacks (an operator's own token: its decimals are kept with its history).
    public static func decimals(ofAssetID id: String) -> Int? { decimalsByID[id] }

    private static let decimalsByID: [String: Int] = Dictionary(
        uniqueKeysWithValues: NetworkID.allCases.flatMap(entries(for:)).map { ($0.asset.id, $0.asset.decimals) })

    /// The catalog assets of `network` watched unless the operator disables them.
    public static func defaults(for network: NetworkID) -> [Asset] { entries(for: network).filter { !$0.optIn }.map(\.asset) }

    /// Every catalog asset of `network`, opt-in ones included.
    public static func all(for network: NetworkID) -> [Asset] { entries(for: network).map(\.asset) }

    /// A catalog asset and whether it is watched only when the operator enables it.
    public struct Entry: Sendable {
        /// The asset.
        public let asset: Asset
        /// True for a token its issuer does not stand behind on this network (a bridge's or an
        /// exchange's peg, or one the issuer stopped supporting): credited at par only on request.
        public let optIn: Bool
    }

    /// The catalog of `network`: its coin, and the stablecoins their issuers deploy there.
    public static func entries(for network: NetworkID) -> [Entry] {
        let c = defaultConfirmations(network)
        func asset(_ symbol: String, _ decimals: Int, _ contract: String? = nil, optIn: Bool = false) -> Entry {
            Entry(asset: Asset(network: network, symbol: symbol, decimals: decimals, contract: contract, confirmations: c), optIn: optIn)
        }
        // Sources, cited per address: [T] Tether's supported protocols, tether.to/en/supported-protocols;
        // [T0] USDT0's deployments, docs.usdt0.to (Tether's omnichain USDT, which took over the
        // Arbitrum and Polygon PoS contracts at their addresses in 2025); [C] Circle's USDC
        // addresses, developers.circle.com/stablecoins/usdc-contract-addresses (mainnet and testnet).
        switch network {
        case .ethereum:
            return [
                asset("ETH", 18),
                asset("USDT", 6, "0xdAC17F958D2ee523a2206206994597C13D831ec7"),  // [T]
                asset("USDC", 6, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),  // [C]
            ]
        case .bsc:
            // Binance-Peg tokens (18 decimals): Binance issues them against its own holdings;
            // neither Tether nor Circle issues on BNB Smart Chain.
            return [
                asset("BNB", 18),
                asset("USDT", 18, "0x55d398326f99059fF775485246999027B3197955", optIn: true),  // Binance-Peg BSC-USD (bscscan)
                asset("USDC", 18, "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d", optIn: true),  // Binance-Peg USD Coin (bscscan)
            ]
        case .polygon:
            return [
                asset("POL", 18),
                asset("USDT", 6, "0xc2132D05D31c914a87C6611C10748AEb04B58e8F"),  // [T0]
                asset("USDC", 6, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"),  // [C] (not the bridged USDC.e)
            ]
        case .base:
            // This USDT is a permissionless bridge's token, endorsed by neither Tether nor Base.
            return [
                asset("ETH", 18),
                asset("USDC", 6, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),  // [C] (not the bridged USDbC)
                asset("USDT", 6, "0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2", optIn: true),  // bridged, in neither [T] nor [T0]
            ]
        case .arbitrum:
            return [
                asset("ETH", 18),
                asset("USDT", 6, "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9"),  // [T0]
                asset("USDC", 6, "0xaf88d065e77c8cC2239327C5EDb3A432268e5831"),  // [C] (not the bridged USDC.e)
            ]
        case .tron:
            // Circle stopped minting USDC on Tron in February 2024 and ended its support in 2025.
            return [
                asset("TRX", 6),
                asset("USDT", 6, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),  // [T]
                asset("USDC", 6, "TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8", optIn: true),  // formerly [C]
            ]
        case .solana:
            return [
                asset("SOL", 9),
                asset("USDC", 6, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"),  // [C]
                asset("USDT", 6, "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"),  // [T]
            ]
        // Test networks: Circle publishes testnet USDC (free from its faucet); Tether publishes
        // no testnet USDT, so a test token is added in `assets:`.
        case .ethereumSepolia:
            return [asset("ETH", 18), asset("USDC", 6, "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238")]  // [C] testnet
        case .baseSepolia:
            return [asset("ETH", 18), asset("USDC", 6, "0x036CbD53842c5426634e7929541eC2318f3dCF7e")]  // [C] testnet
        case .arbitrumSepolia:
            return [asset("ETH", 18), asset("USDC", 6, "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d")]  // [C] testnet
        case .polygonAmoy:
            return [asset("POL", 18), asset("USDC", 6, "0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582")]  // [C] testnet
        case .solanaDevnet:
            return [asset("SOL", 9), asset("USDC", 6, "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU")]  // [C] testnet
        case .bscTestnet: return [asset("BNB", 18)]
        case .tronNile, .tronShasta: return [asset("TRX", 6)]
        case .solanaTestnet: return [asset("SOL", 9)]
        case .bitcoin, .bitcoinTestnet, .bitcoinTestnet4, .bitcoinSignet, .bitcoinRegtest:
            return [asset("BTC", 8)]
        }
    }
}
