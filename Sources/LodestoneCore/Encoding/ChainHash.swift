/// Block and transaction hashes as nodes write them: 32 bytes of hex, `0x`-prefixed on EVM
/// chains, bare on Tron and Bitcoin; Base58 on Solana (32-byte block hashes, 64-byte signatures). Anything else (quotes, backslashes, other lengths, non-hex characters)
/// is refused before it can be stored, logged as data or placed in a signed body.
public enum ChainHash {
    /// The lower-case form of `text` when it is 32 bytes of hex with the expected prefix, else nil.
    public static func canonical(_ text: String, prefixed: Bool) -> String? {
        let utf8 = Array(text.utf8)
        let offset = prefixed ? 2 : 0
        guard utf8.count == 64 + offset else { return nil }
        if prefixed, utf8[0] != UInt8(ascii: "0") || (utf8[1] != UInt8(ascii: "x") && utf8[1] != UInt8(ascii: "X")) { return nil }
        var out = prefixed ? "0x" : ""
        out.reserveCapacity(utf8.count)
        for byte in utf8[offset...] {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "A")...UInt8(ascii: "F"): out.unicodeScalars.append(Unicode.Scalar(byte + 32))
            default: return nil
            }
        }
        return out
    }

    /// Whether `text` is already a canonical hash (either form).
    public static func isCanonical(_ text: String) -> Bool {
        canonical(text, prefixed: text.hasPrefix("0x")) == text
    }

    /// Whether `text` is the canonical Base58 form of exactly `bytes` bytes (Solana hashes and signatures).
    public static func isCanonicalBase58(_ text: String, bytes: Int) -> Bool {
        // Base58 of n bytes is at most ⌈n·log(256)/log(58)⌉ characters: refuse long input before decoding.
        guard !text.isEmpty, text.utf8.count <= bytes * 138 / 100 + 1, let decoded = try? Base58.decode(text) else { return false }
        return decoded.count == bytes && Base58.encode(decoded) == text
    }

    /// A transaction id as `family` writes it (EVM `0x` + 64 lower-case hex; Tron and Bitcoin 64
    /// lower-case hex; Solana a Base58 signature of 64 bytes), from what a person typed; nil when it
    /// is not one.
    public static func transactionID(_ text: String, family: ChainFamily) -> String? {
        switch family {
        case .evm: return canonical(text, prefixed: true)
        case .tron, .bitcoin:
            // Explorers show Tron ids bare and some tools prefix them: both are accepted.
            let bare = text.hasPrefix("0x") || text.hasPrefix("0X") ? String(text.dropFirst(2)) : text
            return canonical(bare, prefixed: false)
        case .solana: return isCanonicalBase58(text, bytes: 64) ? text : nil
        }
    }
}
