/// A network Lodestone can derive addresses for; the raw value is its id in the CLI, config and API.
public enum NetworkID: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case bitcoin
    /// Bitcoin testnet3 (its id predates testnet4).
    case bitcoinTestnet = "bitcoin-testnet"
    case bitcoinTestnet4 = "bitcoin-testnet4"
    case bitcoinSignet = "bitcoin-signet"
    case bitcoinRegtest = "bitcoin-regtest"
    case ethereum, bsc, polygon, base, arbitrum
    case ethereumSepolia = "ethereum-sepolia"
    case bscTestnet = "bsc-testnet"
    case polygonAmoy = "polygon-amoy"
    case baseSepolia = "base-sepolia"
    case arbitrumSepolia = "arbitrum-sepolia"
    case tron
    case tronNile = "tron-nile"
    case tronShasta = "tron-shasta"
    case solana
    case solanaDevnet = "solana-devnet"
    case solanaTestnet = "solana-testnet"

    /// Parses an id, with an error that lists the valid ones.
    public init(id: String) throws(CoreError) {
        guard let n = NetworkID(rawValue: id) else {
            throw .unknownNetwork(id)
        }
        self = n
    }

    public var description: String { rawValue }

    /// How the network is read and how its addresses are made.
    public var family: ChainFamily {
        switch self {
        case .bitcoin, .bitcoinTestnet, .bitcoinTestnet4, .bitcoinSignet, .bitcoinRegtest: return .bitcoin
        case .ethereum, .bsc, .polygon, .base, .arbitrum, .ethereumSepolia, .bscTestnet, .polygonAmoy, .baseSepolia, .arbitrumSepolia:
            return .evm
        case .tron, .tronNile, .tronShasta: return .tron
        case .solana, .solanaDevnet, .solanaTestnet: return .solana
        }
    }

    /// True for production networks, whose coins have real value.
    public var isMainnet: Bool { [.bitcoin, .ethereum, .bsc, .polygon, .base, .arbitrum, .tron, .solana].contains(self) }

    /// Whether extended keys are written with test-network versions (tpub, vpub): Bitcoin's test
    /// networks only. The other families' test networks share their mainnet's keys and versions.
    public var usesTestKeyVersions: Bool { family == .bitcoin && !isMainnet }

    /// Production for mainnets, sandbox for every test network.
    public var environment: DeploymentEnvironment { isMainnet ? .production : .sandbox }

    /// The mainnet a test network stands in for (itself for a mainnet).
    public var mainnet: NetworkID {
        switch self {
        case .bitcoinTestnet, .bitcoinTestnet4, .bitcoinSignet, .bitcoinRegtest: return .bitcoin
        case .ethereumSepolia: return .ethereum
        case .bscTestnet: return .bsc
        case .polygonAmoy: return .polygon
        case .baseSepolia: return .base
        case .arbitrumSepolia: return .arbitrum
        case .tronNile, .tronShasta: return .tron
        case .solanaDevnet, .solanaTestnet: return .solana
        default: return self
        }
    }

    /// The SLIP-0044 coin type in the derivation path.
    public var coinType: UInt32 {
        switch family {
        case .bitcoin: return isMainnet ? 0 : 1
        // One EVM key per index on every EVM chain, test networks included, as wallets do.
        case .evm: return 60
        case .tron: return 195
        case .solana: return 501
        }
    }

    /// The EIP-155 chain id of an EVM network.
    public var evmChainID: UInt64? {
        switch self {
        case .ethereum: return 1
        case .bsc: return 56
        case .polygon: return 137
        case .base: return 8453
        case .arbitrum: return 42161
        case .ethereumSepolia: return 11_155_111
        case .bscTestnet: return 97
        case .polygonAmoy: return 80002
        case .baseSepolia: return 84532
        case .arbitrumSepolia: return 421_614
        default: return nil
        }
    }

    /// Bitcoin address parameters; nil for other families.
    public var bitcoinParameters: BitcoinParameters? {
        switch self {
        case .bitcoin: return BitcoinParameters(bech32HRP: "bc", p2pkhVersion: 0x00, p2shVersion: 0x05)
        case .bitcoinTestnet, .bitcoinTestnet4, .bitcoinSignet: return BitcoinParameters(bech32HRP: "tb", p2pkhVersion: 0x6f, p2shVersion: 0xc4)
        case .bitcoinRegtest: return BitcoinParameters(bech32HRP: "bcrt", p2pkhVersion: 0x6f, p2shVersion: 0xc4)
        default: return nil
        }
    }
}

/// The prefixes that tell one Bitcoin network's addresses from another's.
public struct BitcoinParameters: Sendable, Equatable {
    /// Bech32 human-readable part.
    public let bech32HRP: String
    /// Base58 version byte of pay-to-public-key-hash.
    public let p2pkhVersion: UInt8
    /// Base58 version byte of pay-to-script-hash.
    public let p2shVersion: UInt8
}
