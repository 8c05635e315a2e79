/// An extended key parsed from its Base58Check text, with the version it carried.
public enum ParsedExtendedKey: Sendable {
    case `public`(ExtendedPublicKey, KeyVersion)
    case `private`(ExtendedPrivateKey, KeyVersion)

    /// The version prefix the text carried.
    public var version: KeyVersion {
        switch self {
        case .public(_, let v), .private(_, let v): return v
        }
    }
}

/// Serialization and strict parsing of BIP32 extended keys (78 bytes + checksum).
public enum ExtendedKeyCodec {
    static func header(version: KeyVersion, depth: UInt8, parent: UInt32, child: UInt32) -> [UInt8] {
        withUnsafeBytes(of: version.rawValue.bigEndian, Array.init) + [depth]
            + withUnsafeBytes(of: parent.bigEndian, Array.init) + withUnsafeBytes(of: child.bigEndian, Array.init)
    }

    /// Parses an xpub/xprv/tpub/… string, rejecting every malformation BIP32 test vector 5 lists.
    public static func parse(_ text: String) throws(CoreError) -> ParsedExtendedKey {
        let payload: [UInt8]
        do {
            payload = try Base58.decodeCheck(text)
        } catch .checksumMismatch(let why) {
            throw .checksumMismatch(why)
        } catch {
            throw .extendedKeyEncoding(error.description)
        }
        guard payload.count == 78 else { throw .extendedKeyLength(payload.count) }
        let be32 = { (o: Int) -> UInt32 in payload[o..<(o + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
        let rawVersion = be32(0)
        guard let version = KeyVersion(rawValue: rawVersion) else {
            throw .unknownExtendedKeyVersion("0x" + Hex.encode(payload[0..<4]))
        }
        let depth = payload[4]
        let parent = be32(5)
        let child = be32(9)
        if depth == 0 && parent != 0 { throw .zeroDepthWithParent }
        if depth == 0 && child != 0 { throw .zeroDepthWithIndex }
        let chainCode = Array(payload[13..<45])
        let keyData = Array(payload[45..<78])
        if version.isPrivate {
            switch keyData[0] {
            case 0x00: break
            case 0x02, 0x03: throw .extendedKeyVersionMismatch("private version with public key data")
            default: throw .invalidPrivateKey(String(format2: keyData[0]))
            }
            let secret = SecretBytes(keyData[1...])
            let key = try ExtendedPrivateKey(
                privateKey: secret, chainCode: chainCode, depth: depth, parentFingerprint: parent, childNumber: child)
            return .private(key, version)
        } else {
            switch keyData[0] {
            case 0x02, 0x03: break
            case 0x00: throw .extendedKeyVersionMismatch("public version with private key data")
            default: throw .invalidPublicKey(String(format2: keyData[0]))
            }
            guard let key = Secp256k1.parsePublicKey(keyData) else { throw .invalidPublicKey("not a point on secp256k1") }
            return .public(
                ExtendedPublicKey(key: key, chainCode: chainCode, depth: depth, parentFingerprint: parent, childNumber: child),
                version)
        }
    }
}

extension String {
    fileprivate init(format2 prefix: UInt8) {
        self = "key data starts with 0x" + Hex.encode([prefix])
    }
}
