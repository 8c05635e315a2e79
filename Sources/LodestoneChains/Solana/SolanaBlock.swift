public import BigInt
import Foundation
import LodestoneCore

/// A block as Solana's `getBlock` writes it, reduced to what a deposit watcher needs: its place in
/// the chain and, per transaction, whether it succeeded, its accounts and their balances before and
/// after. Read from any of the node's shapes: `transactionDetails: "accounts"` (what the watcher
/// asks for), and full transactions encoded as `json`, `jsonParsed` or `base64`.
public struct SolanaBlock: Sendable, Decodable, Equatable {
    /// This block's hash (Base58).
    public let blockhash: String
    /// The parent block's hash (Base58).
    public let previousBlockhash: String
    /// The parent block's slot (slots between them were skipped).
    public let parentSlot: Int64
    /// Production time, unix seconds, when the node knows it.
    public let blockTime: Int64?
    /// Transactions in block order.
    public let transactions: [SolanaTransaction]

    /// A block.
    public init(blockhash: String, previousBlockhash: String, parentSlot: Int64, blockTime: Int64?, transactions: [SolanaTransaction]) {
        self.blockhash = blockhash
        self.previousBlockhash = previousBlockhash
        self.parentSlot = parentSlot
        self.blockTime = blockTime
        self.transactions = transactions
    }

    enum CodingKeys: String, CodingKey { case blockhash, previousBlockhash, parentSlot, blockTime, transactions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        blockhash = try c.decode(String.self, forKey: .blockhash)
        previousBlockhash = try c.decode(String.self, forKey: .previousBlockhash)
        parentSlot = try c.decode(Int64.self, forKey: .parentSlot)
        blockTime = try c.decodeIfPresent(Int64.self, forKey: .blockTime)
        transactions = try c.decodeIfPresent([SolanaTransaction].self, forKey: .transactions) ?? []
    }
}

/// One token account's balance in a transaction's `preTokenBalances`/`postTokenBalances`.
public struct SolanaTokenBalance: Sendable, Decodable, Equatable {
    /// The token account's index in the transaction's account list.
    public let accountIndex: Int
    /// The mint (Base58).
    public let mint: String
    /// The token account's owner (Base58); absent in very old answers.
    public let owner: String?
    /// Base units, exact (token amounts exceed 2⁵³).
    public let amount: BigUInt

    /// A balance.
    public init(accountIndex: Int, mint: String, owner: String?, amount: BigUInt) {
        self.accountIndex = accountIndex
        self.mint = mint
        self.owner = owner
        self.amount = amount
    }

    enum CodingKeys: String, CodingKey { case accountIndex, mint, owner, uiTokenAmount }
    struct UIAmount: Decodable { let amount: String }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accountIndex = try c.decode(Int.self, forKey: .accountIndex)
        mint = try c.decode(String.self, forKey: .mint)
        owner = try c.decodeIfPresent(String.self, forKey: .owner)
        let text = try c.decode(UIAmount.self, forKey: .uiTokenAmount).amount
        // Only the integer text is read: `uiAmount` is a float (and null for zero).
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = BigUInt(text, radix: 10) else {
            throw DecodingError.dataCorruptedError(forKey: .uiTokenAmount, in: c, debugDescription: "uiTokenAmount.amount is not an integer")
        }
        amount = value
    }
}

/// One transaction of a block, in the account index space its balances use: the static keys, then
/// the keys loaded from address lookup tables (writable, then read-only).
public struct SolanaTransaction: Sendable, Decodable, Equatable {
    /// The first signature (Base58): the transaction's id.
    public let signature: String
    /// False when `meta.err` is set: such a transaction moves nothing but its fee.
    public let succeeded: Bool
    /// Every account, static and loaded, in index order (Base58).
    public let accountKeys: [String]
    /// Lamports before, by account index.
    public let preBalances: [UInt64]
    /// Lamports after, by account index.
    public let postBalances: [UInt64]
    /// Token balances before.
    public let preTokenBalances: [SolanaTokenBalance]
    /// Token balances after.
    public let postTokenBalances: [SolanaTokenBalance]

    /// A transaction.
    public init(
        signature: String, succeeded: Bool, accountKeys: [String], preBalances: [UInt64], postBalances: [UInt64],
        preTokenBalances: [SolanaTokenBalance], postTokenBalances: [SolanaTokenBalance]
    ) {
        self.signature = signature
        self.succeeded = succeeded
        self.accountKeys = accountKeys
        self.preBalances = preBalances
        self.postBalances = postBalances
        self.preTokenBalances = preTokenBalances
        self.postTokenBalances = postTokenBalances
    }

    enum CodingKeys: String, CodingKey { case transaction, meta }
    enum TransactionKeys: String, CodingKey { case signatures, message, accountKeys }
    enum MessageKeys: String, CodingKey { case accountKeys }
    enum MetaKeys: String, CodingKey { case err, preBalances, postBalances, preTokenBalances, postTokenBalances, loadedAddresses }

    /// An account key as `json` (a string) or `jsonParsed`/`accounts` (an object) write it.
    struct Key: Decodable {
        let pubkey: String
        /// True when it names where the key came from (then loaded keys are already in the list).
        let sourced: Bool
        enum CodingKeys: String, CodingKey { case pubkey, source }
        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                pubkey = text
                sourced = false
                return
            }
            let c = try decoder.container(keyedBy: CodingKeys.self)
            pubkey = try c.decode(String.self, forKey: .pubkey)
            sourced = c.contains(.source)
        }
    }

    struct Loaded: Decodable {
        let writable: [String]
        let readonly: [String]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let meta = try c.nestedContainer(keyedBy: MetaKeys.self, forKey: .meta)
        succeeded = try meta.decodeNil(forKey: .err)
        preBalances = try meta.decode([UInt64].self, forKey: .preBalances)
        postBalances = try meta.decode([UInt64].self, forKey: .postBalances)
        preTokenBalances = try meta.decodeIfPresent([SolanaTokenBalance].self, forKey: .preTokenBalances) ?? []
        postTokenBalances = try meta.decodeIfPresent([SolanaTokenBalance].self, forKey: .postTokenBalances) ?? []
        let loaded = try meta.decodeIfPresent(Loaded.self, forKey: .loadedAddresses)

        var keys: [String]
        var complete = false
        if let wire = try? c.decode([String].self, forKey: .transaction) {
            // `base64`: the wire transaction itself; its message lists the static keys.
            guard wire.count == 2, wire[1] == "base64", let bytes = Data(base64Encoded: wire[0]),
                let parsed = SolanaWireTransaction(Array(bytes))
            else {
                throw DecodingError.dataCorruptedError(forKey: .transaction, in: c, debugDescription: "not a base64 wire transaction")
            }
            signature = parsed.signature
            keys = parsed.staticKeys
        } else {
            let t = try c.nestedContainer(keyedBy: TransactionKeys.self, forKey: .transaction)
            let signatures = try t.decode([String].self, forKey: .signatures)
            guard let first = signatures.first else {
                throw DecodingError.dataCorruptedError(forKey: .transaction, in: c, debugDescription: "a transaction without a signature")
            }
            signature = first
            let listed: [Key]
            if t.contains(.accountKeys) {
                listed = try t.decode([Key].self, forKey: .accountKeys)  // transactionDetails "accounts"
            } else {
                listed = try t.nestedContainer(keyedBy: MessageKeys.self, forKey: .message).decode([Key].self, forKey: .accountKeys)
            }
            keys = listed.map(\.pubkey)
            complete = listed.contains { $0.sourced }
        }
        // Objects that name their source already hold the loaded keys; plain lists do not.
        if !complete, let loaded { keys += loaded.writable + loaded.readonly }
        accountKeys = keys
        guard preBalances.count == keys.count, postBalances.count == keys.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .meta, in: c, debugDescription: "balances for \(preBalances.count)/\(postBalances.count) accounts, \(keys.count) keys")
        }
    }
}

/// The parts of a serialized transaction a watcher reads: its first signature and the message's
/// static account keys (legacy or versioned message).
struct SolanaWireTransaction {
    let signature: String
    let staticKeys: [String]

    init?(_ bytes: [UInt8]) {
        var i = 0
        func compactU16() -> Int? {
            var value = 0
            for shift in stride(from: 0, to: 21, by: 7) {
                guard i < bytes.count else { return nil }
                let b = Int(bytes[i])
                i += 1
                value |= (b & 0x7f) << shift
                if b & 0x80 == 0 { return value }
            }
            return nil
        }
        guard let signatures = compactU16(), signatures > 0, i + 64 * signatures <= bytes.count else { return nil }
        signature = Base58.encode(Array(bytes[i..<i + 64]))
        i += 64 * signatures
        guard i < bytes.count else { return nil }
        if bytes[i] & 0x80 != 0 { i += 1 }  // versioned message prefix
        i += 3  // header
        guard let count = compactU16(), i + 32 * count <= bytes.count else { return nil }
        staticKeys = (0..<count).map { k in Base58.encode(Array(bytes[(i + 32 * k)..<(i + 32 * k + 32)])) }
    }
}
