/// A BIP32 public node: enough to derive every non-hardened descendant (watch-only).
public struct ExtendedPublicKey: Sendable {
    let key: Secp256k1.PublicKey
    // HMAC keyed with the chain code, prepared once: each child copies it instead of re-keying.
    private let childHMAC: ChildHMAC
    /// 33-byte compressed public key.
    public let publicKey: [UInt8]
    /// 32-byte chain code.
    public let chainCode: [UInt8]
    /// Depth below the master node.
    public let depth: UInt8
    /// First 4 bytes of the parent's HASH160 (0 for the master).
    public let parentFingerprint: UInt32
    /// This node's child number (hardened ones include the offset).
    public let childNumber: UInt32

    init(key: Secp256k1.PublicKey, chainCode: [UInt8], depth: UInt8, parentFingerprint: UInt32, childNumber: UInt32) {
        self.key = key
        self.publicKey = key.compressed
        self.chainCode = chainCode
        self.depth = depth
        self.parentFingerprint = parentFingerprint
        self.childNumber = childNumber
        self.childHMAC = ChildHMAC(chainCode: chainCode)
    }

    /// This node's fingerprint: the first 4 bytes of HASH160(public key).
    public var fingerprint: UInt32 {
        Hashes.hash160(publicKey).prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// 65-byte uncompressed public key (EVM and Tron hash it).
    public var uncompressedPublicKey: [UInt8] { key.uncompressed }

    /// The non-hardened child `index` (BIP32 CKDpub).
    public func child(_ index: UInt32) throws(CoreError) -> ExtendedPublicKey {
        let (childKey, childChainCode) = try childKeyAndChainCode(index)
        return ExtendedPublicKey(
            key: childKey, chainCode: childChainCode, depth: depth + 1, parentFingerprint: fingerprint,
            childNumber: index)
    }

    /// The child's public key and chain code only: the address hot path needs neither the
    /// parent fingerprint (a SHA-256 and a RIPEMD-160) nor a full node.
    func childKeyAndChainCode(_ index: UInt32) throws(CoreError) -> (Secp256k1.PublicKey, [UInt8]) {
        guard index < DerivationPath.hardenedOffset else { throw .hardenedFromPublic }
        guard depth < 255 else { throw .invalidPath("deeper than 255 levels") }
        let i = childHMAC.authenticate(publicKey + withUnsafeBytes(of: index.bigEndian, Array.init))
        guard let childKey = Secp256k1.publicKeyTweakAdd(key, tweak: i[0..<32]) else { throw .invalidChildKey }
        return (childKey, Array(i[32..<64]))
    }

    /// The descendant at the relative `path` (every step non-hardened).
    public func derive(_ path: DerivationPath) throws(CoreError) -> ExtendedPublicKey {
        var node = self
        for c in path.components { node = try node.child(c) }
        return node
    }

    /// Base58Check serialization with the given public version.
    public func serialized(version: KeyVersion) -> String {
        precondition(!version.isPrivate, "public key serialized with a private version")
        return Base58.encodeCheck(
            ExtendedKeyCodec.header(version: version, depth: depth, parent: parentFingerprint, child: childNumber)
                + chainCode + publicKey)
    }
}
