public import BigInt
import LodestoneCore
public import LodestoneDomain

/// A deterministic generator, so a failing sequence can be replayed from its seed.
public struct SplitMix64: RandomNumberGenerator {
    /// The state.
    public var state: UInt64
    /// A generator from `state`.
    public init(state: UInt64) { self.state = state }
    /// The next number.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The crediting rules written again, as plainly as possible, to check the ledger against.
public struct LedgerModel {
    public struct Intent: Equatable {
        public let id: String
        public let amount: BigInt
        public var received: BigInt = 0
        public var status: PaymentIntentStatus = .requiresPayment
        public let expiresAt: Int64
        public let seq: Int64
        public init(id: String, amount: BigInt, expiresAt: Int64, seq: Int64) {
            self.id = id
            self.amount = amount
            self.expiresAt = expiresAt
            self.seq = seq
        }
    }

    public struct Deposit: Equatable {
        public let id: String
        public let amount: BigInt
        public var status: DepositStatus = .pending
        public var credits = 0
        public var reversals = 0
        public var seenAt: Int64
        public init(id: String, amount: BigInt, seenAt: Int64) {
            self.id = id
            self.amount = amount
            self.seenAt = seenAt
        }
    }

    public var intents: [Intent] = []
    public var deposits: [Deposit] = []
    public var balance: BigInt = 0
    public init() {}

    public func isOpen(_ i: Intent) -> Bool { i.status == .requiresPayment || i.status == .processing }

    public mutating func settle(_ now: Int64) {
        for k in intents.indices.sorted(by: { intents[$0].seq < intents[$1].seq }) where isOpen(intents[k]) {
            if deposits.contains(where: { $0.status == .pending && $0.seenAt < intents[k].expiresAt }) {
                intents[k].status = .processing
            } else if intents[k].expiresAt <= now {
                intents[k].status = .expired
                balance += intents[k].received
            } else {
                intents[k].status = .requiresPayment
            }
        }
    }

    public mutating func confirm(_ d: Int, _ now: Int64) {
        guard deposits[d].status == .pending, deposits[d].credits == deposits[d].reversals else { return }
        deposits[d].credits += 1
        deposits[d].status = .confirmed
        var rest = deposits[d].amount
        // After a reversal the credit returns to the balance the reversal was charged to.
        for k in intents.indices.sorted(by: { intents[$0].seq < intents[$1].seq }) where deposits[d].credits == 1 && isOpen(intents[k]) && rest > 0 {
            let take = min(intents[k].amount - intents[k].received, rest)
            intents[k].received += take
            rest -= take
            if intents[k].received == intents[k].amount { intents[k].status = .succeeded }
        }
        balance += rest
        settle(now)
    }
}


extension LedgerModel {
    /// A deposit whose block left the chain: pending ones are orphaned, credited ones reversed.
    public mutating func leftTheChain(_ k: Int, _ now: Int64) {
        switch deposits[k].status {
        case .pending: deposits[k].status = .orphaned
        case .confirmed:
            deposits[k].status = .reversed
            deposits[k].reversals += 1
            balance -= deposits[k].amount
        default: return
        }
        settle(now)
    }

    /// A transfer seen again in a new block: an orphaned one is pending again, a reversed one restored.
    public mutating func seenAgain(_ k: Int, _ now: Int64) {
        guard deposits[k].status == .orphaned || deposits[k].status == .reversed else { return }
        deposits[k].status = .pending
        deposits[k].seenAt = now
        settle(now)
    }

    /// The merchant cancels intent `k`.
    public mutating func cancel(_ k: Int, _ now: Int64) {
        guard isOpen(intents[k]) else { return }
        intents[k].status = .canceled
        balance += intents[k].received
        settle(now)
    }
}
