import BigInt
import LodestoneCore
import LodestoneDomain
import Testing

/// The ledger's rules, one defect at a time.
@Suite struct LedgerTests {
    static func intent(_ id: String, _ amount: Int, seq: Int64, expiresAt: Int64 = 1_000_000, status: PaymentIntentStatus = .requiresPayment)
        -> PaymentIntent
    {
        PaymentIntent(
            id: id, status: status, assetID: "USDT-Tron", network: .tron, amount: Amount(baseUnits: BigUInt(amount)), amountReceived: .zero,
            depositAddress: "T", confirmationsRequired: 20, customerID: "cus_1", merchantOrderID: nil, metadata: nil, expiresAt: expiresAt,
            createdAt: 0, sequence: seq)
    }

    static func deposit(_ id: String, _ amount: Int, seenAt: Int64, status: DepositStatus = .pending) -> LedgerDeposit {
        LedgerDeposit(
            deposit: Deposit(
                id: id, network: .tron, assetID: "USDT-Tron", address: "T", customerID: "cus_1", amount: Amount(baseUnits: BigUInt(amount)),
                txHash: "0x" + id, position: 0, blockNumber: 1, blockHash: "0xb", confirmations: 0, status: status, createdAt: seenAt),
            credits: 0, reversals: 0, seenAt: seenAt)
    }

    static func account(intents: [PaymentIntent] = [], deposits: [LedgerDeposit] = [], balance: Int = 0) -> LedgerAccount {
        LedgerAccount(
            customerID: "cus_1", assetID: "USDT-Tron", decimals: 6, intents: intents, deposits: deposits,
            balance: LedgerAmount(value: BigInt(balance)))
    }

    /// Applies facts in order, returning the account and every event.
    static func run(_ start: LedgerAccount, _ facts: [LedgerFact]) throws -> (LedgerAccount, [LedgerPlan.Event]) {
        var account = start
        var events: [LedgerPlan.Event] = []
        for fact in facts {
            let plan = try Ledger.decide(fact, on: account)
            account = account.applying(plan)
            events += plan.events
        }
        return (account, events)
    }

    @Test func aPartlyPaidIntentWaitsForTheRestAndIsCompletedByIt() throws {
        // Two deposits on their way; the first is credited, the intent expires meanwhile: it must
        // stay processing and take the second deposit, not let it fall to the balance.
        let start = Self.account(
            intents: [Self.intent("pi_1", 100, seq: 1, expiresAt: 500)],
            deposits: [Self.deposit("d1", 60, seenAt: 100), Self.deposit("d2", 40, seenAt: 200)])
        let (after, events) = try Self.run(start, [
            .detected(depositID: "d1", cause: "d1", at: 100), .detected(depositID: "d2", cause: "d2", at: 200),
            .confirmed(depositID: "d1", at: 300), .timePassed(at: 600), .confirmed(depositID: "d2", at: 700),
        ])
        let intent = try #require(after.intents.first)
        #expect(intent.status == .succeeded && intent.amountReceived == Amount(baseUnits: 100))
        #expect(after.balance == .zero)
        #expect(events.contains { $0.type == .paymentIntentPartiallyPaid })
        #expect(!events.contains { $0.type == .paymentIntentExpired })
    }

    @Test func anExpiredIntentsPartialMoneyMovesToTheBalance() throws {
        let start = Self.account(intents: [Self.intent("pi_1", 100, seq: 1, expiresAt: 500)], deposits: [Self.deposit("d1", 60, seenAt: 100)])
        let (after, events) = try Self.run(start, [
            .detected(depositID: "d1", cause: "d1", at: 100), .confirmed(depositID: "d1", at: 200), .timePassed(at: 600),
        ])
        let intent = try #require(after.intents.first)
        #expect(intent.status == .expired && intent.amountReceived == Amount(baseUnits: 60), "amount_received stays for history")
        #expect(after.balance == LedgerAmount(value: 60))
        let credited = try #require(events.first { $0.type == .customerBalanceCredited })
        #expect(credited.payload.contains("\"payment_intent\":\"pi_1\""))
    }

    @Test func aCanceledIntentsPartialMoneyMovesToTheBalance() throws {
        let start = Self.account(intents: [Self.intent("pi_1", 100, seq: 1)], deposits: [Self.deposit("d1", 30, seenAt: 100)])
        let (after, _) = try Self.run(start, [
            .detected(depositID: "d1", cause: "d1", at: 100), .confirmed(depositID: "d1", at: 200), .intentCanceled(intentID: "pi_1", at: 300),
        ])
        #expect(after.intents.first?.status == .canceled && after.balance == LedgerAmount(value: 30))
        // A succeeded intent cannot be canceled.
        let paid = Self.account(intents: [Self.intent("pi_2", 10, seq: 1, status: .succeeded)])
        #expect(try Ledger.decide(.intentCanceled(intentID: "pi_2", at: 1), on: paid).refusal != nil)
    }

    @Test func aReversalTakesTheCreditBackAndARestoreCreditsOnceMore() throws {
        let start = Self.account(deposits: [Self.deposit("d1", 50, seenAt: 100)])
        var (after, events) = try Self.run(start, [
            .detected(depositID: "d1", cause: "d1", at: 100), .confirmed(depositID: "d1", at: 200),
            .reversed(depositID: "d1", cause: "b1", at: 300),
        ])
        #expect(after.deposits[0].deposit.status == .reversed && after.balance == .zero)
        #expect(events.filter { $0.type == .depositReversed }.count == 1)
        // Money already spent from the balance: it goes negative and shows it.
        var spent = after
        spent.balance = LedgerAmount(value: -50)
        #expect(spent.balance.decimalString(decimals: 6) == "-0.00005")
        (after, events) = try Self.run(after, [
            .restored(depositID: "d1", cause: "b2", at: 400), .confirmed(depositID: "d1", at: 500), .confirmed(depositID: "d1", at: 600),
        ])
        #expect(after.deposits[0].deposit.status == .confirmed && after.deposits[0].credits == 2 && after.deposits[0].reversals == 1)
        #expect(after.balance == LedgerAmount(value: 50))
        #expect(events.filter { $0.type == .depositConfirmed }.count == 1)
    }

    @Test func aRestoredDepositsCreditReturnsToTheBalanceItsReversalWasChargedTo() throws {
        let start = Self.account(intents: [Self.intent("pi_1", 100, seq: 1)], deposits: [Self.deposit("d1", 60, seenAt: 10)])
        let (after, _) = try Self.run(start, [
            .detected(depositID: "d1", cause: "d1", at: 10), .confirmed(depositID: "d1", at: 20), .reversed(depositID: "d1", cause: "b", at: 30),
            .restored(depositID: "d1", cause: "c", at: 40), .confirmed(depositID: "d1", at: 50),
        ])
        // The intent holds the deposit once, and the balance is whole again.
        #expect(after.intents[0].amountReceived == Amount(baseUnits: 60) && after.balance == .zero)
    }

    @Test func intentsAreFilledInSequenceOrderWhateverTheirTimestamps() throws {
        // Same timestamps; the later sequence number has the smaller id.
        let start = Self.account(
            intents: [Self.intent("pi_z", 1, seq: 1), Self.intent("pi_a", 2, seq: 2)], deposits: [Self.deposit("d1", 1, seenAt: 10)])
        let (after, _) = try Self.run(start, [.detected(depositID: "d1", cause: "d1", at: 10), .confirmed(depositID: "d1", at: 20)])
        #expect(after.intents.first { $0.id == "pi_z" }?.status == .succeeded)
        #expect(after.intents.first { $0.id == "pi_a" }?.amountReceived == .zero)
    }

    @Test func aFactAboutRowsNotLoadedIsAnError() {
        #expect(throws: LedgerError.unknownDeposit("d9")) { try Ledger.decide(.confirmed(depositID: "d9", at: 1), on: Self.account()) }
    }
}
