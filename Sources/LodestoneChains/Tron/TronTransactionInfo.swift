public import LodestoneCore

/// One entry of `/wallet/gettransactioninfobyblocknum` (or `/wallet/gettransactioninfobyid`):
/// the TRC-20 `Transfer` logs of a transaction whose receipt says SUCCESS. Failed calls
/// (REVERT, OUT_OF_ENERGY, …) yield nothing, whatever their logs.
public struct TronTransactionInfo: Decodable, Sendable {
    /// Transaction id, lower-case hex.
    public let id: String
    /// Height.
    public let blockNumber: Int64
    /// True only for `receipt.result == "SUCCESS"`.
    public let succeeded: Bool
    /// Transfer logs, with their position among the transaction's logs.
    public let transfers: [TokenTransfer]

    /// A TRC-20 transfer log.
    public struct TokenTransfer: Sendable, Equatable {
        /// Token contract.
        public let contract: EVMAccount
        /// Recipient.
        public let to: EVMAccount
        /// Base units.
        public let value: Amount
        /// Index of the log within its transaction.
        public let position: Int
        /// Sender (the log's `from` topic).
        public let from: EVMAccount?
    }

    struct Receipt: Decodable { let result: String? }
    struct Log: Decodable {
        let address: String
        let topics: [String]?
        let data: String?
    }

    enum CodingKeys: String, CodingKey { case id, blockNumber, receipt, log }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.bareHash(.id)
        blockNumber = try c.decodeIfPresent(Int64.self, forKey: .blockNumber) ?? 0
        succeeded = try c.decodeIfPresent(Receipt.self, forKey: .receipt)?.result == "SUCCESS"
        let logs = try c.decodeIfPresent([Log].self, forKey: .log) ?? []
        guard succeeded else {
            transfers = []
            return
        }
        let topic = String(ERC20TransferLog.topic.dropFirst(2))
        transfers = logs.enumerated().compactMap { i, log in
            guard let topics = log.topics, topics.count == 3, topics[0].lowercased() == topic,
                let contract = TronAccount.parse(log.address), let to = Self.word(topics[2]),
                let data = log.data, data.count == 64, let value = HexQuantity.amount("0x" + data)
            else { return nil }
            return TokenTransfer(contract: contract, to: to, value: value, position: i, from: Self.word(topics[1]))
        }
    }

    /// The low 20 bytes of a 32-byte topic: wallets write the 0x41 prefix into the word or leave it out.
    static func word(_ text: String) -> EVMAccount? {
        guard text.count == 64 else { return nil }
        return EVMAccount(hex: text.suffix(40))
    }
}
