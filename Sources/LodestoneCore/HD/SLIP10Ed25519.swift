import Crypto

/// SLIP-0010 key derivation over ed25519 (hardened steps only), as Solana wallets use it.
public struct SLIP10Ed25519Key: Sendable {
    /// The 32-byte private key (the ed25519 seed).
    public let privateKey: SecretBytes
    /// The 32-byte chain code.
    public let chainCode: SecretBytes

    /// The master key of `seed` (HMAC-SHA512 keyed with "ed25519 seed").
    public init(seed: SecretBytes) throws(CoreError) {
        guard (16...64).contains(seed.count) else { throw .invalidSeedLength(seed.count) }
        let i = seed.withUnsafeBytes { Hashes.hmacSHA512(key: Array("ed25519 seed".utf8), data: $0) }
        privateKey = SecretBytes(i[0..<32])
        chainCode = SecretBytes(i[32..<64])
    }

    private init(privateKey: SecretBytes, chainCode: SecretBytes) {
        self.privateKey = privateKey
        self.chainCode = chainCode
    }

    /// The hardened child `index` (the hardened offset may already be set).
    public func child(_ index: UInt32) throws(CoreError) -> SLIP10Ed25519Key {
        guard index >= DerivationPath.hardenedOffset else { throw .ed25519NeedsHardened }
        var data: [UInt8] = [0]
        privateKey.withUnsafeBytes { data += $0 }
        data += withUnsafeBytes(of: index.bigEndian, Array.init)
        let i = chainCode.withUnsafeBytes { Hashes.hmacSHA512(key: $0, data: data) }
        for j in data.indices { data[j] = 0 }
        return SLIP10Ed25519Key(privateKey: SecretBytes(i[0..<32]), chainCode: SecretBytes(i[32..<64]))
    }

    /// The key at `path` below this one.
    public func derive(_ path: DerivationPath) throws(CoreError) -> SLIP10Ed25519Key {
        var key = self
        for c in path.components { key = try key.child(c) }
        return key
    }

    /// The 32-byte ed25519 public key.
    public var publicKey: [UInt8] {
        // 32 bytes always form a valid ed25519 private key seed.
        let key = try! privateKey.withUnsafeBytes { try Curve25519.Signing.PrivateKey(rawRepresentation: $0) }
        return Array(key.publicKey.rawRepresentation)
    }
}
