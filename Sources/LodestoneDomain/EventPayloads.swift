import Foundation
import LodestoneCore

/// Typed `data` of the outbox events. Each is encoded once, by `EventPayload.encode`, when the
/// event is written; the API and the webhook body carry those bytes' value unchanged. No event text
/// is ever assembled by hand, so nothing a node or a client sent can add a field to a signed body.
public enum EventPayload {
    /// The one encoder of event data: sorted keys, so equal payloads are equal text.
    public static func encode(_ payload: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(payload), as: UTF8.self)
    }
}

/// RFC 3339 UTC text of unix milliseconds, as the API and the webhooks write times.
public func rfc3339(_ millis: Int64) -> String {
    Date(timeIntervalSince1970: Double(millis) / 1000).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}

/// One event as `GET /v1/events` lists it and as a webhook delivers it: the same encoding, so a
/// receiver sees exactly what the API shows.
public struct EventEnvelope: Encodable, Sendable {
    /// The event id.
    public let id: String
    /// The event type.
    public let type: String
    /// When it happened, RFC 3339.
    public let created: String
    /// Its payload.
    public let data: JSONValue
    /// `production` or `sandbox`.
    public let environment: String
    /// True when the money is real (production), as merchants know it from other payment APIs.
    public let livemode: Bool

    /// The envelope of a stored event (its payload text is parsed back into a value).
    public init(_ event: OutboxEvent) {
        id = event.id
        type = event.type.rawValue
        created = rfc3339(event.createdAt)
        environment = event.environment.rawValue
        livemode = event.environment.isLive
        data = (try? JSONDecoder().decode(JSONValue.self, from: Data(event.data.utf8))) ?? .null
    }
}

/// A deposit as the API shows it and as `deposit.*` events carry it.
public struct DepositRepresentation: Encodable, Sendable {
    let deposit: Deposit
    let decimals: Int

    /// The representation of `deposit`, its amount written with `decimals`.
    public init(_ deposit: Deposit, decimals: Int) {
        self.deposit = deposit
        self.decimals = decimals
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(deposit.id, forKey: .id)
        try c.encode(deposit.network.rawValue, forKey: .network)
        try c.encode(deposit.assetID, forKey: .asset)
        try c.encode(deposit.address, forKey: .address)
        try c.encode(deposit.customerID, forKey: .customer)
        try c.encode(deposit.amount.decimalString(decimals: decimals), forKey: .amount)
        try c.encode(deposit.txHash, forKey: .txHash)
        try c.encode(deposit.position, forKey: .position)
        // A transfer still in the mempool is in no block: null, not a made-up number.
        try c.encode(deposit.isUnmined ? nil : deposit.blockNumber, forKey: .blockNumber)
        try c.encode(deposit.isUnmined ? nil : deposit.blockHash, forKey: .blockHash)
        try c.encode(deposit.confirmations, forKey: .confirmations)
        try c.encode(deposit.status.rawValue, forKey: .status)
        try c.encode(rfc3339(deposit.createdAt), forKey: .created)
        try c.encode(deposit.sender, forKey: .sender)  // null when the chain names none
        try c.encode(deposit.ignoredReason, forKey: .ignoredReason)
        try c.encode(deposit.orphanedReason, forKey: .orphanedReason)
    }

    enum CodingKeys: String, CodingKey {
        case id, network, asset, address, customer, amount, position, confirmations, status, created, sender
        case txHash = "tx_hash"
        case blockNumber = "block_number"
        case blockHash = "block_hash"
        case ignoredReason = "ignored_reason"
        case orphanedReason = "orphaned_reason"
    }
}

/// `payment_intent.canceled` / `.expired`: the intent as it ended.
public struct PaymentIntentEventData: Codable, Sendable, Equatable {
    /// The `paymentIntent` field.
    public let paymentIntent: String
    /// The `status` field.
    public let status: String
    /// The `customer` field.
    public let customer: String
    /// The `asset` field.
    public let asset: String
    /// The `amount` field.
    public let amount: String
    /// The `amountReceived` field.
    public let amountReceived: String
    enum CodingKeys: String, CodingKey {
        case status, customer, asset, amount
        case paymentIntent = "payment_intent"
        case amountReceived = "amount_received"
    }

    /// The payload of `intent`, amounts written with `decimals`.
    public init(_ intent: PaymentIntent, decimals: Int) {
        paymentIntent = intent.id
        status = intent.status.rawValue
        customer = intent.customerID
        asset = intent.assetID
        amount = intent.amount.decimalString(decimals: decimals)
        amountReceived = intent.amountReceived.decimalString(decimals: decimals)
    }
}

/// `payment_intent.processing`: a deposit for the intent was seen.
public struct IntentProcessingEventData: Codable, Sendable, Equatable {
    /// The `paymentIntent` field.
    public let paymentIntent: String
    /// The `deposit` field.
    public let deposit: String
    enum CodingKeys: String, CodingKey {
        case deposit
        case paymentIntent = "payment_intent"
    }

    /// The payload.
    public init(paymentIntent: String, deposit: String) {
        self.paymentIntent = paymentIntent
        self.deposit = deposit
    }
}

/// `payment_intent.succeeded`: confirmed money completed the intent.
public struct IntentSucceededEventData: Codable, Sendable, Equatable {
    /// The `paymentIntent` field.
    public let paymentIntent: String
    /// The `amountReceived` field.
    public let amountReceived: String
    enum CodingKeys: String, CodingKey {
        case paymentIntent = "payment_intent"
        case amountReceived = "amount_received"
    }

    /// The payload.
    public init(paymentIntent: String, amountReceived: String) {
        self.paymentIntent = paymentIntent
        self.amountReceived = amountReceived
    }
}

/// `customer.balance_credited`: money that matched no open intent, or that an intent held when it
/// expired or was canceled (then `payment_intent` names it and `deposit` is absent).
public struct BalanceCreditedEventData: Codable, Sendable, Equatable {
    /// The `customer` field.
    public let customer: String
    /// The `asset` field.
    public let asset: String
    /// The `amount` field: what was credited.
    public let amount: String
    /// The `balance` field: the balance after it.
    public let balance: String
    /// The `deposit` field, when a deposit brought the money.
    public let deposit: String?
    /// The `payment_intent` field, when an ended intent released it.
    public let paymentIntent: String?
    enum CodingKeys: String, CodingKey {
        case customer, asset, amount, balance, deposit
        case paymentIntent = "payment_intent"
    }

    /// The payload.
    public init(customer: String, asset: String, amount: String, balance: String, deposit: String?, paymentIntent: String?) {
        self.customer = customer
        self.asset = asset
        self.amount = amount
        self.balance = balance
        self.deposit = deposit
        self.paymentIntent = paymentIntent
    }
}

/// `payment_intent.partially_paid`: confirmed money reached the intent without completing it.
public struct IntentPartiallyPaidEventData: Codable, Sendable, Equatable {
    /// The `payment_intent` field.
    public let paymentIntent: String
    /// The `deposit` field.
    public let deposit: String
    /// The `amount` field: what the intent asks for.
    public let amount: String
    /// The `amount_received` field: what it holds now.
    public let amountReceived: String
    enum CodingKeys: String, CodingKey {
        case deposit, amount
        case paymentIntent = "payment_intent"
        case amountReceived = "amount_received"
    }

    /// The payload.
    public init(paymentIntent: String, deposit: String, amount: String, amountReceived: String) {
        self.paymentIntent = paymentIntent
        self.deposit = deposit
        self.amount = amount
        self.amountReceived = amountReceived
    }
}
