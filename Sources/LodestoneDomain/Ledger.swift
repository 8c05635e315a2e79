public import BigInt
public import LodestoneCore

/// Base units with a sign: a customer's balance goes below zero when credited money is reversed.
public struct LedgerAmount: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The signed number of base units.
    public let value: BigInt

    /// Zero.
    public static let zero = LedgerAmount(value: 0)

    /// A signed amount.
    public init(value: BigInt) { self.value = value }

    /// A non-negative amount.
    public init(_ amount: Amount) { value = BigInt(amount.baseUnits) }

    /// Parses the stored form: base units in decimal, with a leading `-` when negative.
    public init?(text: String) {
        guard let v = BigInt(text, radix: 10), !text.isEmpty, !text.hasPrefix("+") else { return nil }
        value = v
    }

    /// Base units in decimal, `-` when negative (the stored form).
    public var description: String { value.description }

    /// The amount when it is not negative.
    public var nonNegative: Amount? { value.sign == .minus ? nil : Amount(baseUnits: value.magnitude) }

    /// Decimal text in asset units (`-5.25` when negative), as the API writes amounts.
    public func decimalString(decimals: Int) -> String {
        let text = Amount(baseUnits: value.magnitude).decimalString(decimals: decimals)
        return value.sign == .minus && !value.isZero ? "-" + text : text
    }

    public static func < (a: LedgerAmount, b: LedgerAmount) -> Bool { a.value < b.value }
    /// Sum.
    public static func + (a: LedgerAmount, b: LedgerAmount) -> LedgerAmount { LedgerAmount(value: a.value + b.value) }
    /// Negation.
    public static prefix func - (a: LedgerAmount) -> LedgerAmount { LedgerAmount(value: -a.value) }
}

/// A deposit as the ledger sees it: the record plus how often it was credited and reversed.
public struct LedgerDeposit: Sendable, Equatable {
    /// The deposit (its status included).
    public var deposit: Deposit
    /// Times it was credited. Exactly once per inclusion: credits − reversals is 0 or 1.
    public var credits: Int
    /// Times a reorg took its credit back.
    public var reversals: Int
    /// When it last became pending (first seen, revived or restored), unix milliseconds.
    public var seenAt: Int64

    /// A ledger view of a deposit.
    public init(deposit: Deposit, credits: Int, reversals: Int, seenAt: Int64) {
        self.deposit = deposit
        self.credits = credits
        self.reversals = reversals
        self.seenAt = seenAt
    }
}

/// Everything the ledger needs to decide one fact for one customer and one asset: the intents
/// still open (and the fact's own intent), the deposits still pending (and the fact's own deposit),
/// and the unapplied balance.
public struct LedgerAccount: Sendable, Equatable {
    /// Owner.
    public let customerID: String
    /// Asset.
    public let assetID: String
    /// The asset's decimals, for event amounts.
    public let decimals: Int
    /// Intents, any order (the ledger orders them by sequence).
    public var intents: [PaymentIntent]
    /// Deposits.
    public var deposits: [LedgerDeposit]
    /// Money of this customer and asset that is in no intent.
    public var balance: LedgerAmount

    /// An account view.
    public init(customerID: String, assetID: String, decimals: Int, intents: [PaymentIntent], deposits: [LedgerDeposit], balance: LedgerAmount) {
        self.customerID = customerID
        self.assetID = assetID
        self.decimals = decimals
        self.intents = intents
        self.deposits = deposits
        self.balance = balance
    }
}

/// One thing that happened to an account. `at` is when (unix ms); `cause` makes event ids unique
/// per cause (a block hash, for a deposit seen in several blocks over reorgs).
public enum LedgerFact: Sendable, Equatable {
    /// A deposit became pending: first seen, or seen again after a reorg orphaned it.
    case detected(depositID: String, cause: String, at: Int64)
    /// A pending deposit reached its confirmations: credit it.
    case confirmed(depositID: String, at: Int64)
    /// A pending deposit's block left the chain.
    case orphaned(depositID: String, cause: String, at: Int64)
    /// A credited deposit's block left the chain: its credit is taken back.
    case reversed(depositID: String, cause: String, at: Int64)
    /// A reversed deposit's transaction is on the chain again: pending, to be credited once more.
    case restored(depositID: String, cause: String, at: Int64)
    /// An intent was created.
    case intentCreated(intentID: String, at: Int64)
    /// The merchant canceled an intent.
    case intentCanceled(intentID: String, at: Int64)
    /// Time passed: intents past their expiry with nothing on its way expire.
    case timePassed(at: Int64)
}

/// What a fact changes. The store applies all of it in one transaction, or none of it.
public struct LedgerPlan: Sendable, Equatable {
    /// A deposit's new state.
    public struct DepositChange: Sendable, Equatable {
        public let id: String
        public let status: DepositStatus
        public let credits: Int
        public let reversals: Int
        public let seenAt: Int64
    }

    /// An intent's new state.
    public struct IntentChange: Sendable, Equatable {
        public let id: String
        public let status: PaymentIntentStatus
        public let amountReceived: Amount
    }

    /// A movement of money, appended to the ledger and never changed: `target` is `balance` or
    /// `intent:<id>`; `key` makes a repeat impossible.
    public struct Entry: Sendable, Equatable {
        public let key: String
        public let target: String
        public let amount: LedgerAmount
        public let depositID: String?
        public let intentID: String?
        public let reason: String
    }

    /// An event for the outbox; its id is `evt_<type>.<key>`.
    public struct Event: Sendable, Equatable {
        public let type: EventType
        public let key: String
        public let payload: String
    }

    /// Deposit changes, in order.
    public var deposits: [DepositChange] = []
    /// Intent changes, in order (an intent appears at most once, with its final state).
    public var intents: [IntentChange] = []
    /// Ledger entries.
    public var entries: [Entry] = []
    /// Events, in the order they happened.
    public var events: [Event] = []
    /// Set when the fact does not apply (canceling a succeeded intent): nothing is to be done, and the caller is told why.
    public var refusal: String? = nil

    /// True when nothing changes.
    public var isEmpty: Bool { deposits.isEmpty && intents.isEmpty && entries.isEmpty && events.isEmpty }
}

/// The money rules, in one place: which intent a deposit fills, when an intent is processing,
/// succeeded, expired or canceled, where money that fills no intent goes, and what a reorg takes
/// back. Pure: no I/O and no clock; the store loads an account, asks, and applies the plan.
public enum Ledger {
    /// The plan for `fact` on `account`.
    public static func decide(_ fact: LedgerFact, on account: LedgerAccount) throws(LedgerError) -> LedgerPlan {
        var state = State(account: account)
        switch fact {
        case .detected(let id, let cause, let at):
            var d = try state.deposit(id)
            guard d.deposit.status == .pending else { return state.plan }
            d.seenAt = at
            state.update(d)
            state.event(.depositDetected, key: cause, DepositRepresentation(d.deposit, decimals: account.decimals))
            state.settle(at: at, cause: cause)
        case .confirmed(let id, let at):
            let d = try state.deposit(id)
            // Exactly once per inclusion: only a pending deposit not yet credited this time moves on.
            guard d.deposit.status == .pending, d.credits == d.reversals else { return state.plan }
            state.credit(d, at: at)
        case .orphaned(let id, let cause, let at):
            var d = try state.deposit(id)
            guard d.deposit.status == .pending else { return state.plan }
            d.deposit = d.deposit.with(status: .orphaned)
            state.update(d)
            state.event(.depositOrphaned, key: "\(id).\(cause)", DepositRepresentation(d.deposit, decimals: account.decimals))
            state.settle(at: at, cause: cause)
        case .reversed(let id, let cause, let at):
            var d = try state.deposit(id)
            guard d.deposit.status == .confirmed, d.credits == d.reversals + 1 else { return state.plan }
            d.reversals += 1
            d.deposit = d.deposit.with(status: .reversed)
            state.update(d)
            // What was credited is taken back from the balance (which may go below zero); intents
            // it completed stay complete, so the merchant's record of a sale does not change.
            state.entry(
                key: "reversal.\(id).\(d.reversals)", target: "balance", amount: -LedgerAmount(d.deposit.amount), depositID: id,
                intentID: nil, reason: "deposit reversed by a reorg")
            state.event(.depositReversed, key: "\(id).\(cause)", DepositRepresentation(d.deposit, decimals: account.decimals))
            state.settle(at: at, cause: cause)
        case .restored(let id, let cause, let at):
            var d = try state.deposit(id)
            guard d.deposit.status == .reversed else { return state.plan }
            d.deposit = d.deposit.with(status: .pending)
            d.seenAt = at
            state.update(d)
            state.event(.depositRestored, key: "\(id).\(cause)", DepositRepresentation(d.deposit, decimals: account.decimals))
            state.settle(at: at, cause: cause)
        case .intentCreated(let id, let at):
            _ = try state.intent(id)
            state.settle(at: at, cause: id)
        case .intentCanceled(let id, let at):
            let intent = try state.intent(id)
            switch CancelDecision(status: intent.status) {
            case .alreadyCanceled: return state.plan
            case .refused(let status):
                var plan = LedgerPlan()
                plan.refusal = "payment intent is \(status.rawValue) and can no longer be canceled"
                return plan
            case .cancel: state.close(intent, as: .canceled)
            }
            state.settle(at: at, cause: id)
        case .timePassed(let at):
            state.settle(at: at, cause: "expiry")
        }
        return state.plan
    }

    /// The working copy of an account while a fact is decided, with the plan so far.
    struct State {
        var account: LedgerAccount
        var plan = LedgerPlan()

        init(account: LedgerAccount) { self.account = account }

        func deposit(_ id: String) throws(LedgerError) -> LedgerDeposit {
            guard let d = account.deposits.first(where: { $0.deposit.id == id }) else { throw .unknownDeposit(id) }
            return d
        }

        func intent(_ id: String) throws(LedgerError) -> PaymentIntent {
            guard let i = account.intents.first(where: { $0.id == id }) else { throw .unknownIntent(id) }
            return i
        }

        var openIntents: [PaymentIntent] {
            account.intents.filter { !$0.status.isFinal }.sorted { $0.sequence < $1.sequence }
        }

        mutating func update(_ d: LedgerDeposit) {
            if let i = account.deposits.firstIndex(where: { $0.deposit.id == d.deposit.id }) { account.deposits[i] = d }
            plan.deposits.removeAll { $0.id == d.deposit.id }
            plan.deposits.append(
                LedgerPlan.DepositChange(
                    id: d.deposit.id, status: d.deposit.status, credits: d.credits, reversals: d.reversals, seenAt: d.seenAt))
        }

        mutating func update(_ intent: PaymentIntent) {
            if let i = account.intents.firstIndex(where: { $0.id == intent.id }) { account.intents[i] = intent }
            plan.intents.removeAll { $0.id == intent.id }
            plan.intents.append(LedgerPlan.IntentChange(id: intent.id, status: intent.status, amountReceived: intent.amountReceived))
        }

        mutating func entry(key: String, target: String, amount: LedgerAmount, depositID: String?, intentID: String?, reason: String) {
            plan.entries.append(
                LedgerPlan.Entry(key: key, target: target, amount: amount, depositID: depositID, intentID: intentID, reason: reason))
            if target == "balance" { account.balance = account.balance + amount }
        }

        mutating func event(_ type: EventType, key: String, _ payload: some Encodable) {
            // Payloads are plain typed values: encoding them cannot fail.
            let text = (try? EventPayload.encode(payload)) ?? "{}"
            plan.events.append(LedgerPlan.Event(type: type, key: key, payload: text))
        }

        var decimals: Int { account.decimals }

        /// Credits a pending deposit: open intents in creation order, each up to what it still
        /// needs, the rest to the balance.
        mutating func credit(_ pending: LedgerDeposit, at: Int64) {
            var d = pending
            d.credits += 1
            d.deposit = d.deposit.with(status: .confirmed)
            update(d)
            let id = d.deposit.id
            // The first credit keeps the plain key; a credit after a restore gets its own.
            let round = d.credits == 1 ? id : "\(id).\(d.credits)"
            // A credit after a reversal goes back where the reversal took it from, the balance: the
            // intents still hold what the first credit gave them.
            let allocation = d.credits == 1 ? CreditAllocation.allocate(d.deposit.amount, to: openIntents) : CreditAllocation(applications: [], unapplied: d.deposit.amount)
            for application in allocation.applications {
                guard var intent = try? intent(application.intentID) else { continue }
                intent.amountReceived = application.amountReceived
                if application.status == .succeeded { intent.status = .succeeded }
                update(intent)
                entry(
                    key: "apply.\(round).\(intent.id)", target: "intent:\(intent.id)", amount: LedgerAmount(application.applied), depositID: id,
                    intentID: intent.id, reason: "deposit applied to the intent")
                let received = application.amountReceived.decimalString(decimals: decimals)
                if application.status == .succeeded {
                    event(.paymentIntentSucceeded, key: intent.id, IntentSucceededEventData(paymentIntent: intent.id, amountReceived: received))
                } else {
                    event(
                        .paymentIntentPartiallyPaid, key: "\(intent.id).\(round)",
                        IntentPartiallyPaidEventData(
                            paymentIntent: intent.id, deposit: id, amount: intent.amount.decimalString(decimals: decimals),
                            amountReceived: received))
                }
            }
            if allocation.unapplied > .zero {
                entry(
                    key: "credit.\(round)", target: "balance", amount: LedgerAmount(allocation.unapplied), depositID: id, intentID: nil,
                    reason: "deposit matched no open intent")
                event(
                    .customerBalanceCredited, key: round,
                    BalanceCreditedEventData(
                        customer: account.customerID, asset: account.assetID, amount: allocation.unapplied.decimalString(decimals: decimals),
                        balance: account.balance.decimalString(decimals: decimals), deposit: id, paymentIntent: nil))
            }
            event(.depositConfirmed, key: round, DepositRepresentation(d.deposit, decimals: decimals))
            settle(at: at, cause: round)
        }

        /// Ends an open intent (expired or canceled); money it received moves to the balance, the
        /// intent keeps `amount_received` for history.
        mutating func close(_ open: PaymentIntent, as status: PaymentIntentStatus) {
            var intent = open
            intent.status = status
            update(intent)
            if intent.amountReceived > .zero {
                let amount = LedgerAmount(intent.amountReceived)
                entry(
                    key: "release.\(intent.id)", target: "intent:\(intent.id)", amount: -amount, depositID: nil, intentID: intent.id,
                    reason: "intent \(status.rawValue): its money moves to the balance")
                entry(
                    key: "refund.\(intent.id)", target: "balance", amount: amount, depositID: nil, intentID: intent.id,
                    reason: "partial payment of a \(status.rawValue) intent")
                event(
                    .customerBalanceCredited, key: "\(intent.id).\(status.rawValue)",
                    BalanceCreditedEventData(
                        customer: account.customerID, asset: account.assetID, amount: intent.amountReceived.decimalString(decimals: decimals),
                        balance: account.balance.decimalString(decimals: decimals), deposit: nil, paymentIntent: intent.id))
            }
            event(
                status == .expired ? .paymentIntentExpired : .paymentIntentCanceled, key: intent.id,
                PaymentIntentEventData(intent, decimals: decimals))
        }

        /// Brings every open intent to the status the deposits call for at `at`: processing while a
        /// deposit seen before its expiry is pending; otherwise waiting for payment, or expired
        /// once its expiry has passed.
        mutating func settle(at: Int64, cause: String) {
            for intent in openIntents {
                let onItsWay = account.deposits.first { $0.deposit.status == .pending && $0.seenAt < intent.expiresAt }
                if let onItsWay {
                    guard intent.status != .processing else { continue }
                    var changed = intent
                    changed.status = .processing
                    update(changed)
                    event(
                        .paymentIntentProcessing, key: "\(intent.id).\(cause)",
                        IntentProcessingEventData(paymentIntent: intent.id, deposit: onItsWay.deposit.id))
                } else if intent.expiresAt <= at {
                    close(intent, as: .expired)
                } else if intent.status != .requiresPayment {
                    var changed = intent
                    changed.status = .requiresPayment
                    update(changed)
                }
            }
        }
    }
}

/// A fact names something the account does not hold: the caller loaded the wrong rows.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownDeposit(String)
    case unknownIntent(String)

    public var description: String {
        switch self {
        case .unknownDeposit(let id): return "deposit \(id) is not in the account"
        case .unknownIntent(let id): return "payment intent \(id) is not in the account"
        }
    }
}

extension LedgerAccount {
    /// The account after `plan` (what a store holds once it applied it); for in-memory stores and tests.
    public func applying(_ plan: LedgerPlan) -> LedgerAccount {
        var next = self
        for change in plan.deposits {
            guard let i = next.deposits.firstIndex(where: { $0.deposit.id == change.id }) else { continue }
            next.deposits[i].deposit = next.deposits[i].deposit.with(status: change.status)
            next.deposits[i].credits = change.credits
            next.deposits[i].reversals = change.reversals
            next.deposits[i].seenAt = change.seenAt
        }
        for change in plan.intents {
            guard let i = next.intents.firstIndex(where: { $0.id == change.id }) else { continue }
            next.intents[i].status = change.status
            next.intents[i].amountReceived = change.amountReceived
        }
        for entry in plan.entries where entry.target == "balance" { next.balance = next.balance + entry.amount }
        return next
    }
}
