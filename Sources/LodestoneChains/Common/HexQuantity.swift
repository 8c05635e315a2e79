import BigInt
import Foundation
public import LodestoneCore

/// Ethereum-style hex quantities (`0x1a`) as the JSON-RPC writes them.
public enum HexQuantity {
    /// As Int64, or nil when malformed or too large.
    public static func int64(_ text: String) -> Int64? {
        guard text.hasPrefix("0x") || text.hasPrefix("0X"), text.count > 2, text.count <= 18 else { return nil }
        guard let value = UInt64(text.dropFirst(2), radix: 16), value <= UInt64(Int64.max) else { return nil }
        return Int64(value)
    }

    /// As an amount of up to 256 bits.
    public static func amount(_ text: String) -> Amount? {
        guard text.hasPrefix("0x") || text.hasPrefix("0X"), text.count > 2, text.count <= 66 else { return nil }
        guard let value = BigUInt(text.dropFirst(2), radix: 16) else { return nil }
        return Amount(baseUnits: value)
    }
}

/// Decoding helpers that turn a malformed field into an error naming it.
extension KeyedDecodingContainer {
    func quantity(_ key: Key) throws -> Int64 {
        let text = try decode(String.self, forKey: key)
        guard let value = HexQuantity.int64(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a hex quantity: \(text)")
        }
        return value
    }

    func amount(_ key: Key) throws -> Amount {
        let text = try decode(String.self, forKey: key)
        guard let value = HexQuantity.amount(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a hex amount: \(text)")
        }
        return value
    }

    /// A Tron-style hash: 32 bytes of hex without a prefix, lower-cased.
    func bareHash(_ key: Key) throws -> String {
        let text = try decode(String.self, forKey: key)
        guard let hash = ChainHash.canonical(text, prefixed: false) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a 32-byte hex hash")
        }
        return hash
    }

    /// An EVM hash: `0x` and 32 bytes of hex, lower-cased.
    func hash(_ key: Key) throws -> String {
        let text = try decode(String.self, forKey: key)
        guard let hash = ChainHash.canonical(text, prefixed: true) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a 32-byte hex hash")
        }
        return hash
    }
}
