import LodestoneCore
import Testing

struct SLIP10Chain: Decodable, Sendable {
    let chain: String
    let fingerprint: String
    let chain_code: String
    let `private`: String
    let `public`: String
}

struct SLIP10Vector: Decodable, Sendable {
    let name: String
    let curve: String
    let seed_hex: String
    let chains: [SLIP10Chain]
}

struct SLIP10Case: Sendable, CustomTestStringConvertible {
    let vector: String
    let seed: String
    let chain: SLIP10Chain
    var testDescription: String { "\(vector) \(chain.chain)" }
}

@Suite struct SLIP10Tests {
    static let vectors: [SLIP10Vector] = try! Vectors.load("bip/slip10.json", as: VectorFile<SLIP10Vector>.self).vectors
    static func cases(_ curve: String) -> [SLIP10Case] {
        vectors.filter { $0.curve == curve }.flatMap { v in
            v.chains.map { SLIP10Case(vector: v.name, seed: v.seed_hex, chain: $0) }
        }
    }

    @Test func coversBothCurves() {
        #expect(Self.cases("secp256k1").count >= 12)
        #expect(Self.cases("ed25519").count >= 12)
    }

    @Test(arguments: SLIP10Tests.cases("secp256k1"))
    func secp256k1(_ c: SLIP10Case) throws {
        let node = try ExtendedPrivateKey(seed: SecretBytes(hex(c.seed))).derive(DerivationPath(c.chain.chain))
        #expect(node.privateKey.unsafeCopy == hex(c.chain.private))
        #expect(node.chainCode == hex(c.chain.chain_code))
        #expect(node.publicKey == hex(c.chain.public))
        #expect(node.parentFingerprint == UInt32(c.chain.fingerprint, radix: 16))
    }

    @Test(arguments: SLIP10Tests.cases("ed25519"))
    func ed25519(_ c: SLIP10Case) throws {
        let node = try SLIP10Ed25519Key(seed: SecretBytes(hex(c.seed))).derive(DerivationPath(c.chain.chain))
        #expect(node.privateKey.unsafeCopy == hex(c.chain.private))
        #expect(node.chainCode.unsafeCopy == hex(c.chain.chain_code))
        #expect([0] + node.publicKey == hex(c.chain.public))
    }

    @Test func ed25519RefusesNormalIndexes() throws {
        let root = try SLIP10Ed25519Key(seed: SecretBytes(hex("000102030405060708090a0b0c0d0e0f")))
        #expect(throws: CoreError.ed25519NeedsHardened) { try root.child(0) }
        #expect(throws: CoreError.ed25519NeedsHardened) { try root.derive(DerivationPath("m/44'/501'/0")) }
    }

    @Test(arguments: [0, 15, 65])
    func seedLengthIsChecked(_ n: Int) {
        #expect(throws: CoreError.invalidSeedLength(n)) { try SLIP10Ed25519Key(seed: SecretBytes(Array(repeating: 1, count: n))) }
        #expect(throws: CoreError.invalidSeedLength(n)) { try ExtendedPrivateKey(seed: SecretBytes(Array(repeating: 1, count: n))) }
    }
}
