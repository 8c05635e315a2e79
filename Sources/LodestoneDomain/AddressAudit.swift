public import LodestoneCore

/// The auditor's check of one issued address: the row must be what its own derivation path gives
/// under the deployment's keys, and the key the scanners match on must be its address's. A row
/// changed in the database (its address, index, path or match key) fails.
public struct AddressAudit: Sendable {
    /// What the check of one row found.
    public enum Finding: Sendable, Equatable {
        /// The keys derive exactly this row.
        case verified
        /// The row is not what the keys derive; says what differs.
        case differs(String)
        /// No key here can derive its path; says which.
        case unverifiable(String)
    }

    /// Watch-only derivers (from configured xpubs), by network.
    let watchOnly: [NetworkID: AddressDeriver]
    /// The seed, when the auditor holds it: any path can then be derived.
    let seed: SecretBytes?
    /// Derivers made from the seed, by scheme (deriving an account node is the expensive part).
    private var fromSeed: [DerivationScheme: AddressDeriver] = [:]

    /// An audit with these keys.
    public init(watchOnly: [NetworkID: AddressDeriver], seed: SecretBytes?) {
        self.watchOnly = watchOnly
        self.seed = seed
    }

    /// The scheme whose deposit path `path` is on `network`, or nil when it is no deposit path there
    /// (BIP44/49/84/86 `m/purpose'/coin'/account'/0/index`; Solana `m/44'/501'/index'/account'`).
    public static func scheme(of path: DerivationPath, network: NetworkID) -> DerivationScheme? {
        let h = DerivationPath.hardenedOffset
        let c = path.components
        switch network.family {
        case .solana:
            guard c.count == 4, c[0] == 44 + h, c[1] == network.coinType + h, c[2] >= h, c[3] >= h else { return nil }
            return try? DerivationScheme(network: network, account: c[3] - h)
        default:
            guard c.count == 5, c[0] >= h, c[1] == network.coinType + h, c[2] >= h, c[3] == 0, c[4] < h else { return nil }
            let purpose = c[0] - h
            var script: BitcoinScript? = nil
            if network.family == .bitcoin {
                guard let s = BitcoinScript.allCases.first(where: { $0.purpose == purpose }) else { return nil }
                script = s
            } else if purpose != 44 {
                return nil
            }
            return try? DerivationScheme(network: network, script: script, account: c[2] - h)
        }
    }

    /// Checks one stored row (`matchKey` is the hex key the scanners look it up by).
    public mutating func check(_ row: CustomerAddress, matchKey: String) -> Finding {
        guard let network = NetworkID(rawValue: row.network) else { return .differs("network \(row.network) is unknown") }
        guard let parsed = try? AddressCodec.parse(row.address, network: network) else {
            return .differs("the address is not a valid \(network) address")
        }
        guard Hex.encode(parsed.matchKey) == matchKey else {
            return .differs("the scanners' match key names another account than the address")
        }
        guard let path = try? DerivationPath(row.derivationPath), let scheme = Self.scheme(of: path, network: network) else {
            return .differs("the derivation path \(row.derivationPath) is not a deposit path of \(network)")
        }
        guard scheme.path(index: row.index) == path else {
            return .differs("the derivation path \(row.derivationPath) is not the path of index \(row.index)")
        }
        guard let deriver = deriver(for: scheme) else {
            return .unverifiable("no key derives \(scheme.accountPath): configure networks.\(network).xpub for it or audit with the seed")
        }
        guard let derived = try? deriver.address(index: row.index), let canonical = try? AddressCodec.parse(derived.address, network: network)
        else { return .differs("index \(row.index) cannot be derived") }
        guard canonical.normalized == row.address else {
            return .differs("\(row.derivationPath) derives \(canonical.normalized), not the stored address")
        }
        return .verified
    }

    private mutating func deriver(for scheme: DerivationScheme) -> AddressDeriver? {
        if let d = watchOnly[scheme.network], d.scheme == scheme { return d }
        if let d = fromSeed[scheme] { return d }
        guard let seed, let d = try? AddressDeriver(scheme: scheme, seed: seed) else { return nil }
        fromSeed[scheme] = d
        return d
    }
}
