public import LodestoneCore

/// A transfer to a watched account found in a block, before it is tied to a customer.
/// Chain families fill it alike: EVM/Tron tokens use the log's position in its transaction,
/// native coins position −1; Bitcoin the output index; Solana the instruction position.
public struct ObservedTransfer: Sendable, Equatable {
    /// Match key of the recipient (20 bytes EVM, 21 bytes Tron).
    public let recipient: [UInt8]
    /// Asset id.
    public let assetID: String
    /// Base units.
    public let amount: Amount
    /// Transaction hash, lower case.
    public let txHash: String
    /// Position within the transaction.
    public let position: Int
    /// Block height or slot.
    public let blockNumber: Int64
    /// Block hash, lower case.
    public let blockHash: String
    /// The 20-byte account that sent it (the transaction's sender, or the token transfer's `from`), when known.
    public let sender: [UInt8]?
    /// Confirmations the chain requires before the output can be spent (a coinbase's 100), else 0.
    public let minimumConfirmations: Int

    /// A transfer.
    public init(
        recipient: [UInt8], assetID: String, amount: Amount, txHash: String, position: Int, blockNumber: Int64, blockHash: String,
        sender: [UInt8]? = nil, minimumConfirmations: Int = 0
    ) {
        self.minimumConfirmations = minimumConfirmations
        self.sender = sender
        self.recipient = recipient
        self.assetID = assetID
        self.amount = amount
        self.txHash = txHash
        self.position = position
        self.blockNumber = blockNumber
        self.blockHash = blockHash
    }

    /// Position used for a native-coin transfer, distinct from every log position.
    public static let nativePosition = -1
}
