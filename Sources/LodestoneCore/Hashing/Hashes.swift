import Crypto
import Foundation

/// The hash functions addresses and keys are built from, returning plain byte arrays.
public enum Hashes {
    /// SHA-256.
    public static func sha256(_ data: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: data)) }

    /// SHA-256 applied twice (Base58Check checksums).
    public static func sha256d(_ data: [UInt8]) -> [UInt8] { sha256(sha256(data)) }

    /// RIPEMD-160(SHA-256(data)): Bitcoin's key and script hash.
    public static func hash160(_ data: [UInt8]) -> [UInt8] { RIPEMD160.hash(sha256(data)) }

    /// RIPEMD-160 alone.
    public static func ripemd160(_ data: [UInt8]) -> [UInt8] { RIPEMD160.hash(data) }

    /// BIP340 tagged hash: SHA-256(SHA-256(tag) ‖ SHA-256(tag) ‖ data).
    public static func tagged(_ tag: String, _ data: [UInt8]) -> [UInt8] {
        let t = sha256(Array(tag.utf8))
        return sha256(t + t + data)
    }

    /// HMAC-SHA512.
    public static func hmacSHA512(key: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA512>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// HMAC-SHA512 keyed or fed from scoped secret memory.
    static func hmacSHA512(key: some ContiguousBytes, data: some DataProtocol) -> [UInt8] {
        Array(HMAC<SHA512>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// Keccak-256.
    public static func keccak256(_ data: [UInt8]) -> [UInt8] { Keccak256.hash(data) }
}

/// HMAC-SHA512 with its key schedule done once; `authenticate` copies the prepared state.
struct ChildHMAC: Sendable {
    private let prepared: HMAC<SHA512>

    init(chainCode: [UInt8]) { prepared = HMAC<SHA512>(key: SymmetricKey(data: chainCode)) }

    func authenticate(_ data: [UInt8]) -> [UInt8] {
        var mac = prepared
        mac.update(data: data)
        return Array(mac.finalize())
    }
}
