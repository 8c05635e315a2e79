/// Derives a network's deposit addresses by index. Build one per scheme and reuse it: the
/// account and chain nodes are derived once, so each address costs one child derivation.
public struct AddressDeriver: Sendable {
    /// The scheme addresses follow.
    public let scheme: DerivationScheme
    private let source: Source

    // A secp256k1 network's deriver can hold only a public node: there is no case for a private
    // one. Only Solana, whose SLIP-0010 ed25519 keys have no public derivation, keeps seed material.
    private enum Source: Sendable {
        case publicChain(ExtendedPublicKey)  // the external chain node m/…/account'/0, public half only
        case ed25519Root(SLIP10Ed25519Key)  // m/44'/501'
    }

    /// A deriver from the seed. For secp256k1 networks the account's public key is derived once and
    /// every private key is dropped before this returns; for Solana the ed25519 node is kept.
    public init(scheme: DerivationScheme, seed: SecretBytes) throws(CoreError) {
        self.scheme = scheme
        if scheme.network.family == .solana {
            source = .ed25519Root(try SLIP10Ed25519Key(seed: seed).derive(scheme.accountPath))
        } else {
            source = .publicChain(try ExtendedPrivateKey(seed: seed).derive(scheme.accountPath).child(0).neutered)
        }
    }

    /// Whether this deriver holds any private key material (true only for Solana).
    public var holdsPrivateKeyMaterial: Bool {
        if case .ed25519Root = source { return true }
        return false
    }

    /// A watch-only deriver from the account-level extended public key (`m/purpose'/coin'/account'`).
    ///
    /// The key's version must fit the network (mainnet or test) and, for SLIP-0132 versions, the script;
    /// its depth must be 3 and its child number the scheme's hardened account.
    public init(scheme: DerivationScheme, accountKey: ExtendedPublicKey, version: KeyVersion) throws(CoreError) {
        guard scheme.network.family != .solana else {
            throw .unsupported(
                "Solana keys are ed25519 (SLIP-0010), which has no public derivation: derive from the seed instead")
        }
        guard version.isMainnet == !scheme.network.usesTestKeyVersions else {
            throw .extendedKeyNetworkMismatch(
                "\(version) is a \(version.isMainnet ? "mainnet" : "test network") key, \(scheme.network) is not")
        }
        if let implied = version.impliedScript, implied != scheme.script {
            throw .extendedKeyNetworkMismatch(
                "\(version) is for \(implied.rawValue) addresses, not \(scheme.script?.rawValue ?? scheme.network.rawValue)")
        }
        guard accountKey.depth == 3 else {
            throw .extendedKeyNetworkMismatch(
                "expected the account-level key (depth 3, \(scheme.accountPath)), got depth \(accountKey.depth)")
        }
        guard accountKey.childNumber == scheme.account | DerivationPath.hardenedOffset else {
            throw .extendedKeyNetworkMismatch(
                "the key is for another account than \(scheme.account)' (child number \(accountKey.childNumber))")
        }
        self.scheme = scheme
        source = .publicChain(try accountKey.child(0))
    }

    /// Deposit address `index` (0…2^31−1).
    public func address(index: UInt32) throws(CoreError) -> DerivedAddress {
        guard index < DerivationPath.hardenedOffset else { throw .indexOutOfRange("index \(index) is above 2^31−1") }
        let network = scheme.network
        let path = scheme.path(index: index).description
        switch source {
        case .ed25519Root(let root):
            let key = try root.child(index | DerivationPath.hardenedOffset).child(
                scheme.account | DerivationPath.hardenedOffset
            ).publicKey
            return DerivedAddress(
                network: network, path: path, index: index, address: SolanaAddress.encode(key),
                publicKey: Hex.encode(key))
        case .publicChain(let chain):
            return encode(try chain.childKeyAndChainCode(index).0, path: path, index: index)
        }
    }

    private func encode(_ key: Secp256k1.PublicKey, path: String, index: UInt32) -> DerivedAddress {
        let compressed = key.compressed
        return DerivedAddress(
            network: scheme.network, path: path, index: index,
            address: AddressEncoder.address(of: key, compressed: compressed, network: scheme.network, script: scheme.script),
            publicKey: Hex.encode(compressed))
    }

    /// The account-level extended public key of a seed, with the version wallets show for the scheme.
    public static func accountExtendedPublicKey(scheme: DerivationScheme, seed: SecretBytes) throws(CoreError)
        -> String
    {
        guard scheme.network.family != .solana else {
            throw .unsupported("Solana keys are ed25519 (SLIP-0010), which has no extended public keys")
        }
        return try ExtendedPrivateKey(seed: seed).derive(scheme.accountPath).neutered
            .serialized(version: scheme.keyVersion(isPrivate: false))
    }
}
