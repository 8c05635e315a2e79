import BigInt
public import Foundation
import LodestoneCore

/// A single-pass reader of `eth_getLogs` answers that goes straight from bytes to Transfer logs,
/// without building a JSON tree. It accepts only what nodes send for logs (objects of strings,
/// string arrays, booleans, numbers, null); anything else (escapes included) makes it return nil and
/// the caller falls back to `JSONDecoder`, so it can be fast without being lenient.
public enum ERC20LogScanner {
    /// The transfers in a JSON-RPC answer `{"jsonrpc","id","result":[logs…]}`, or nil when the
    /// answer is not one this reader handles (an error object, escapes, unusual shapes).
    public static func decodeEnvelope(_ data: Data) -> ERC20TransferBatch? {
        data.withUnsafeBytes { raw in
            var r = Reader(bytes: raw)
            var result: ERC20TransferBatch? = nil
            let read = r.skipSpace() && r.object { r, key in
                if r.equals(key, "result") {
                    result = logs(&r)
                    return result != nil
                }
                // An error answer is left to the decoder path, which reports it.
                return !r.equals(key, "error") && r.skipValue()
            }
            return read ? result : nil
        }
    }

    /// The transfers in a bare JSON array of logs, or nil as above.
    public static func decodeArray(_ data: Data) -> ERC20TransferBatch? {
        data.withUnsafeBytes { raw in
            var r = Reader(bytes: raw)
            guard r.skipSpace() else { return nil }
            return logs(&r)
        }
    }

    static func logs(_ r: inout Reader) -> ERC20TransferBatch? {
        var transfers: [ERC20TransferLog] = []
        var skipped = 0
        let read = r.array { r in
            guard let parsed = log(&r) else { return false }
            if let transfer = parsed { transfers.append(transfer) } else { skipped += 1 }
            return true
        }
        return read ? ERC20TransferBatch(transfers: transfers, skipped: skipped) : nil
    }

    /// One log object: nil when unreadable, `.some(nil)` when readable but not a well-formed Transfer.
    static func log(_ r: inout Reader) -> ERC20TransferLog?? {
        var address: Range<Int>? = nil
        var topics: [Range<Int>] = []
        var topicCount = 0
        var sawTopics = false
        var data: Range<Int>? = nil
        var tx: Range<Int>? = nil
        var block: Range<Int>? = nil
        var hash: Range<Int>? = nil
        var index: Range<Int>? = nil
        var removed = false
        let read = r.object { r, key in
            switch r.bytes[key.lowerBound] {
            // address and data must be strings (as the JSONDecoder path requires); the rest may be null.
            case UInt8(ascii: "a") where r.equals(key, "address"):
                address = r.string()
                return address != nil
            case UInt8(ascii: "t") where r.equals(key, "topics"):
                sawTopics = true
                return r.array { r in
                    guard let t = r.string() else { return false }
                    topicCount += 1
                    if topics.count < 3 { topics.append(t) }
                    return true
                }
            case UInt8(ascii: "t") where r.equals(key, "transactionHash"): tx = r.stringOrNull()
            case UInt8(ascii: "d") where r.equals(key, "data"):
                data = r.string()
                return data != nil
            case UInt8(ascii: "b") where r.equals(key, "blockNumber"): block = r.stringOrNull()
            case UInt8(ascii: "b") where r.equals(key, "blockHash"): hash = r.stringOrNull()
            case UInt8(ascii: "l") where r.equals(key, "logIndex"): index = r.stringOrNull()
            case UInt8(ascii: "r") where r.equals(key, "removed"):
                if r.literal("true") { removed = true } else if !r.literal("false") { return false }
            default:
                return r.skipValue()
            }
            return !r.failed
        }
        // A log without these is not a log: declined, so the decoder path reports it.
        guard read, address != nil, data != nil, sawTopics else { return nil }
        guard topicCount == 3, r.equalsLowercased(topics[0], ERC20TransferLog.topic), let address, let contract = r.account(address),
            let from = r.account(topics[1]), let to = r.account(topics[2]), let data, data.count == 66, let tx, let block, let hash,
            let index, let value = r.word(data), let blockNumber = r.quantity(block), let logIndex = r.quantity(index)
        else { return .some(nil) }
        return .some(
            ERC20TransferLog(
                contract: contract, from: from, to: to, value: value, transactionHash: r.lowercased(tx), logIndex: logIndex,
                blockNumber: blockNumber, blockHash: r.lowercased(hash), removed: removed))
    }

    typealias Reader = JSONByteReader
}

// The EVM-specific readings of the shared byte reader.
extension JSONByteReader {
        func equalsLowercased(_ range: Range<Int>, _ text: String) -> Bool {
            let utf8 = Array(text.utf8)
            guard range.count == utf8.count else { return false }
            for k in 0..<range.count where bytes[range.lowerBound + k] | (bytes[range.lowerBound + k] >= 0x41 && bytes[range.lowerBound + k] <= 0x5a ? 0x20 : 0) != utf8[k] {
                return false
            }
            return true
        }

        /// A 20-byte account from `0x` + 40 hex digits, or a 32-byte topic word with 24 zero digits first.
        func account(_ range: Range<Int>) -> EVMAccount? {
            var start = range.lowerBound
            guard range.count >= 2, bytes[start] == UInt8(ascii: "0"), bytes[start + 1] | 0x20 == UInt8(ascii: "x") else { return nil }
            start += 2
            var length = range.upperBound - start
            if length == 64 {
                for k in 0..<24 where bytes[start + k] != UInt8(ascii: "0") { return nil }
                start += 24
                length = 40
            }
            guard length == 40 else { return nil }
            var high: UInt64 = 0
            var middle: UInt64 = 0
            var low: UInt32 = 0
            for k in 0..<40 {
                guard let v = EVMAccount.nibble(bytes[start + k]) else { return nil }
                switch k {
                case 0..<16: high = high << 4 | UInt64(v)
                case 16..<32: middle = middle << 4 | UInt64(v)
                default: low = low << 4 | UInt32(v)
                }
            }
            return EVMAccount(high: high, middle: middle, low: low)
        }

        /// ASCII text in lower case, built in one allocation.
        func lowercased(_ range: Range<Int>) -> String {
            String(unsafeUninitializedCapacity: range.count) { buffer in
                for k in 0..<range.count {
                    let c = bytes[range.lowerBound + k]
                    buffer[k] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c
                }
                return range.count
            }
        }

        /// A `0x` hex quantity of at most 15 digits (block numbers, log indexes).
        func quantity(_ range: Range<Int>) -> Int64? {
            guard range.count > 2, range.count <= 17, bytes[range.lowerBound] == UInt8(ascii: "0"),
                bytes[range.lowerBound + 1] | 0x20 == UInt8(ascii: "x")
            else { return nil }
            var value: Int64 = 0
            for k in (range.lowerBound + 2)..<range.upperBound {
                guard let v = EVMAccount.nibble(bytes[k]) else { return nil }
                value = value << 4 | Int64(v)
            }
            return value
        }

        /// A `0x` + 64 hex digit ABI word as an amount, without intermediate text.
        func word(_ range: Range<Int>) -> Amount? {
            guard range.count == 66, bytes[range.lowerBound] == UInt8(ascii: "0"), bytes[range.lowerBound + 1] | 0x20 == UInt8(ascii: "x")
            else { return nil }
            var words = [UInt](repeating: 0, count: 4)
            for k in 0..<64 {
                guard let v = EVMAccount.nibble(bytes[range.lowerBound + 2 + k]) else { return nil }
                // Big-endian digits into little-endian 64-bit words.
                let w = 3 - k / 16
                words[w] = words[w] << 4 | UInt(v)
            }
            return Amount(baseUnits: BigUInt(words: words))
        }
}
