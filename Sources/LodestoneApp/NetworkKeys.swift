public import LodestoneCore

/// Builds the address derivers of the networks a deployment serves.
public enum NetworkKeys {
    /// A deriver from an account-level extended public key, with the checks `lodestone derive --xpub` makes.
    public static func watchOnlyDeriver(network: NetworkID, script: BitcoinScript?, account: UInt32, extendedKey: String)
        throws -> AddressDeriver
    {
        guard network.family != .solana else {
            throw CoreError.unsupported("solana has no extended public keys (SLIP-0010 ed25519); it is served from the seed")
        }
        guard case .public(let key, let version) = try ExtendedKeyCodec.parse(extendedKey) else {
            throw CoreError.unsupported("an extended public key is expected here, never a private one")
        }
        let scheme = try DerivationScheme(
            network: network, script: network.family == .bitcoin ? (script ?? version.impliedScript) : nil, account: account)
        return try AddressDeriver(scheme: scheme, accountKey: key, version: version)
    }
}
