public import Crypto
import Foundation

/// Seals secrets that Lodestone must be able to read back (webhook signing secrets) before they
/// reach the database: AES-256-GCM under the deployment's data key, with the owning row's id as
/// associated data so a sealed value cannot be moved to another row. A reader of the database
/// alone learns nothing of them.
public struct SecretSealer: Sendable {
    private let key: SymmetricKey
    static let prefix = "sealed:v1:"

    /// A sealer over a 32-byte data key.
    public init(key: SymmetricKey) throws(StoreError) {
        guard key.bitCount == 256 else { throw .badURL("the data key must be 32 bytes") }
        self.key = key
    }

    /// A sealer over a new random key (tests).
    public static func random() -> SecretSealer { try! SecretSealer(key: SymmetricKey(size: .bits256)) }

    /// `plaintext` sealed, bound to `owner`.
    public func seal(_ plaintext: String, owner: String) throws -> String {
        let box = try AES.GCM.seal(Array(plaintext.utf8), using: key, authenticating: Array(owner.utf8))
        guard let combined = box.combined else { throw StoreError.corrupt("sealing produced no box") }
        return Self.prefix + combined.base64EncodedString()
    }

    /// The plaintext of a value `seal` produced for `owner`.
    public func open(_ sealed: String, owner: String) throws(StoreError) -> String {
        guard sealed.hasPrefix(Self.prefix), let combined = Data(base64Encoded: String(sealed.dropFirst(Self.prefix.count))) else {
            throw .corrupt("a sealed secret of \(owner) is not in the sealed format")
        }
        do {
            let plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: combined), using: key, authenticating: Array(owner.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw .corrupt("the sealed secret of \(owner) does not open with this data key (LODESTONE_DATA_KEY or the data key file differs from the one it was sealed with)")
        }
    }

    /// Whether a stored value is sealed (older databases kept secrets in plain text).
    public static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }
}
