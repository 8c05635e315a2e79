import BigInt
public import Foundation
public import LodestoneCore

/// A block as Bitcoin Core's `getblock <hash> 2` writes it, reduced to what a deposit watcher needs:
/// its place in the chain and every transaction's outputs as script bytes and satoshis.
public struct BitcoinBlock: Sendable, Decodable, Equatable {
    /// Block hash (64 hex digits).
    public let hash: String
    /// Height on the chain it was read from.
    public let height: Int64
    /// The parent's hash; nil for the genesis block.
    public let previousHash: String?
    /// Header time, unix seconds.
    public let time: Int64
    /// Transactions in block order, the coinbase first.
    public let transactions: [BitcoinTransaction]

    enum CodingKeys: String, CodingKey {
        case hash, height, time, tx
        case previousHash = "previousblockhash"
    }

    init(hash: String, height: Int64, previousHash: String?, time: Int64, transactions: [BitcoinTransaction]) {
        self.hash = hash
        self.height = height
        self.previousHash = previousHash
        self.time = time
        self.transactions = transactions
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hash = try c.decode(String.self, forKey: .hash)
        height = try c.decode(Int64.self, forKey: .height)
        previousHash = try c.decodeIfPresent(String.self, forKey: .previousHash)
        time = try c.decode(Int64.self, forKey: .time)
        transactions = try c.decode([BitcoinTransaction].self, forKey: .tx)
    }
}

/// One transaction of a block or the mempool.
public struct BitcoinTransaction: Sendable, Decodable, Equatable {
    /// Transaction id (64 hex digits).
    public let txid: String
    /// True for a block's first transaction, which creates new coins (spendable after 100 blocks).
    public let isCoinbase: Bool
    /// Outputs in order; `n` is each one's index.
    public let outputs: [BitcoinOutput]

    enum CodingKeys: String, CodingKey { case txid, vin, vout }
    struct Input: Decodable { let coinbase: String? }

    init(txid: String, isCoinbase: Bool, outputs: [BitcoinOutput]) {
        self.txid = txid
        self.isCoinbase = isCoinbase
        self.outputs = outputs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        txid = try c.decode(String.self, forKey: .txid)
        let inputs = try c.decode([Input].self, forKey: .vin)
        isCoinbase = inputs.count == 1 && inputs[0].coinbase != nil
        outputs = try c.decode([BitcoinOutput].self, forKey: .vout)
    }
}

/// One output: its index, the exact `scriptPubKey` bytes, and its value in satoshis.
public struct BitcoinOutput: Sendable, Decodable, Equatable {
    /// Index within its transaction (`vout`).
    public let n: Int
    /// The locking script, byte for byte: what deposits are matched on (never the address text).
    public let script: [UInt8]
    /// Value in satoshis.
    public let sats: UInt64

    /// The value as an amount in base units (satoshis).
    public var amount: Amount { Amount(baseUnits: BigUInt(sats)) }

    enum CodingKeys: String, CodingKey { case n, value, scriptPubKey }
    struct Script: Decodable { let hex: String }

    init(n: Int, script: [UInt8], sats: UInt64) {
        self.n = n
        self.script = script
        self.sats = sats
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        n = try c.decode(Int.self, forKey: .n)
        // Foundation reads a Decimal from the number's digits, never through a binary double.
        let value = try c.decode(Decimal.self, forKey: .value)
        guard let sats = Satoshis.exact(btc: value) else {
            throw DecodingError.dataCorruptedError(forKey: .value, in: c, debugDescription: "not a whole number of satoshis within the supply")
        }
        self.sats = sats
        let hex = try c.decode(Script.self, forKey: .scriptPubKey).hex
        guard let bytes = try? Hex.decode(hex) else {
            throw DecodingError.dataCorruptedError(forKey: .scriptPubKey, in: c, debugDescription: "scriptPubKey.hex is not hex")
        }
        script = bytes
    }
}

/// Bitcoin amounts as integers.
public enum Satoshis {
    /// Satoshis in one bitcoin.
    public static let perBitcoin: Decimal = 100_000_000
    /// No amount can exceed the 21 million coin supply.
    public static let maxSupply: UInt64 = 21_000_000 * 100_000_000

    /// The satoshis of a BTC amount, when it is a whole, non-negative number of them within the supply.
    public static func exact(btc: Decimal) -> UInt64? {
        var scaled = btc * perBitcoin
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded == scaled, !rounded.isSignMinus || rounded.isZero else { return nil }
        guard rounded <= Decimal(maxSupply) else { return nil }
        // Through the digits, never through a floating-point value.
        return UInt64(rounded.description)
    }
}
