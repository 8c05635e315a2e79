public import LodestoneCore

/// A transfer to one of our addresses as a chain watcher saw it, before it is stored.
public struct DepositObservation: Sendable, Equatable {
    /// Network id.
    public let network: NetworkID
    /// Asset id.
    public let assetID: String
    /// Receiving address (canonical).
    public let address: String
    /// Owner of the address.
    public let customerID: String
    /// Base units.
    public let amount: Amount
    /// Transaction hash or id.
    public let txHash: String
    /// Log index, output index or instruction position: with the hash, what makes a deposit unique.
    public let position: Int
    /// Block height or slot.
    public let blockNumber: Int64
    /// Block hash.
    public let blockHash: String
    /// The sending address, when the chain names one.
    public let sender: String?
    /// Why it must not be credited whatever its amount (a transfer from the operator's own address), or nil.
    public let ignoreReason: String?
    /// Confirmations the chain itself requires before the money can be spent, whatever the asset's
    /// threshold (100 for a Bitcoin coinbase output); 0 when it sets none.
    public var minimumConfirmations: Int = 0

    /// An observation.
    public init(
        network: NetworkID, assetID: String, address: String, customerID: String, amount: Amount, txHash: String,
        position: Int, blockNumber: Int64, blockHash: String, sender: String? = nil, ignoreReason: String? = nil,
        minimumConfirmations: Int = 0
    ) {
        self.minimumConfirmations = minimumConfirmations
        self.sender = sender
        self.ignoreReason = ignoreReason
        self.network = network
        self.assetID = assetID
        self.address = address
        self.customerID = customerID
        self.amount = amount
        self.txHash = txHash
        self.position = position
        self.blockNumber = blockNumber
        self.blockHash = blockHash
    }
}

extension DepositObservation {
    /// True for a transfer seen in the mempool, in no block yet.
    public var isUnmined: Bool { blockNumber < 0 }
}

/// The webhook event types.
public enum EventType: String, Sendable, Codable, CaseIterable {
    case depositDetected = "deposit.detected"
    case depositConfirmed = "deposit.confirmed"
    case depositOrphaned = "deposit.orphaned"
    case depositReversed = "deposit.reversed"
    case depositRestored = "deposit.restored"
    case paymentIntentProcessing = "payment_intent.processing"
    case paymentIntentSucceeded = "payment_intent.succeeded"
    case paymentIntentPartiallyPaid = "payment_intent.partially_paid"
    case paymentIntentExpired = "payment_intent.expired"
    case paymentIntentCanceled = "payment_intent.canceled"
    case customerBalanceCredited = "customer.balance_credited"
}

/// One event in the outbox.
public struct OutboxEvent: Sendable, Equatable {
    /// Stable id (receivers deduplicate on it).
    public let id: String
    /// Type.
    public let type: EventType
    /// JSON object text.
    public let data: String
    /// Unix milliseconds.
    public let createdAt: Int64
    /// The environment of the money it is about (the customer's).
    public let environment: DeploymentEnvironment

    /// An event.
    public init(id: String, type: EventType, data: String, createdAt: Int64, environment: DeploymentEnvironment = .production) {
        self.environment = environment
        self.id = id
        self.type = type
        self.data = data
        self.createdAt = createdAt
    }
}

/// What crediting one deposit did.
public struct CreditOutcome: Sendable, Equatable {
    /// The deposit, now confirmed.
    public let deposit: Deposit
    /// The intents it was applied to, in order.
    public let appliedTo: [String]
    /// What went to the customer's balance.
    public let toBalance: Amount

    /// An outcome.
    public init(deposit: Deposit, appliedTo: [String], toBalance: Amount) {
        self.deposit = deposit
        self.appliedTo = appliedTo
        self.toBalance = toBalance
    }
}
