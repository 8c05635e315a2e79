import Crypto
import CryptoExtras
import Foundation
public import LodestoneCore

/// Seals the HD seed at rest: AES-256-GCM under a key derived with scrypt from the operator's
/// passphrase (`LODESTONE_SEED_PASSPHRASE`). The sealed text is all the database ever holds.
public enum KeyVault {
    /// Failures to seal or open the seed.
    public enum Failure: Error, CustomStringConvertible {
        case wrongPassphrase
        case malformed(String)
        case weakPassphrase

        public var description: String {
            switch self {
            case .wrongPassphrase: return "the seed passphrase is wrong (or the sealed seed was altered)"
            case .malformed(let why): return "sealed seed is malformed: \(why)"
            case .weakPassphrase: return "LODESTONE_SEED_PASSPHRASE must be at least 12 characters"
            }
        }
    }

    struct Sealed: Codable {
        var version = 1
        var kdf = "scrypt"
        var n: Int
        var r: Int
        var p: Int
        var salt: String
        var box: String
        var development: Bool
    }

    /// scrypt cost: N = 2^15, r = 8 (32 MiB, about 0.1 s here): cheap once at start, costly to guess.
    static let n = 1 << 15
    static let r = 8
    static let p = 1

    /// Seals `seed`; `development` marks a wallet that must never hold real funds.
    public static func seal(_ seed: SecretBytes, passphrase: String, development: Bool) throws -> String {
        guard passphrase.count >= 12 else { throw Failure.weakPassphrase }
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let key = try deriveKey(passphrase: passphrase, salt: salt, n: n, r: r, p: p)
        let box = try seed.withUnsafeBytes { try AES.GCM.seal($0, using: key) }
        guard let combined = box.combined else { throw Failure.malformed("no combined box") }
        let sealed = Sealed(
            n: n, r: r, p: p, salt: Data(salt).base64EncodedString(), box: combined.base64EncodedString(),
            development: development)
        return String(decoding: try JSONEncoder().encode(sealed), as: UTF8.self)
    }

    /// Opens a sealed seed; returns it and whether it is a development wallet.
    public static func open(_ text: String, passphrase: String) throws -> (seed: SecretBytes, development: Bool) {
        let sealed: Sealed
        do { sealed = try JSONDecoder().decode(Sealed.self, from: Data(text.utf8)) } catch {
            throw Failure.malformed("not the expected JSON")
        }
        guard sealed.version == 1, sealed.kdf == "scrypt", let salt = Data(base64Encoded: sealed.salt),
            let combined = Data(base64Encoded: sealed.box)
        else { throw Failure.malformed("unknown version or encoding") }
        guard (1 << 10...1 << 20).contains(sealed.n), (1...32).contains(sealed.r), (1...16).contains(sealed.p) else {
            throw Failure.malformed("scrypt parameters out of range")
        }
        let key = try deriveKey(passphrase: passphrase, salt: Array(salt), n: sealed.n, r: sealed.r, p: sealed.p)
        do {
            let plain = try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key)
            return (SecretBytes(plain), sealed.development)
        } catch {
            throw Failure.wrongPassphrase
        }
    }

    static func deriveKey(passphrase: String, salt: [UInt8], n: Int, r: Int, p: Int) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(
            from: Array(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: n, blockSize: r, parallelism: p)
    }
}
