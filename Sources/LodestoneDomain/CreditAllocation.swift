public import LodestoneCore

/// How a confirmed deposit is applied: to the customer's open intents for its asset, oldest first,
/// each up to what it still needs; whatever is left is the customer's unapplied balance.
/// Nothing is ever dropped: applied amounts plus the unapplied rest equal the deposit.
public struct CreditAllocation: Sendable, Equatable {
    /// One intent's share of the deposit.
    public struct Application: Sendable, Equatable {
        /// The intent.
        public let intentID: String
        /// Base units applied to it from this deposit.
        public let applied: Amount
        /// Its confirmed amount received after this deposit.
        public let amountReceived: Amount
        /// Its status after this deposit.
        public let status: PaymentIntentStatus
    }

    /// Intents credited, in the order they were filled.
    public let applications: [Application]
    /// What matched no open intent: credited to the customer's balance.
    public let unapplied: Amount

    /// An allocation.
    public init(applications: [Application], unapplied: Amount) {
        self.applications = applications
        self.unapplied = unapplied
    }

    /// Spreads `amount` over `intents` (only open ones count; in creation order, by sequence number).
    public static func allocate(_ amount: Amount, to intents: [PaymentIntent]) -> CreditAllocation {
        let open = intents.filter { $0.status == .requiresPayment || $0.status == .processing }.sorted { $0.sequence < $1.sequence }
        var remaining = amount
        var applications: [Application] = []
        for intent in open where remaining > .zero {
            guard let need = intent.amount.subtracting(intent.amountReceived), need > .zero else { continue }
            let take = min(need, remaining)
            remaining = remaining.subtracting(take)!
            let received = intent.amountReceived.adding(take)!
            applications.append(
                Application(
                    intentID: intent.id, applied: take, amountReceived: received,
                    status: received >= intent.amount ? .succeeded : .requiresPayment))
        }
        return CreditAllocation(applications: applications, unapplied: remaining)
    }
}

/// Counting confirmations against a threshold.
public enum ConfirmationRule {
    /// Confirmations of a block at `height` when the chain head is `head` (the block itself counts as one).
    public static func confirmations(head: Int64, height: Int64) -> Int {
        head < height ? 0 : Int(min(head - height + 1, Int64(Int.max)))
    }

    /// True once a deposit at `height` has reached `threshold`.
    public static func isConfirmed(head: Int64, height: Int64, threshold: Int) -> Bool {
        confirmations(head: head, height: height) >= threshold
    }
}
