import BigInt
public import Foundation
public import LodestoneCore

/// One ERC-20 (or TRC-20) `Transfer(address,address,uint256)` log, as `eth_getLogs` returns it.
public struct ERC20TransferLog: Sendable, Equatable {
    /// keccak256("Transfer(address,address,uint256)").
    public static let topic = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"

    /// Token contract.
    public let contract: EVMAccount
    /// Sender.
    public let from: EVMAccount
    /// Recipient.
    public let to: EVMAccount
    /// Amount in the token's base units.
    public let value: Amount
    /// Transaction hash.
    public let transactionHash: String
    /// Position of the log in its block.
    public let logIndex: Int64
    /// Block height.
    public let blockNumber: Int64
    /// Block hash.
    public let blockHash: String
    /// True when the node reports the log as removed by a reorg.
    public let removed: Bool
}

/// Decodes `eth_getLogs` results into transfers; anything that is not a well-formed Transfer log
/// (other events, ERC-721 transfers with the value in a topic, malformed fields) is skipped and counted.
public enum ERC20TransferDecoder {
    struct RawLog: Decodable, Sendable {
        let address: String
        let topics: [String]
        let data: String
        let transactionHash: String?
        let logIndex: String?
        let blockNumber: String?
        let blockHash: String?
        let removed: Bool?
    }

    /// The transfers in a JSON array of log objects, and how many entries were skipped.
    public static func decode(logsJSON: Data) throws -> (transfers: [ERC20TransferLog], skipped: Int) {
        let raw = try JSONDecoder().decode([RawLog].self, from: logsJSON)
        var transfers: [ERC20TransferLog] = []
        transfers.reserveCapacity(raw.count)
        var skipped = 0
        for log in raw {
            if let transfer = transfer(log) { transfers.append(transfer) } else { skipped += 1 }
        }
        return (transfers, skipped)
    }

    static func transfer(_ log: RawLog) -> ERC20TransferLog? {
        guard log.topics.count == 3, log.topics[0].lowercased() == ERC20TransferLog.topic,
            let contract = EVMAccount(hex: Substring(log.address)),
            let from = EVMAccount(hex: Substring(log.topics[1])), let to = EVMAccount(hex: Substring(log.topics[2])),
            let value = quantity256(log.data), let tx = log.transactionHash, let index = log.logIndex.flatMap(int64),
            let block = log.blockNumber.flatMap(int64), let hash = log.blockHash
        else { return nil }
        return ERC20TransferLog(
            contract: contract, from: from, to: to, value: value, transactionHash: tx.lowercased(), logIndex: index,
            blockNumber: block, blockHash: hash.lowercased(), removed: log.removed ?? false)
    }

    /// `0x`-prefixed hex quantity (JSON-RPC QUANTITY) as Int64.
    static func int64(_ text: String) -> Int64? {
        guard text.hasPrefix("0x"), text.count > 2, text.count <= 18 else { return nil }
        return Int64(text.dropFirst(2), radix: 16)
    }

    /// A 32-byte ABI word (the `data` of a Transfer log) as an amount.
    static func quantity256(_ text: String) -> Amount? {
        guard text.hasPrefix("0x"), text.count == 66, let bytes = try? Hex.decode(text) else { return nil }
        return Amount(baseUnits: .init(Data(bytes)))
    }
}

/// An `eth_getLogs` result decoded straight from a JSON-RPC envelope.
public struct ERC20TransferBatch: Decodable, Sendable {
    /// Well-formed Transfer logs.
    public let transfers: [ERC20TransferLog]
    /// Entries that were not.
    public let skipped: Int

    init(transfers: [ERC20TransferLog], skipped: Int) {
        self.transfers = transfers
        self.skipped = skipped
    }

    public init(from decoder: any Decoder) throws {
        let raw = try [ERC20TransferDecoder.RawLog](from: decoder)
        var transfers: [ERC20TransferLog] = []
        transfers.reserveCapacity(raw.count)
        for log in raw { if let t = ERC20TransferDecoder.transfer(log) { transfers.append(t) } }
        self.transfers = transfers
        skipped = raw.count - transfers.count
    }
}
