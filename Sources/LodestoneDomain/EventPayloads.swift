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

/// `deposit.*` events.
public struct DepositEventData: Codable, Sendable, Equatable {
    /// The `deposit` field.
    public let deposit: String
    /// The `network` field.
    public let network: String
    /// The `asset` field.
    public let asset: String
    /// The `address` field.
    public let address: String
    /// The `customer` field.
    public let customer: String
    /// Decimal text in asset units.
    public let amount: String
    /// The `txHash` field.
    public let txHash: String
    /// The `position` field.
    public let position: Int
    /// The `blockNumber` field.
    public let blockNumber: Int64
    /// The `status` field.
    public let status: String
    enum CodingKeys: String, CodingKey {
        case deposit, network, asset, address, customer, amount, position, status
        case txHash = "tx_hash"
        case blockNumber = "block_number"
    }

    /// The payload of deposit `d`, its amount written with `decimals`.
    public init(_ d: Deposit, decimals: Int) {
        deposit = d.id
        network = d.network.rawValue
        asset = d.assetID
        address = d.address
        customer = d.customerID
        amount = d.amount.decimalString(decimals: decimals)
        txHash = d.txHash
        position = d.position
        blockNumber = d.blockNumber
        status = d.status.rawValue
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
