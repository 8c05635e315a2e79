public import LodestoneCore

/// Where a deposit stands in its confirmation life.
public enum DepositStatus: String, Sendable, Codable, CaseIterable {
    /// Seen on the chain, waiting for its confirmations.
    case pending
    /// Credited.
    case confirmed
    /// Its block left the chain before it was credited.
    case orphaned
    /// Below the asset's minimum or from an operator's own address: recorded, never credited.
    case ignored
    /// Credited, then its block left the chain: the credit was taken back.
    case reversed
}

/// Money seen arriving at one of our addresses (one transfer, not one transaction).
public struct Deposit: Sendable, Hashable {
    /// `dep_…`
    public let id: String
    /// Network id.
    public let network: NetworkID
    /// Asset id.
    public let assetID: String
    /// Receiving address.
    public let address: String
    /// Owner of the address.
    public let customerID: String
    /// Amount in base units.
    public let amount: Amount
    /// Transaction hash or id.
    public let txHash: String
    /// Log index (EVM/Tron tokens), output index (Bitcoin) or instruction position (Solana).
    public let position: Int
    /// Block height or slot.
    public let blockNumber: Int64
    /// Block hash.
    public let blockHash: String
    /// Confirmations counted at the last update.
    public let confirmations: Int
    /// Status.
    public let status: DepositStatus
    /// First seen, unix milliseconds.
    public let createdAt: Int64
    /// The sending address, when the chain names one.
    public var sender: String? = nil
    /// Why an `ignored` deposit is not credited.
    public var ignoredReason: String? = nil
    /// Confirmations the chain requires whatever the asset's threshold (a coinbase output's 100).
    public var minimumConfirmations: Int = 0

    /// A deposit record.
    public init(
        id: String, network: NetworkID, assetID: String, address: String, customerID: String, amount: Amount,
        txHash: String, position: Int, blockNumber: Int64, blockHash: String, confirmations: Int,
        status: DepositStatus, createdAt: Int64, sender: String? = nil, ignoredReason: String? = nil, minimumConfirmations: Int = 0
    ) {
        self.minimumConfirmations = minimumConfirmations
        self.sender = sender
        self.ignoredReason = ignoredReason
        self.id = id
        self.network = network
        self.assetID = assetID
        self.address = address
        self.customerID = customerID
        self.amount = amount
        self.txHash = txHash
        self.position = position
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.confirmations = confirmations
        self.status = status
        self.createdAt = createdAt
    }
}

extension Deposit {
    /// The block number of a transfer seen in the mempool, in no block yet.
    public static let unminedBlockNumber: Int64 = -1
    /// The block hash of a transfer in no block yet.
    public static let unminedBlockHash = ""

    /// True while its transaction is in the mempool, in no block: it has no confirmation to count.
    public var isUnmined: Bool { blockNumber < 0 }

    /// Why it is orphaned, when it is: its block left the chain, or its transaction left the
    /// mempool without being mined.
    public var orphanedReason: String? {
        guard status == .orphaned else { return nil }
        return isUnmined
            ? "its transaction left the mempool without being mined (replaced, evicted or double-spent)"
            : "its block left the chain in a reorg"
    }

    /// The same deposit in another status.
    public func with(status: DepositStatus, confirmations: Int? = nil) -> Deposit {
        Deposit(
            id: id, network: network, assetID: assetID, address: address, customerID: customerID, amount: amount, txHash: txHash,
            position: position, blockNumber: blockNumber, blockHash: blockHash, confirmations: confirmations ?? self.confirmations,
            status: status, createdAt: createdAt, sender: sender, ignoredReason: ignoredReason, minimumConfirmations: minimumConfirmations)
    }

    /// The same deposit, seen again in the block `o` names.
    public func moved(to o: DepositObservation, status: DepositStatus) -> Deposit {
        Deposit(
            id: id, network: network, assetID: assetID, address: address, customerID: customerID, amount: amount, txHash: txHash,
            position: position, blockNumber: o.blockNumber, blockHash: o.blockHash, confirmations: 0, status: status,
            createdAt: createdAt, sender: sender, ignoredReason: ignoredReason, minimumConfirmations: minimumConfirmations)
    }
}
