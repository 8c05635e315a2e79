/// What kind of destination an address is.
public enum AddressKind: String, Sendable, Codable {
    case p2pkh, p2sh, p2wpkh, p2wsh, p2tr, witnessUnknown = "witness_unknown"
    case evm, tron, solana
}

/// An address that passed every check for its network, in the forms a watcher matches on.
public struct ParsedAddress: Sendable, Hashable {
    /// The family the address belongs to.
    public let family: ChainFamily
    /// Its kind within the family.
    public let kind: AddressKind
    /// Canonical text: lower-case bech32, EIP-55 checksummed hex, Base58Check T-address, Base58 key.
    public let normalized: String
    /// Bytes a chain watcher compares: scriptPubKey (Bitcoin), 20-byte account (EVM),
    /// 21-byte 0x41-prefixed account (Tron), 32-byte key (Solana).
    public let matchKey: [UInt8]
}

/// Parses and validates addresses for a given network.
public enum AddressCodec {
    /// Parses `text` as an address of `network`, or throws the reason it is not one.
    public static func parse(_ text: String, network: NetworkID) throws(CoreError) -> ParsedAddress {
        let trimmed = text
        guard !trimmed.isEmpty else { throw .invalidAddress("empty") }
        guard trimmed.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw .invalidAddress("contains whitespace or non-ASCII characters")
        }
        switch network.family {
        case .bitcoin: return try BitcoinAddress.parse(trimmed, network: network)
        case .evm: return try EVMAddress.parse(trimmed)
        case .tron: return try TronAddress.parse(trimmed)
        case .solana: return try SolanaAddress.parse(trimmed)
        }
    }
}
