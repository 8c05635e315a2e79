/// Where a network's deposit addresses sit in the HD tree, and which script they use.
///
/// secp256k1 networks: `m/purpose'/coin'/account'/0/index` (BIP44/49/84/86); the account-level
/// node is what watch-only deployments hold as an extended public key.
/// Solana: `m/44'/501'/index'/account'` (every step hardened, as SLIP-0010 ed25519 requires;
/// account 0 gives the path Solana wallets use).
public struct DerivationScheme: Sendable, Hashable {
    /// The network addresses are for.
    public let network: NetworkID
    /// The Bitcoin script; nil for other families.
    public let script: BitcoinScript?
    /// The BIP44 account (or, on Solana, the last path step).
    public let account: UInt32

    /// A scheme; `script` is allowed for Bitcoin networks only and defaults to P2WPKH there.
    public init(network: NetworkID, script: BitcoinScript? = nil, account: UInt32 = 0) throws(CoreError) {
        guard account < DerivationPath.hardenedOffset else { throw .indexOutOfRange("account \(account) is above 2^31−1") }
        if network.family == .bitcoin {
            self.script = script ?? .p2wpkh
        } else {
            guard script == nil else { throw .unsupported("--script applies to Bitcoin networks only") }
            self.script = nil
        }
        self.network = network
        self.account = account
    }

    /// The BIP43 purpose of the path.
    public var purpose: UInt32 { script?.purpose ?? 44 }

    /// The account-level path (`m/purpose'/coin'/account'`); for Solana `m/44'/501'`.
    public var accountPath: DerivationPath {
        let base = DerivationPath(components: []).appending(purpose, hardened: true)
            .appending(network.coinType, hardened: true)
        return network.family == .solana ? base : base.appending(account, hardened: true)
    }

    /// The full path of deposit address `index`.
    public func path(index: UInt32) -> DerivationPath {
        switch network.family {
        case .solana: return accountPath.appending(index, hardened: true).appending(account, hardened: true)
        default: return accountPath.appending(0).appending(index)
        }
    }

    /// The extended-key version a wallet shows for this scheme's account key.
    public func keyVersion(isPrivate: Bool) -> KeyVersion {
        KeyVersion.forScript(script, mainnet: !network.usesTestKeyVersions, isPrivate: isPrivate)
    }
}
