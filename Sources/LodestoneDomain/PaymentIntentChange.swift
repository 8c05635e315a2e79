/// What a `PATCH /v1/payment_intents/{id}` changes: nil keeps a field, `.some(nil)` clears it.
/// Only the merchant's own references and, while unpaid, a later expiry: never the amount, asset
/// or address, which the customer was shown.
public struct PaymentIntentChange: Sendable, Equatable {
    public var metadata: String??
    public var merchantOrderID: String??
    /// A later expiry, unix milliseconds.
    public var expiresAt: Int64?

    /// The longest an intent may stay open from now (as at creation).
    public static let maxLifetimeMillis: Int64 = 30 * 86_400_000

    /// No change.
    public init(metadata: String?? = nil, merchantOrderID: String?? = nil, expiresAt: Int64? = nil) {
        self.metadata = metadata
        self.merchantOrderID = merchantOrderID
        self.expiresAt = expiresAt
    }

    /// Why a change cannot be made.
    public enum Refusal: Sendable, Equatable {
        /// Not in the intent's present state.
        case state(String)
        /// The value of `field` is not acceptable.
        case value(field: String, String)
    }

    /// Why the change cannot be made to `intent` at `now`, or nil when it can.
    public func refusal(for intent: PaymentIntent, now: Int64) -> Refusal? {
        guard let expiresAt else { return nil }
        guard intent.status == .requiresPayment || intent.status == .processing else {
            return .state("the intent is \(intent.status.rawValue): only an unpaid intent's expiry can move")
        }
        guard expiresAt > intent.expiresAt else { return .value(field: "expires_at", "expires_at must be later than the current expiry") }
        guard expiresAt <= now + Self.maxLifetimeMillis else { return .value(field: "expires_at", "expires_at may be at most 30 days from now") }
        return nil
    }

    /// The intent with the change applied.
    public func applied(to i: PaymentIntent) -> PaymentIntent {
        var out = PaymentIntent(
            id: i.id, status: i.status, assetID: i.assetID, network: i.network, amount: i.amount, amountReceived: i.amountReceived,
            depositAddress: i.depositAddress, confirmationsRequired: i.confirmationsRequired, customerID: i.customerID,
            merchantOrderID: merchantOrderID ?? i.merchantOrderID, metadata: metadata ?? i.metadata, expiresAt: expiresAt ?? i.expiresAt,
            createdAt: i.createdAt, sequence: i.sequence)
        out.status = i.status
        return out
    }
}
