import LodestoneCore
import Testing

/// The `<pre>` blocks of BIP84/86/49 as `path → name → value`.
struct BIPExampleFile: Decodable {
    struct Group: Decodable {
        let path: String?
        let values: [String: Value]
    }
    struct Value: Decodable { let value: String }
    let groups: [Group]

    func value(_ name: String, at path: String? = nil) throws -> String {
        let group = try #require(groups.first { $0.path == path && $0.values[name] != nil }, "\(name) at \(path ?? "-")")
        return group.values[name]!.value
    }
}

@Suite struct BIP84BIP86BIP49Tests {
    static let bip84: BIPExampleFile = try! Vectors.load("bip/bip84.json")
    static let bip86: BIPExampleFile = try! Vectors.load("bip/bip86.json")
    static let bip49: BIPExampleFile = try! Vectors.load("bip/bip49.json")

    static func seed(_ file: BIPExampleFile, _ key: String = "mnemonic") throws -> SecretBytes {
        try BIP39.seed(mnemonic: file.value(key))
    }

    @Test func bip84() throws {
        let f = Self.bip84
        let seed = try Self.seed(f)
        let root = try ExtendedPrivateKey(seed: seed)
        #expect(root.serialized(version: .zprv) == (try f.value("rootpriv")))
        #expect(root.neutered.serialized(version: .zpub) == (try f.value("rootpub")))
        let account = try root.derive(DerivationPath("m/84'/0'/0'"))
        #expect(account.serialized(version: .zprv) == (try f.value("xpriv", at: "m/84'/0'/0'")))
        #expect(account.neutered.serialized(version: .zpub) == (try f.value("xpub", at: "m/84'/0'/0'")))
        let scheme = try DerivationScheme(network: .bitcoin, script: .p2wpkh)
        #expect(try AddressDeriver.accountExtendedPublicKey(scheme: scheme, seed: seed) == (try f.value("xpub", at: "m/84'/0'/0'")))
        for (path, index) in [("m/84'/0'/0'/0/0", UInt32(0)), ("m/84'/0'/0'/0/1", 1)] {
            let derived = try AddressDeriver(scheme: scheme, seed: seed).address(index: index)
            #expect(derived.address == (try f.value("address", at: path)))
            #expect(derived.publicKey == (try f.value("pubkey", at: path)))
            #expect(derived.path == path)
        }
        // The change address (…/1/0) through the lower-level API.
        let change = try account.derive(DerivationPath("m/1/0")).neutered
        #expect(AddressEncoder.address(of: change, network: .bitcoin, script: .p2wpkh)
            == (try f.value("address", at: "m/84'/0'/0'/1/0")))
    }

    @Test func bip86() throws {
        let f = Self.bip86
        let seed = try Self.seed(f)
        let root = try ExtendedPrivateKey(seed: seed)
        #expect(root.serialized(version: .xprv) == (try f.value("rootpriv")))
        #expect(root.neutered.serialized(version: .xpub) == (try f.value("rootpub")))
        let scheme = try DerivationScheme(network: .bitcoin, script: .p2tr)
        #expect(try AddressDeriver.accountExtendedPublicKey(scheme: scheme, seed: seed) == (try f.value("xpub", at: "m/86'/0'/0'")))
        for path in ["m/86'/0'/0'/0/0", "m/86'/0'/0'/0/1", "m/86'/0'/0'/1/0"] {
            let node = try root.derive(DerivationPath(path))
            #expect(node.serialized(version: .xprv) == (try f.value("xprv", at: path)))
            let keys = AddressEncoder.taprootKeys(of: node.neutered)
            #expect(Hex.encode(keys.internal) == (try f.value("internal_key", at: path)))
            #expect(Hex.encode(keys.output) == (try f.value("output_key", at: path)))
            #expect(AddressEncoder.address(of: node.neutered, network: .bitcoin, script: .p2tr) == (try f.value("address", at: path)))
            let parsed = try AddressCodec.parse(try f.value("address", at: path), network: .bitcoin)
            #expect(Hex.encode(parsed.matchKey) == (try f.value("scriptPubKey", at: path)))
            #expect(parsed.kind == .p2tr)
        }
    }

    @Test func bip49Testnet() throws {
        let f = Self.bip49
        let seed = try Self.seed(f, "masterseedWords")
        let root = try ExtendedPrivateKey(seed: seed)
        #expect(root.serialized(version: .uprv) == (try f.value("masterseed")))
        let account = try root.derive(DerivationPath("m/49'/1'/0'"))
        #expect(account.serialized(version: .uprv) == (try f.value("account0Xpriv", at: "m/49'/1'/0'")))
        #expect(account.neutered.serialized(version: .upub) == (try f.value("account0Xpub", at: "m/49'/1'/0'")))
        let leaf = try account.derive(DerivationPath("m/0/0"))
        #expect("0x" + Hex.encode(leaf.privateKey.unsafeCopy) == (try f.value("account0recvPrivateKeyHex", at: "m/49'/1'/0'/0/0")))
        #expect("0x" + Hex.encode(leaf.publicKey) == (try f.value("account0recvPublicKeyHex", at: "m/49'/1'/0'/0/0")))
        #expect("0x" + Hex.encode(Hashes.hash160(leaf.publicKey)) == (try f.value("keyhash")))
        let scheme = try DerivationScheme(network: .bitcoinTestnet, script: .p2shP2wpkh)
        let derived = try AddressDeriver(scheme: scheme, seed: seed).address(index: 0)
        #expect(derived.address == (try f.value("address")))
        let parsed = try AddressCodec.parse(derived.address, network: .bitcoinTestnet)
        #expect(parsed.kind == .p2sh)
        #expect(Hex.encode(parsed.matchKey) == "a914" + (try f.value("addressBytes")).dropFirst(2) + "87")
    }
}
