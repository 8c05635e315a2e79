public import LodestoneCore

/// A block header as `eth_getBlockByNumber(n, false)` returns it (transactions are not read).
public struct EVMHeader: Decodable, Sendable, Equatable {
    /// Height.
    public let number: Int64
    /// Block hash, lower case.
    public let hash: String
    /// Parent hash, lower case.
    public let parentHash: String
    /// Unix seconds (java-tron's JSON-RPC once wrote milliseconds; those are converted).
    public let timestamp: Int64

    enum CodingKeys: String, CodingKey { case number, hash, parentHash, timestamp }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.quantity(.number)
        hash = try c.hash(.hash)
        parentHash = try c.hash(.parentHash)
        let t = try c.quantity(.timestamp)
        timestamp = t > 100_000_000_000 ? t / 1000 : t
    }

    /// An explicit header.
    public init(number: Int64, hash: String, parentHash: String, timestamp: Int64) {
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
        self.timestamp = timestamp
    }
}

/// A value transfer inside a block: a transaction's recipient and value.
public struct EVMTransaction: Decodable, Sendable, Equatable {
    /// Hash, lower case.
    public let hash: String
    /// Recipient; nil for contract creation.
    public let to: EVMAccount?
    /// Value in wei.
    public let value: Amount
    /// Sender, when the node names it.
    public let from: EVMAccount?

    enum CodingKeys: String, CodingKey { case hash, to, value, from }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hash = try c.hash(.hash)
        if let text = try c.decodeIfPresent(String.self, forKey: .to) {
            guard let account = EVMAccount(hex: Substring(text)) else {
                throw DecodingError.dataCorruptedError(forKey: .to, in: c, debugDescription: "not an address: \(text)")
            }
            to = account
        } else {
            to = nil
        }
        value = try c.amount(.value)
        from = try c.decodeIfPresent(String.self, forKey: .from).flatMap { EVMAccount(hex: Substring($0)) }
    }
}

/// A block with its transactions, as `eth_getBlockByNumber(n, true)` returns it.
public struct EVMBlock: Decodable, Sendable {
    /// The header fields.
    public let header: EVMHeader
    /// Its transactions.
    public let transactions: [EVMTransaction]

    enum CodingKeys: String, CodingKey { case transactions }

    public init(from decoder: any Decoder) throws {
        header = try EVMHeader(from: decoder)
        transactions = try decoder.container(keyedBy: CodingKeys.self).decode([EVMTransaction].self, forKey: .transactions)
    }
}

/// The parts of `eth_getTransactionReceipt` a watcher needs: did it succeed, where, and its logs' order.
public struct EVMReceipt: Decodable, Sendable {
    /// Transaction hash, lower case.
    public let transactionHash: String
    /// Block hash, lower case.
    public let blockHash: String
    /// True only for `status: 0x1`; a missing status counts as failure (unknown is never success).
    public let succeeded: Bool
    /// Block-wide log indexes of its logs, in order.
    public let logIndexes: [Int64]

    struct Log: Decodable {
        let logIndex: String
    }

    enum CodingKeys: String, CodingKey { case transactionHash, blockHash, status, logs }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        transactionHash = try c.hash(.transactionHash)
        blockHash = try c.hash(.blockHash)
        succeeded = try c.decodeIfPresent(String.self, forKey: .status).flatMap(HexQuantity.int64) == 1
        logIndexes = try c.decode([Log].self, forKey: .logs).map { log in
            guard let i = HexQuantity.int64(log.logIndex) else {
                throw DecodingError.dataCorruptedError(forKey: .logs, in: c, debugDescription: "bad logIndex")
            }
            return i
        }
    }

    /// The position of the log with block-wide index `logIndex` within this transaction.
    public func position(ofLog logIndex: Int64) -> Int? { logIndexes.firstIndex(of: logIndex) }
}
