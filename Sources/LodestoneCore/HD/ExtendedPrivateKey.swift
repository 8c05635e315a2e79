/// A BIP32 private node over secp256k1. The key bytes stay in `SecretBytes`.
public struct ExtendedPrivateKey: Sendable {
    /// 32-byte private key.
    public let privateKey: SecretBytes
    /// 32-byte chain code.
    public let chainCode: [UInt8]
    /// Depth below the master node.
    public let depth: UInt8
    /// First 4 bytes of the parent's HASH160 (0 for the master).
    public let parentFingerprint: UInt32
    /// This node's child number (hardened ones include the offset).
    public let childNumber: UInt32
    let key: Secp256k1.PublicKey
    /// The 33-byte compressed public key.
    public let publicKey: [UInt8]
    private let childHMAC: ChildHMAC

    init(privateKey: SecretBytes, chainCode: [UInt8], depth: UInt8, parentFingerprint: UInt32, childNumber: UInt32)
        throws(CoreError)
    {
        guard let pub = privateKey.withUnsafeBytes({ Secp256k1.publicKey(privateKey: $0) }) else {
            throw .invalidPrivateKey("not in 1..n-1")
        }
        self.privateKey = privateKey
        self.chainCode = chainCode
        self.depth = depth
        self.parentFingerprint = parentFingerprint
        self.childNumber = childNumber
        self.key = pub
        self.publicKey = pub.compressed
        self.childHMAC = ChildHMAC(chainCode: chainCode)
    }

    /// The BIP32 master node of `seed` (HMAC-SHA512 keyed with "Bitcoin seed").
    public init(seed: SecretBytes) throws(CoreError) {
        guard (16...64).contains(seed.count) else { throw .invalidSeedLength(seed.count) }
        let i = seed.withUnsafeBytes { Hashes.hmacSHA512(key: Array("Bitcoin seed".utf8), data: $0) }
        guard Secp256k1.isValidPrivateKey(Array(i[0..<32])) else { throw .invalidChildKey }
        try self.init(
            privateKey: SecretBytes(i[0..<32]), chainCode: Array(i[32..<64]), depth: 0, parentFingerprint: 0,
            childNumber: 0)
    }


    /// The public node with the same position (BIP32 N()).
    public var neutered: ExtendedPublicKey {
        ExtendedPublicKey(
            key: key, chainCode: chainCode, depth: depth, parentFingerprint: parentFingerprint,
            childNumber: childNumber)
    }

    /// The child `index`, hardened when it carries the offset (BIP32 CKDpriv).
    public func child(_ index: UInt32) throws(CoreError) -> ExtendedPrivateKey {
        guard depth < 255 else { throw .invalidPath("deeper than 255 levels") }
        var data: [UInt8]
        if index >= DerivationPath.hardenedOffset {
            data = [0]
            privateKey.withUnsafeBytes { data += $0 }
        } else {
            data = publicKey
        }
        data += withUnsafeBytes(of: index.bigEndian, Array.init)
        let i = childHMAC.authenticate(data)
        for j in data.indices { data[j] = 0 }
        guard let k = privateKey.withUnsafeBytes({ Secp256k1.privateKeyTweakAdd($0, tweak: i[0..<32]) }) else {
            throw .invalidChildKey
        }
        let secret = SecretBytes(k)
        return try ExtendedPrivateKey(
            privateKey: secret, chainCode: Array(i[32..<64]), depth: depth + 1,
            parentFingerprint: neutered.fingerprint, childNumber: index)
    }

    /// The descendant at the relative `path`.
    public func derive(_ path: DerivationPath) throws(CoreError) -> ExtendedPrivateKey {
        var node = self
        for c in path.components { node = try node.child(c) }
        return node
    }

    /// Base58Check serialization with the given private version. The result is secret.
    public func serialized(version: KeyVersion) -> String {
        precondition(version.isPrivate, "private key serialized with a public version")
        var payload = ExtendedKeyCodec.header(
            version: version, depth: depth, parent: parentFingerprint, child: childNumber)
        payload += chainCode + [0]
        privateKey.withUnsafeBytes { payload += $0 }
        return Base58.encodeCheck(payload)
    }
}
