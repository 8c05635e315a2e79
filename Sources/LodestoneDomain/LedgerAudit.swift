/// The auditor's reconciliation of one customer's money in one asset: what the deposits say was
/// credited, what the ledger's entries hold, and what the intents say they received must agree.
public enum LedgerAudit {
    /// One stored ledger entry: `balance` or `intent:<id>`, a signed amount.
    public struct Entry: Sendable, Equatable {
        /// `balance` or `intent:<id>`.
        public let target: String
        /// Signed base units.
        public let amount: LedgerAmount

        /// An entry.
        public init(target: String, amount: LedgerAmount) {
            self.target = target
            self.amount = amount
        }
    }

    /// Everything stored for one customer and asset.
    public struct Account: Sendable {
        /// Owner.
        public let customerID: String
        /// Asset.
        public let assetID: String
        /// Every deposit of the account, whatever its status.
        public let deposits: [LedgerDeposit]
        /// Every intent of the account, whatever its status.
        public let intents: [PaymentIntent]
        /// Every entry.
        public let entries: [Entry]

        /// An account as stored.
        public init(customerID: String, assetID: String, deposits: [LedgerDeposit], intents: [PaymentIntent], entries: [Entry]) {
            self.customerID = customerID
            self.assetID = assetID
            self.deposits = deposits
            self.intents = intents
            self.entries = entries
        }
    }

    /// What does not agree.
    public struct Finding: Sendable, Equatable {
        /// Owner.
        public let customerID: String
        /// Asset.
        public let assetID: String
        /// The deposit or intent concerned, when one is.
        public let subject: String?
        /// What disagrees, in words.
        public let problem: String
    }

    /// The findings for one account (empty when it reconciles).
    public static func check(_ account: Account) -> [Finding] {
        var findings: [Finding] = []
        func finding(_ subject: String?, _ problem: String) {
            findings.append(Finding(customerID: account.customerID, assetID: account.assetID, subject: subject, problem: problem))
        }
        var credited = LedgerAmount.zero
        for d in account.deposits {
            let net = d.credits - d.reversals
            let id = d.deposit.id
            guard net == 0 || net == 1 else {
                finding(id, "credited \(d.credits) times and reversed \(d.reversals) times: net \(net), never more than once")
                continue
            }
            switch d.deposit.status {
            case .confirmed where net != 1: finding(id, "confirmed but not credited (net \(net))")
            case .pending, .orphaned, .reversed, .ignored:
                if net != 0 { finding(id, "\(d.deposit.status.rawValue) but still credited") }
            default: break
            }
            if d.deposit.status == .ignored, d.credits != 0 { finding(id, "ignored but credited \(d.credits) times") }
            if net == 1 { credited = credited + LedgerAmount(d.deposit.amount) }
        }
        let held = account.entries.reduce(LedgerAmount.zero) { $0 + $1.amount }
        if held != credited {
            finding(nil, "the ledger holds \(held) base units, but credited deposits add up to \(credited)")
        }
        for intent in account.intents {
            let inIntent = account.entries.filter { $0.target == "intent:\(intent.id)" }.reduce(LedgerAmount.zero) { $0 + $1.amount }
            if inIntent != LedgerAmount(intent.amountReceived) {
                finding(intent.id, "received \(intent.amountReceived) by its own record, \(inIntent) by the ledger")
            }
        }
        let known = Set(account.intents.map { "intent:\($0.id)" }).union(["balance"])
        for target in Set(account.entries.map(\.target)).subtracting(known).sorted() {
            finding(nil, "ledger entries name \(target), which is not an intent of this account")
        }
        return findings
    }
}
