import LodestoneCore
import Testing

struct BIP32Chain: Decodable, Sendable {
    let chain: String
    let ext_pub: String
    let ext_prv: String
}

struct BIP32Vector: Decodable, Sendable {
    let name: String
    let seed_hex: String?
    let chains: [BIP32Chain]?
    let invalid_extended_keys: [InvalidKey]?
    struct InvalidKey: Decodable, Sendable, CustomTestStringConvertible {
        let key: String
        let reason: String
        var testDescription: String { reason }
    }
}

struct BIP32Case: Sendable, CustomTestStringConvertible {
    let seed: String
    let chain: BIP32Chain
    var testDescription: String { "\(seed.prefix(8)) \(chain.chain)" }
}

@Suite struct BIP32Tests {
    static let vectors: [BIP32Vector] = try! Vectors.load("bip/bip32.json", as: VectorFile<BIP32Vector>.self).vectors
    static let derivations: [BIP32Case] = vectors.flatMap { v in
        (v.chains ?? []).map { BIP32Case(seed: v.seed_hex!, chain: $0) }
    }
    static let invalid = vectors.flatMap { $0.invalid_extended_keys ?? [] }

    @Test func vectorFileHasAllFive() {
        #expect(Self.vectors.count == 5)
        #expect(Self.derivations.count == 17)
        #expect(Self.invalid.count == 16)
    }

    @Test(arguments: BIP32Tests.derivations)
    func derivesPublishedKeys(_ c: BIP32Case) throws {
        let path = try DerivationPath(c.chain.chain)
        let node = try ExtendedPrivateKey(seed: SecretBytes(hex(c.seed))).derive(path)
        #expect(node.serialized(version: .xprv) == c.chain.ext_prv)
        #expect(node.neutered.serialized(version: .xpub) == c.chain.ext_pub)
    }

    @Test(arguments: BIP32Tests.derivations)
    func parsesAndReserializes(_ c: BIP32Case) throws {
        guard case .private(let prv, let v1) = try ExtendedKeyCodec.parse(c.chain.ext_prv) else {
            Issue.record("xprv parsed as public")
            return
        }
        #expect(v1 == .xprv)
        #expect(prv.serialized(version: .xprv) == c.chain.ext_prv)
        guard case .public(let pub, let v2) = try ExtendedKeyCodec.parse(c.chain.ext_pub) else {
            Issue.record("xpub parsed as private")
            return
        }
        #expect(v2 == .xpub)
        #expect(pub.serialized(version: .xpub) == c.chain.ext_pub)
        #expect(pub.publicKey == prv.publicKey)
    }

    /// Public derivation of every non-hardened tail equals private derivation then neuter.
    @Test(arguments: BIP32Tests.derivations)
    func publicDerivationMatchesPrivate(_ c: BIP32Case) throws {
        guard case .private(let prv, _) = try ExtendedKeyCodec.parse(c.chain.ext_prv) else { return }
        for index: UInt32 in [0, 1, 2_147_483_647] {
            #expect(try prv.child(index).neutered.serialized(version: .xpub)
                == (try prv.neutered.child(index).serialized(version: .xpub)))
        }
    }

    static func expectedError(_ reason: String) -> CoreError? {
        switch reason {
        case "pubkey version / prvkey mismatch": return .extendedKeyVersionMismatch("public version with private key data")
        case "prvkey version / pubkey mismatch": return .extendedKeyVersionMismatch("private version with public key data")
        case "invalid pubkey prefix 04": return .invalidPublicKey("key data starts with 0x04")
        case "invalid prvkey prefix 04": return .invalidPrivateKey("key data starts with 0x04")
        case "invalid pubkey prefix 01": return .invalidPublicKey("key data starts with 0x01")
        case "invalid prvkey prefix 01": return .invalidPrivateKey("key data starts with 0x01")
        case "zero depth with non-zero parent fingerprint": return .zeroDepthWithParent
        case "zero depth with non-zero index": return .zeroDepthWithIndex
        case "private key 0 not in 1..n-1", "private key n not in 1..n-1": return .invalidPrivateKey("not in 1..n-1")
        case "invalid checksum": return .checksumMismatch("Base58Check checksum is wrong")
        case _ where reason.hasPrefix("invalid pubkey 02"): return .invalidPublicKey("not a point on secp256k1")
        default: return nil
        }
    }

    @Test(arguments: BIP32Tests.invalid)
    func rejectsVector5KeyWithSpecificError(_ bad: BIP32Vector.InvalidKey) throws {
        if bad.reason == "unknown extended key version" {
            #expect {
                try ExtendedKeyCodec.parse(bad.key)
            } throws: { error in
                guard case CoreError.unknownExtendedKeyVersion = error else { return false }
                return true
            }
            return
        }
        let expected = try #require(Self.expectedError(bad.reason), "no mapping for reason '\(bad.reason)'")
        #expect(throws: expected) { try ExtendedKeyCodec.parse(bad.key) }
    }

    @Test func hardenedChildOfPublicKeyIsRefused() throws {
        let node = try ExtendedPrivateKey(seed: SecretBytes(hex("000102030405060708090a0b0c0d0e0f"))).neutered
        #expect(throws: CoreError.hardenedFromPublic) { try node.child(0x8000_0000) }
    }

    @Test func privateKeyIsRedacted() throws {
        let node = try ExtendedPrivateKey(seed: SecretBytes(hex("000102030405060708090a0b0c0d0e0f")))
        #expect(!"\(node)".contains("e8f32e72"))
        #expect("\(node.privateKey)" == "<redacted>")
    }

    @Test(arguments: [
        ("m/84'/0'/0'/0/7", [0x8000_0054, 0x8000_0000, 0x8000_0000, 0, 7] as [UInt32]),
        ("m/84h/0H/0'/0/7", [0x8000_0054, 0x8000_0000, 0x8000_0000, 0, 7]),
        ("m", []),
        ("m/2147483647'", [0xFFFF_FFFF]),
    ])
    func parsesPaths(_ text: String, _ components: [UInt32]) throws {
        #expect(try DerivationPath(text).components == components)
    }

    @Test(arguments: ["", "84'/0'", "m/", "m//1", "m/-1", "m/1x", "m/2147483648", "m/2147483648'", "m/0''", "M/0", "m/ 1"])
    func rejectsBadPaths(_ text: String) {
        #expect(throws: CoreError.self) { try DerivationPath(text) }
    }

    @Test func pathPrintsCanonically() throws {
        #expect(try DerivationPath("m/44h/60H/0'/0/3").description == "m/44'/60'/0'/0/3")
    }
}
