public import Foundation

/// A single-pass reader of `getblock <hash> 2` answers, straight from bytes to `BitcoinBlock`,
/// without building a JSON tree. It reads what Bitcoin Core writes (hex strings, integers, amounts
/// with at most 8 decimals); anything else (an exponent, an escape, a missing field, an error
/// answer) makes it return nil and the caller falls back to `JSONDecoder`.
public enum BitcoinBlockReader {
    /// The block in a JSON-RPC answer `{"result": {…}, "error": null, "id": …}`, or nil.
    public static func decodeEnvelope(_ data: Data) -> BitcoinBlock? {
        data.withUnsafeBytes { raw in
            var r = JSONByteReader(bytes: raw)
            var block: BitcoinBlock? = nil
            let read = r.skipSpace() && r.object { r, key in
                if r.equals(key, "result") {
                    block = Self.block(&r)
                    return block != nil
                }
                if r.equals(key, "error") { return r.literal("null") }  // an error is the decoder's to report
                return r.skipValue()
            }
            return read ? block : nil
        }
    }

    static func block(_ r: inout JSONByteReader) -> BitcoinBlock? {
        var hash: String? = nil
        var height: Int64? = nil
        var previous: String? = nil
        var time: Int64? = nil
        var transactions: [BitcoinTransaction]? = nil
        let read = r.object { r, key in
            if r.equals(key, "hash") {
                hash = r.string().map(r.text)
                return hash != nil
            }
            if r.equals(key, "height") {
                height = r.integer()
                return height != nil
            }
            if r.equals(key, "previousblockhash") {
                previous = r.string().map(r.text)
                return previous != nil
            }
            if r.equals(key, "time") {
                time = r.integer()
                return time != nil
            }
            if r.equals(key, "tx") {
                var list: [BitcoinTransaction] = []
                let ok = r.array { r in
                    guard let tx = transaction(&r) else { return false }
                    list.append(tx)
                    return true
                }
                transactions = ok ? list : nil
                return ok
            }
            return r.skipValue()
        }
        guard read, let hash, let height, let time, let transactions else { return nil }
        return BitcoinBlock(hash: hash, height: height, previousHash: previous, time: time, transactions: transactions)
    }

    static func transaction(_ r: inout JSONByteReader) -> BitcoinTransaction? {
        var txid: String? = nil
        var inputs = 0
        var firstIsCoinbase = false
        var sawInputs = false
        var outputs: [BitcoinOutput]? = nil
        let read = r.object { r, key in
            if r.equals(key, "txid") {
                txid = r.string().map(r.text)
                return txid != nil
            }
            if r.equals(key, "vin") {
                sawInputs = true
                return r.array { r in
                    inputs += 1
                    let first = inputs == 1
                    return r.object { r, key in
                        if first, r.equals(key, "coinbase") { firstIsCoinbase = true }
                        return r.skipValue()
                    }
                }
            }
            if r.equals(key, "vout") {
                var list: [BitcoinOutput] = []
                let ok = r.array { r in
                    guard let output = output(&r) else { return false }
                    list.append(output)
                    return true
                }
                outputs = ok ? list : nil
                return ok
            }
            return r.skipValue()
        }
        guard read, sawInputs, let txid, let outputs else { return nil }
        return BitcoinTransaction(txid: txid, isCoinbase: inputs == 1 && firstIsCoinbase, outputs: outputs)
    }

    static func output(_ r: inout JSONByteReader) -> BitcoinOutput? {
        var sats: UInt64? = nil
        var n: Int64? = nil
        var script: [UInt8]? = nil
        let read = r.object { r, key in
            if r.equals(key, "value") {
                sats = r.satoshis()
                return sats != nil
            }
            if r.equals(key, "n") {
                n = r.integer()
                return n != nil
            }
            if r.equals(key, "scriptPubKey") {
                return r.object { r, key in
                    guard r.equals(key, "hex") else { return r.skipValue() }
                    script = r.string().flatMap(r.hexBytes)
                    return script != nil
                }
            }
            return r.skipValue()
        }
        guard read, let sats, let n, let script else { return nil }
        return BitcoinOutput(n: Int(n), script: script, sats: sats)
    }
}

extension JSONByteReader {
    /// The text of a string range (ASCII: strings with escapes were refused).
    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A non-negative integer of at most 18 digits.
    mutating func integer() -> Int64? {
        let start = i
        var value: Int64 = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, i - start < 18 {
            value = value * 10 + Int64(bytes[i] - 0x30)
            i += 1
        }
        guard i > start, i < bytes.count, !isNumberByte(bytes[i]) else { return nil }
        return value
    }

    /// A BTC amount written with digits, a point and at most 8 decimals, as satoshis within the supply.
    mutating func satoshis() -> UInt64? {
        var whole: UInt64 = 0
        var digits = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            guard digits < 9 else { return nil }  // beyond 21 million: refused below anyway
            whole = whole * 10 + UInt64(bytes[i] - 0x30)
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        var fraction: UInt64 = 0
        var decimals = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                guard decimals < 8 else { return nil }
                fraction = fraction * 10 + UInt64(bytes[i] - 0x30)
                decimals += 1
                i += 1
            }
            guard decimals > 0 else { return nil }
        }
        // An exponent or anything else numeric is left to the decoder path.
        guard i < bytes.count, !isNumberByte(bytes[i]) else { return nil }
        for _ in decimals..<8 { fraction *= 10 }
        let sats = whole * 100_000_000 + fraction
        return sats <= 21_000_000 * 100_000_000 ? sats : nil
    }

    func isNumberByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") || c | 0x20 == UInt8(ascii: "e") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
    }

    /// The bytes of an even-length hex string range.
    func hexBytes(_ range: Range<Int>) -> [UInt8]? {
        guard range.count % 2 == 0 else { return nil }
        var out = [UInt8](repeating: 0, count: range.count / 2)
        for k in 0..<out.count {
            guard let hi = EVMAccount.nibble(bytes[range.lowerBound + 2 * k]), let lo = EVMAccount.nibble(bytes[range.lowerBound + 2 * k + 1])
            else { return nil }
            out[k] = hi << 4 | lo
        }
        return out
    }
}
