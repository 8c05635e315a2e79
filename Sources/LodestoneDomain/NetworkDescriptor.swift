public import LodestoneCore

extension NetworkID {
    /// The name used in asset ids (`USDT-Tron`, `ETH-Base`).
    public var displayName: String {
        switch self {
        case .bitcoin: return "Bitcoin"
        case .bitcoinTestnet: return "BitcoinTestnet"
        case .bitcoinRegtest: return "BitcoinRegtest"
        case .ethereum: return "Ethereum"
        case .bsc: return "BSC"
        case .polygon: return "Polygon"
        case .base: return "Base"
        case .arbitrum: return "Arbitrum"
        case .tron: return "Tron"
        case .solana: return "Solana"
        case .bitcoinTestnet4: return "BitcoinTestnet4"
        case .bitcoinSignet: return "BitcoinSignet"
        case .ethereumSepolia: return "Sepolia"
        case .bscTestnet: return "BSCTestnet"
        case .polygonAmoy: return "Amoy"
        case .baseSepolia: return "BaseSepolia"
        case .arbitrumSepolia: return "ArbitrumSepolia"
        case .tronNile: return "Nile"
        case .tronShasta: return "Shasta"
        case .solanaDevnet: return "SolanaDevnet"
        case .solanaTestnet: return "SolanaTestnet"
        }
    }

    /// The eight production networks Lodestone serves, in API order.
    public static let production: [NetworkID] = [.ethereum, .bsc, .polygon, .base, .arbitrum, .tron, .solana, .bitcoin]
}
