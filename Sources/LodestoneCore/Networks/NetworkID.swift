/// A network Lodestone can derive addresses for; the raw value is its id in the CLI, config and API.
public enum NetworkID: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case bitcoin
    case bitcoinTestnet = "bitcoin-testnet"
    case bitcoinRegtest = "bitcoin-regtest"
    case ethereum, bsc, polygon, base, arbitrum
    case tron
    case solana

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
        case .bitcoin, .bitcoinTestnet, .bitcoinRegtest: return .bitcoin
        case .ethereum, .bsc, .polygon, .base, .arbitrum: return .evm
        case .tron: return .tron
        case .solana: return .solana
        }
    }

    /// True for production networks.
    public var isMainnet: Bool { self != .bitcoinTestnet && self != .bitcoinRegtest }

    /// The SLIP-0044 coin type in the derivation path.
    public var coinType: UInt32 {
        switch family {
        case .bitcoin: return isMainnet ? 0 : 1
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
        default: return nil
        }
    }

    /// Bitcoin address parameters; nil for other families.
    public var bitcoinParameters: BitcoinParameters? {
        switch self {
        case .bitcoin: return BitcoinParameters(bech32HRP: "bc", p2pkhVersion: 0x00, p2shVersion: 0x05)
        case .bitcoinTestnet: return BitcoinParameters(bech32HRP: "tb", p2pkhVersion: 0x6f, p2shVersion: 0xc4)
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
