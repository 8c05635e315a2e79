import BigInt
public import LodestoneCore

/// A block from `/wallet/getblockbynum` or `/wallet/getnowblock`, reduced to what a watcher needs:
/// its header and the successful TRX transfers (`TransferContract` only: TRC-10 `TransferAssetContract`
/// moves other tokens and is never TRX).
public struct TronBlock: Decodable, Sendable {
    /// Height.
    public let number: Int64
    /// `blockID`, lower-case hex.
    public let hash: String
    /// Parent's `blockID`.
    public let parentHash: String
    /// Unix milliseconds.
    public let timestampMillis: Int64
    /// Ids of every transaction in the block.
    public let transactionIDs: [String]
    /// TRX transfers whose contract result is SUCCESS.
    public let transfers: [TRXTransfer]

    /// One native transfer.
    public struct TRXTransfer: Sendable, Equatable {
        /// Transaction id, lower-case hex.
        public let txID: String
        /// Recipient.
        public let to: EVMAccount
        /// Sun.
        public let amount: Amount
        /// Sender (`owner_address`), when present.
        public let from: EVMAccount?
    }

    struct Header: Decodable {
        struct Raw: Decodable {
            let number: Int64?
            let parentHash: String
            let timestamp: Int64?
        }
        let raw_data: Raw
    }

    struct Transaction: Decodable {
        struct Ret: Decodable { let contractRet: String? }
        struct Raw: Decodable { let contract: [Contract]? }
        struct Contract: Decodable {
            struct Parameter: Decodable { let value: Value? }
            struct Value: Decodable {
                let amount: Int64?
                let to_address: String?
                let owner_address: String?
            }
            let type: String
            let parameter: Parameter?
        }
        let txID: String
        let ret: [Ret]?
        let raw_data: Raw
    }

    enum CodingKeys: String, CodingKey { case blockID, block_header, transactions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hash = try c.bareHash(.blockID)
        let header = try c.decode(Header.self, forKey: .block_header).raw_data
        // Genesis omits number and timestamp.
        number = header.number ?? 0
        guard let parent = ChainHash.canonical(header.parentHash, prefixed: false) else {
            throw DecodingError.dataCorruptedError(forKey: .block_header, in: c, debugDescription: "parentHash is not a 32-byte hex hash")
        }
        parentHash = parent
        timestampMillis = header.timestamp ?? 0
        let txs = try c.decodeIfPresent([Transaction].self, forKey: .transactions) ?? []
        guard txs.allSatisfy({ ChainHash.canonical($0.txID, prefixed: false) != nil }) else {
            throw DecodingError.dataCorruptedError(forKey: .transactions, in: c, debugDescription: "a txID is not a 32-byte hex hash")
        }
        transactionIDs = txs.map { $0.txID.lowercased() }
        transfers = txs.compactMap { tx in
            guard let contract = tx.raw_data.contract, contract.count == 1, contract[0].type == "TransferContract",
                tx.ret?.first?.contractRet == "SUCCESS", let value = contract[0].parameter?.value, let amount = value.amount, amount >= 0,
                let to = value.to_address.flatMap(TronAccount.parse)
            else { return nil }
            return TRXTransfer(
                txID: tx.txID.lowercased(), to: to, amount: Amount(baseUnits: .init(amount)), from: value.owner_address.flatMap(TronAccount.parse))
        }
    }
}
