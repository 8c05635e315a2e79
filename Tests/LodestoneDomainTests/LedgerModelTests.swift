import BigInt
import LodestoneCore
import LodestoneDomain
import TestSupport
import Testing

@Suite struct LedgerModelTests {
    enum Step: CaseIterable { case newDeposit, confirm, orphan, revive, reverse, restore, cancel, time, newIntent }

    /// Runs one random sequence; returns a description of the first disagreement, or nil.
    static func run(seed: UInt64, steps: Int) -> String? {
        var rng = SplitMix64(state: seed)
        var model = LedgerModel()
        var account = LedgerAccount(customerID: "c", assetID: "USDT-Tron", decimals: 6, intents: [], deposits: [], balance: .zero)
        var now: Int64 = 0
        var seq: Int64 = 0
        var eventIDs = Set<String>()
        var finalIntents: [String: PaymentIntentStatus] = [:]

        func newIntent() -> (PaymentIntent, LedgerModel.Intent) {
            seq += 1
            let amount = Int.random(in: 1...100, using: &rng)
            let expiresAt = now + Int64.random(in: 50...1500, using: &rng)
            let i = PaymentIntent(
                id: "pi_\(seq)", status: .requiresPayment, assetID: "USDT-Tron", network: .tron, amount: Amount(baseUnits: BigUInt(amount)),
                amountReceived: .zero, depositAddress: "T", confirmationsRequired: 1, customerID: "c", merchantOrderID: nil, metadata: nil,
                expiresAt: expiresAt, createdAt: now, sequence: seq)
            return (i, .init(id: i.id, amount: BigInt(amount), expiresAt: expiresAt, seq: seq))
        }

        for step in 0..<steps {
            now += Int64.random(in: 0...120, using: &rng)
            var fact: LedgerFact? = nil
            switch Step.allCases.randomElement(using: &rng)! {
            case .newIntent:
                let (i, m) = newIntent()
                account.intents.append(i)
                model.intents.append(m)
                fact = .intentCreated(intentID: i.id, at: now)
                model.settle(now)
            case .newDeposit:
                let id = "d\(account.deposits.count)"
                let amount = Int.random(in: 1...150, using: &rng)
                let d = Deposit(
                    id: id, network: .tron, assetID: "USDT-Tron", address: "T", customerID: "c", amount: Amount(baseUnits: BigUInt(amount)),
                    txHash: "0x\(id)", position: 0, blockNumber: 1, blockHash: "0xb", confirmations: 0, status: .pending, createdAt: now)
                account.deposits.append(LedgerDeposit(deposit: d, credits: 0, reversals: 0, seenAt: now))
                model.deposits.append(.init(id: id, amount: BigInt(amount), seenAt: now))
                fact = .detected(depositID: id, cause: "\(id).\(step)", at: now)
                model.settle(now)
            case .confirm, .orphan, .reverse, .restore, .revive:
                guard !model.deposits.isEmpty else { continue }
                let k = Int.random(in: 0..<model.deposits.count, using: &rng)
                let id = model.deposits[k].id
                let kind = [Step.confirm, .orphan, .reverse, .restore, .revive].randomElement(using: &rng)!
                switch kind {
                case .confirm:
                    fact = .confirmed(depositID: id, at: now)
                    model.confirm(k, now)
                case .orphan:
                    fact = .orphaned(depositID: id, cause: "\(step)", at: now)
                    if model.deposits[k].status == .pending {
                        model.deposits[k].status = .orphaned
                        model.settle(now)
                    }
                case .reverse:
                    fact = .reversed(depositID: id, cause: "\(step)", at: now)
                    if model.deposits[k].status == .confirmed {
                        model.deposits[k].status = .reversed
                        model.deposits[k].reversals += 1
                        model.balance -= model.deposits[k].amount
                        model.settle(now)
                    }
                case .restore:
                    fact = .restored(depositID: id, cause: "\(step)", at: now)
                    if model.deposits[k].status == .reversed {
                        model.deposits[k].status = .pending
                        model.deposits[k].seenAt = now
                        model.settle(now)
                    }
                default:
                    // The store revives an orphaned transfer seen again, then tells the ledger.
                    guard model.deposits[k].status == .orphaned else { continue }
                    model.deposits[k].status = .pending
                    model.deposits[k].seenAt = now
                    model.settle(now)
                    let a = account.deposits.firstIndex { $0.deposit.id == id }!
                    account.deposits[a].deposit = account.deposits[a].deposit.with(status: .pending)
                    fact = .detected(depositID: id, cause: "\(id).\(step)", at: now)
                }
            case .cancel:
                guard !model.intents.isEmpty else { continue }
                let k = Int.random(in: 0..<model.intents.count, using: &rng)
                fact = .intentCanceled(intentID: model.intents[k].id, at: now)
                if model.isOpen(model.intents[k]) {
                    model.intents[k].status = .canceled
                    model.balance += model.intents[k].received
                    model.settle(now)
                }
            case .time:
                fact = .timePassed(at: now)
                model.settle(now)
            }
            guard let fact else { continue }
            let plan: LedgerPlan
            do { plan = try Ledger.decide(fact, on: account) } catch { return "step \(step): \(fact) threw \(error)" }
            if plan.refusal == nil { account = account.applying(plan) }
            for e in plan.events {
                let id = "evt_\(e.type.rawValue).\(e.key)"
                guard eventIDs.insert(id).inserted else { return "step \(step): event id \(id) twice" }
            }
            // Agreement with the model.
            for m in model.intents {
                let i = account.intents.first { $0.id == m.id }!
                guard i.status == m.status, BigInt(i.amountReceived.baseUnits) == m.received else {
                    return "step \(step) after \(fact): intent \(m.id) is \(i.status) \(i.amountReceived), model says \(m.status) \(m.received)"
                }
                if let final = finalIntents[m.id], final != m.status { return "step \(step): final intent \(m.id) changed" }
                if m.status.isFinal { finalIntents[m.id] = m.status }
            }
            for m in model.deposits {
                let d = account.deposits.first { $0.deposit.id == m.id }!
                guard d.deposit.status == m.status, d.credits == m.credits, d.reversals == m.reversals else {
                    return "step \(step) after \(fact): deposit \(m.id) is \(d.deposit.status) \(d.credits)/\(d.reversals), model \(m.status) \(m.credits)/\(m.reversals)"
                }
                // Never credited twice: one credit per inclusion at most, and confirmed exactly when credited.
                guard (0...1).contains(d.credits - d.reversals), (d.deposit.status == .confirmed) == (d.credits - d.reversals == 1) else {
                    return "step \(step): deposit \(m.id) credits \(d.credits) reversals \(d.reversals) status \(d.deposit.status)"
                }
            }
            guard account.balance.value == model.balance else { return "step \(step): balance \(account.balance), model \(model.balance)" }
            // Conservation: what intents hold plus the balance is what was credited minus what was reversed.
            let held = account.intents.filter { !($0.status == .expired || $0.status == .canceled) }
                .reduce(BigInt(0)) { $0 + BigInt($1.amountReceived.baseUnits) }
            let net = account.deposits.reduce(BigInt(0)) { $0 + BigInt($1.credits - $1.reversals) * BigInt($1.deposit.amount.baseUnits) }
            guard held + account.balance.value == net else { return "step \(step): held \(held) + balance \(account.balance) != net \(net)" }
        }
        return nil
    }

    @Test func tenThousandRandomSequencesAgreeWithTheModel() {
        let base: UInt64 = 0x5EED_2026_1204
        var failures = 0
        for n in 0..<10_000 {
            let seed = base &+ UInt64(n)
            if let problem = Self.run(seed: seed, steps: 40) {
                Issue.record("seed \(seed): \(problem)")
                failures += 1
                if failures > 5 { return }
            }
        }
    }
}
