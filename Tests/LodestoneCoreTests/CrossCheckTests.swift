import LodestoneCore
import Testing

/// Addresses from independent implementations (bip-utils, solders, Bitcoin Core), kept under Vectors/addresses.
struct CrossCheckVector: Decodable, Sendable, CustomTestStringConvertible {
    let mnemonic: String
    let passphrase: String
    let network: String
    let script: String?
    let account: UInt32
    let index: UInt32
    let path: String
    let address: String
    let public_key: String
    let account_xpub: String?
    var testDescription: String { "\(network) \(script ?? "") \(path) \(mnemonic.prefix(5))" }
}

struct TokenAccountVector: Decodable, Sendable, CustomTestStringConvertible {
    let owner: String
    let mint: String
    let token_program: String
    let associated_token_account: String
    var testDescription: String { "\(owner.prefix(6)) \(mint.prefix(6)) \(token_program.prefix(6))" }
}

struct OnCurveVector: Decodable, Sendable, CustomTestStringConvertible {
    let bytes: String
    let on_curve: Bool
    var testDescription: String { String(bytes.prefix(12)) }
}

struct BitcoinCoreAddresses: Decodable {
    struct Scheme: Decodable {
        let scheme: String
        let account_path: String
        let account_tpub: String
    }
    struct Address: Decodable, Sendable {
        let scheme: String
        let index: UInt32
        let path: String
        let address: String
        let scriptPubKey: String
        let pubkey: String
    }
    let mnemonic: String
    let schemes: [Scheme]
    let addresses: [Address]
}

/// Derivers are built once per (mnemonic, scheme) so parameterized cases stay fast.
final class DeriverCache: @unchecked Sendable {
    static let shared = DeriverCache()
    private var seeds: [String: SecretBytes] = [:]
    private let lock = NSLockish()

    func seed(_ mnemonic: String, _ passphrase: String) throws -> SecretBytes {
        try lock.with {
            if let s = seeds[mnemonic + "|" + passphrase] { return s }
            let s = try BIP39.seed(mnemonic: mnemonic, passphrase: passphrase)
            seeds[mnemonic + "|" + passphrase] = s
            return s
        }
    }
}

@Suite struct CrossCheckTests {
    static func load(_ file: String) -> [CrossCheckVector] {
        try! Vectors.load("addresses/\(file)", as: VectorFile<CrossCheckVector>.self).vectors
    }
    static let evmTron = load("evm_tron_bip_utils.json")
    static let solana = load("solana_bip_utils.json")
    static let bitcoin = load("bitcoin_bip_utils.json")
    static let tokenAccounts = try! Vectors.load(
        "addresses/solana_token_accounts_solders.json", as: VectorFile<TokenAccountVector>.self
    ).vectors
    static let onCurve = try! Vectors.load("addresses/ed25519_on_curve_solders.json", as: VectorFile<OnCurveVector>.self)
        .vectors
    static let core = try! Vectors.load("addresses/bitcoin_core_regtest.json", as: BitcoinCoreAddresses.self)

    static func scheme(_ v: CrossCheckVector) throws -> DerivationScheme {
        try DerivationScheme(
            network: NetworkID(id: v.network), script: v.script.map { BitcoinScript(rawValue: $0)! }, account: v.account)
    }

    @Test(arguments: CrossCheckTests.evmTron + CrossCheckTests.solana + CrossCheckTests.bitcoin)
    func fromSeedMatchesIndependentImplementation(_ v: CrossCheckVector) throws {
        let seed = try DeriverCache.shared.seed(v.mnemonic, v.passphrase)
        let derived = try AddressDeriver(scheme: Self.scheme(v), seed: seed).address(index: v.index)
        #expect(derived.address == v.address)
        #expect(derived.publicKey == v.public_key)
        #expect(derived.path == v.path)
        #expect(try AddressCodec.parse(v.address, network: NetworkID(id: v.network)).normalized == v.address)
    }

    @Test(arguments: CrossCheckTests.bitcoin)
    func watchOnlyFromPublishedAccountKey(_ v: CrossCheckVector) throws {
        guard case .public(let key, let version) = try ExtendedKeyCodec.parse(v.account_xpub!) else {
            Issue.record("account key parsed as private")
            return
        }
        let derived = try AddressDeriver(scheme: Self.scheme(v), accountKey: key, version: version).address(index: v.index)
        #expect(derived.address == v.address)
        #expect(derived.path == v.path)
        let seed = try DeriverCache.shared.seed(v.mnemonic, v.passphrase)
        #expect(try AddressDeriver.accountExtendedPublicKey(scheme: Self.scheme(v), seed: seed) == v.account_xpub)
    }

    @Test(arguments: CrossCheckTests.evmTron)
    func watchOnlyEVMAndTronMatchSeed(_ v: CrossCheckVector) throws {
        let seed = try DeriverCache.shared.seed(v.mnemonic, v.passphrase)
        let scheme = try Self.scheme(v)
        let xpub = try AddressDeriver.accountExtendedPublicKey(scheme: scheme, seed: seed)
        guard case .public(let key, let version) = try ExtendedKeyCodec.parse(xpub) else { return }
        #expect(version == .xpub)
        #expect(try AddressDeriver(scheme: scheme, accountKey: key, version: version).address(index: v.index).address == v.address)
    }

    @Test(arguments: CrossCheckTests.tokenAccounts)
    func associatedTokenAccountMatchesSolders(_ v: TokenAccountVector) throws {
        #expect(try SolanaAddress.associatedTokenAccount(owner: v.owner, mint: v.mint, tokenProgram: v.token_program)
            == v.associated_token_account)
    }

    @Test func associatedTokenAccountSeenOnMainnet() throws {
        // From a recorded mainnet getTransaction: the ATA created for this wallet's USDC.
        #expect(try SolanaAddress.associatedTokenAccount(
            owner: "3i476kTBBTy7pBGx4CXwJpJ6phuwLQgcwLTdHhU3c7ui", mint: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")
            == "H51DXRt3ubThhdhNeDMScfkbC5X4AWzYfHaZS3JKEfPh")
    }

    @Test(arguments: CrossCheckTests.onCurve)
    func onCurveMatchesSolders(_ v: OnCurveVector) {
        #expect(SolanaAddress.isOnCurve(hex(v.bytes)) == v.on_curve)
    }

    @Test func bitcoinCoreRegtestDescriptorsAndAddresses() throws {
        let seed = try BIP39.seed(mnemonic: Self.core.mnemonic)
        let scripts = ["p2wpkh": BitcoinScript.p2wpkh, "p2tr": .p2tr, "p2sh-p2wpkh": .p2shP2wpkh]
        for s in Self.core.schemes {
            let scheme = try DerivationScheme(network: .bitcoinRegtest, script: scripts[s.scheme]!)
            #expect(scheme.accountPath.description == s.account_path)
            guard case .public(let coreKey, let version) = try ExtendedKeyCodec.parse(s.account_tpub) else { continue }
            #expect(version == .tpub)
            // Our key (SLIP-0132 version where one exists) carries the same node as Core's tpub.
            guard case .public(let ours, _) = try ExtendedKeyCodec.parse(
                AddressDeriver.accountExtendedPublicKey(scheme: scheme, seed: seed))
            else { continue }
            #expect(ours.publicKey == coreKey.publicKey && ours.chainCode == coreKey.chainCode)
            #expect(ours.serialized(version: .tpub) == s.account_tpub)
            let fromSeed = try AddressDeriver(scheme: scheme, seed: seed)
            let watchOnly = try AddressDeriver(scheme: scheme, accountKey: coreKey, version: version)
            let rows = Self.core.addresses.filter { $0.scheme == s.scheme }
            #expect(!rows.isEmpty)
            for a in rows {
                let d = try fromSeed.address(index: a.index)
                #expect(d.address == a.address)
                #expect(d.path == a.path)
                #expect(d.publicKey == a.pubkey)
                #expect(try watchOnly.address(index: a.index) == d)
                #expect(Hex.encode(try AddressCodec.parse(a.address, network: .bitcoinRegtest).matchKey) == a.scriptPubKey)
            }
        }
    }
}
