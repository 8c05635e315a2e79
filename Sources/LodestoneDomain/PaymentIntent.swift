public import LodestoneCore

/// Where a payment intent stands.
public enum PaymentIntentStatus: String, Sendable, Codable, CaseIterable {
    case requiresPayment = "requires_payment"
    case processing
    case succeeded
    case expired
    case canceled

    /// True once nothing more can happen to the intent.
    public var isFinal: Bool { self == .succeeded || self == .expired || self == .canceled }
}

/// A request for a customer to pay an amount of an asset.
public struct PaymentIntent: Sendable, Hashable {
    /// `pi_…`
    public let id: String
    /// Current status.
    public var status: PaymentIntentStatus
    /// Asset id.
    public let assetID: String
    /// Network id of the asset.
    public let network: NetworkID
    /// Requested amount in base units.
    public let amount: Amount
    /// Confirmed amount received so far, base units.
    public var amountReceived: Amount
    /// The customer's deposit address on the network.
    public let depositAddress: String
    /// Threshold the asset had when the intent was created.
    public let confirmationsRequired: Int
    /// Owner.
    public let customerID: String
    /// Merchant's order reference.
    public let merchantOrderID: String?
    /// Merchant metadata (JSON object text).
    public let metadata: String?
    /// Expiry, unix milliseconds.
    public let expiresAt: Int64
    /// Creation, unix milliseconds.
    public let createdAt: Int64
    /// Creation order: a sequence number from the store (0 until stored). Timestamps tie; this never does.
    public var sequence: Int64

    /// An intent record.
    public init(
        id: String, status: PaymentIntentStatus, assetID: String, network: NetworkID, amount: Amount,
        amountReceived: Amount, depositAddress: String, confirmationsRequired: Int, customerID: String,
        merchantOrderID: String?, metadata: String?, expiresAt: Int64, createdAt: Int64, sequence: Int64 = 0
    ) {
        self.sequence = sequence
        self.id = id
        self.status = status
        self.assetID = assetID
        self.network = network
        self.amount = amount
        self.amountReceived = amountReceived
        self.depositAddress = depositAddress
        self.confirmationsRequired = confirmationsRequired
        self.customerID = customerID
        self.merchantOrderID = merchantOrderID
        self.metadata = metadata
        self.expiresAt = expiresAt
        self.createdAt = createdAt
    }
}

/// What a cancel request may do to an intent.
public enum CancelDecision: Sendable, Equatable {
    case cancel
    case alreadyCanceled
    case refused(PaymentIntentStatus)

    /// Succeeded and expired intents keep their status; requires_payment and processing can be canceled.
    public init(status: PaymentIntentStatus) {
        switch status {
        case .requiresPayment, .processing: self = .cancel
        case .canceled: self = .alreadyCanceled
        case .succeeded, .expired: self = .refused(status)
        }
    }
}
