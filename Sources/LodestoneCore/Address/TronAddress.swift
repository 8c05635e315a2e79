/// Tron addresses: Base58Check of 0x41 ‖ the same 20 bytes an EVM address has.
public enum TronAddress {
    /// Tron mainnet's address prefix byte.
    public static let prefix: UInt8 = 0x41

    /// The 21-byte form (0x41 ‖ account) of a secp256k1 public key.
    public static func raw(uncompressedPublicKey key: [UInt8]) -> [UInt8] {
        [prefix] + EVMAddress.account(uncompressedPublicKey: key)
    }

    /// The T-address of a 21-byte raw address.
    public static func encode(raw: [UInt8]) -> String {
        precondition(raw.count == 21 && raw[0] == prefix)
        return Base58.encodeCheck(raw)
    }

    /// Parses a T-address (or the 42-digit hex `41…` form nodes return).
    public static func parse(_ text: String) throws(CoreError) -> ParsedAddress {
        let raw: [UInt8]
        if text.utf8.count == 42, text.hasPrefix("41"), let bytes = try? Hex.decode(text) {
            raw = bytes
        } else {
            do { raw = try Base58.decodeCheck(text) } catch {
                throw .invalidAddress("Tron address: \(error.description)")
            }
        }
        guard raw.count == 21 else { throw .invalidAddress("Tron address must be 21 bytes, has \(raw.count)") }
        guard raw[0] == prefix else {
            throw .wrongNetwork("Tron prefix is 0x41, this address has 0x\(Hex.encode([raw[0]]))")
        }
        return ParsedAddress(family: .tron, kind: .tron, normalized: encode(raw: raw), matchKey: raw)
    }
}
