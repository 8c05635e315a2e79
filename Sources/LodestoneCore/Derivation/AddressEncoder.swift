/// Turns a public key into the address text of a network and script.
public enum AddressEncoder {
    /// The address of a secp256k1 node on `network`; `script` matters for Bitcoin only.
    public static func address(of node: ExtendedPublicKey, network: NetworkID, script: BitcoinScript?) -> String {
        address(of: node.key, compressed: node.publicKey, network: network, script: script)
    }

    static func address(of key: Secp256k1.PublicKey, compressed: [UInt8], network: NetworkID, script: BitcoinScript?)
        -> String
    {
        switch network.family {
        case .bitcoin:
            let params = network.bitcoinParameters!
            switch script ?? .p2wpkh {
            case .p2wpkh: return BitcoinAddress.p2wpkh(publicKey: compressed, parameters: params)
            case .p2shP2wpkh: return BitcoinAddress.p2shP2wpkh(publicKey: compressed, parameters: params)
            case .p2tr: return BitcoinAddress.p2tr(outputKey: Secp256k1.taprootOutputKey(key).output, parameters: params)
            }
        case .evm:
            return EVMAddress.checksummed(EVMAddress.account(uncompressedPublicKey: key.uncompressed))
        case .tron:
            return TronAddress.encode(raw: TronAddress.raw(uncompressedPublicKey: key.uncompressed))
        case .solana:
            preconditionFailure("Solana keys are ed25519; use SolanaAddress.encode")
        }
    }

    /// BIP86: the x-only internal and output keys of a node.
    public static func taprootKeys(of node: ExtendedPublicKey) -> (internal: [UInt8], output: [UInt8]) {
        let keys = Secp256k1.taprootOutputKey(node.key)
        return (keys.internal, keys.output)
    }
}
