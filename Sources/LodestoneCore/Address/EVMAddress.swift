/// Ethereum-style 20-byte addresses with EIP-55 mixed-case checksums (all five EVM networks).
public enum EVMAddress {
    /// The 20-byte account of a secp256k1 public key (last 20 bytes of Keccak-256 of X ‖ Y).
    public static func account(uncompressedPublicKey key: [UInt8]) -> [UInt8] {
        precondition(key.count == 65 && key[0] == 0x04)
        return Array(Keccak256.hash(key[1...]).suffix(20))
    }

    /// EIP-55 text of a 20-byte account.
    public static func checksummed(_ account: [UInt8]) -> String {
        precondition(account.count == 20)
        var chars = Array(Hex.encode(account).utf8)
        let hash = Keccak256.hash(chars)
        for i in chars.indices where chars[i] >= UInt8(ascii: "a") {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
            if nibble >= 8 { chars[i] -= 32 }
        }
        return "0x" + String(decoding: chars, as: UTF8.self)
    }

    /// Parses `0x` + 40 hex digits; mixed case must carry a correct EIP-55 checksum.
    public static func parse(_ text: String) throws(CoreError) -> ParsedAddress {
        guard text.hasPrefix("0x") else { throw .invalidAddress("EVM address must start with 0x") }
        let body = text.dropFirst(2)
        guard body.utf8.count == 40 else {
            throw .invalidAddress("EVM address must have 40 hex digits, has \(body.utf8.count)")
        }
        let account: [UInt8]
        do { account = try Hex.decode(String(body)) } catch { throw .invalidAddress("EVM address has a non-hex character") }
        let expected = checksummed(account)
        let hasUpper = body.contains { $0.isUppercase }
        let hasLower = body.contains { $0.isLowercase }
        if hasUpper && hasLower && expected != text {
            throw .checksumMismatch("EIP-55 checksum is wrong (expected \(expected))")
        }
        return ParsedAddress(family: .evm, kind: .evm, normalized: expected, matchKey: account)
    }
}
