import BigInt
import LodestoneCore
import LodestoneDomain
import Testing

@Suite struct CreditAllocationTests {
    static func intent(_ id: String, _ amount: Int, received: Int = 0, created: Int64, status: PaymentIntentStatus = .requiresPayment)
        -> PaymentIntent
    {
        PaymentIntent(
            id: id, status: status, assetID: "USDT-Tron", network: .tron, amount: Amount(baseUnits: .init(amount)),
            amountReceived: Amount(baseUnits: .init(received)), depositAddress: "T", confirmationsRequired: 20,
            customerID: "cus_1", merchantOrderID: nil, metadata: nil, expiresAt: 0, createdAt: created, sequence: created)
    }

    static func total(_ a: CreditAllocation) -> Amount {
        a.applications.reduce(a.unapplied) { $0.adding($1.applied)! }
    }

    @Test func exactPaymentSucceedsTheOldest() {
        let a = CreditAllocation.allocate(Amount(baseUnits: 100), to: [Self.intent("pi_b", 100, created: 2), Self.intent("pi_a", 100, created: 1)])
        #expect(a.applications.map(\.intentID) == ["pi_a"])
        #expect(a.applications[0].status == .succeeded && a.unapplied == .zero)
    }

    @Test func underpaymentStaysOpenAndAccumulates() {
        let first = CreditAllocation.allocate(Amount(baseUnits: 40), to: [Self.intent("pi_a", 100, created: 1)])
        #expect(first.applications[0].status == .requiresPayment && first.applications[0].amountReceived == Amount(baseUnits: 40))
        let second = CreditAllocation.allocate(Amount(baseUnits: 60), to: [Self.intent("pi_a", 100, received: 40, created: 1)])
        #expect(second.applications[0].status == .succeeded && second.applications[0].applied == Amount(baseUnits: 60))
    }

    @Test func surplusFillsTheNextIntentThenTheBalance() {
        let a = CreditAllocation.allocate(
            Amount(baseUnits: 250), to: [Self.intent("pi_a", 100, created: 1), Self.intent("pi_b", 100, received: 30, created: 2)])
        #expect(a.applications.map(\.applied) == [Amount(baseUnits: 100), Amount(baseUnits: 70)])
        #expect(a.applications.allSatisfy { $0.status == .succeeded })
        #expect(a.unapplied == Amount(baseUnits: 80))
        #expect(Self.total(a) == Amount(baseUnits: 250))
    }

    @Test func closedIntentsAreSkippedAndNothingIsLost() {
        let intents = [
            Self.intent("pi_a", 100, created: 1, status: .canceled), Self.intent("pi_b", 100, created: 2, status: .expired),
            Self.intent("pi_c", 100, received: 100, created: 3, status: .succeeded),
        ]
        let a = CreditAllocation.allocate(Amount(baseUnits: 5), to: intents)
        #expect(a.applications.isEmpty && a.unapplied == Amount(baseUnits: 5))
        #expect(CreditAllocation.allocate(Amount(baseUnits: 5), to: []).unapplied == Amount(baseUnits: 5))
    }

    @Test func processingIntentsAreOpenToo() {
        let a = CreditAllocation.allocate(Amount(baseUnits: 100), to: [Self.intent("pi_a", 100, created: 1, status: .processing)])
        #expect(a.applications.first?.status == .succeeded)
    }

    @Test func randomSplitsConserveTheAmount() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let intents = (0..<Int.random(in: 0...5, using: &rng)).map {
                Self.intent("pi_\($0)", Int.random(in: 1...1000, using: &rng), created: Int64.random(in: 0...3, using: &rng))
            }
            let amount = Amount(baseUnits: .init(Int.random(in: 0...3000, using: &rng)))
            let a = CreditAllocation.allocate(amount, to: intents)
            #expect(Self.total(a) == amount)
            for app in a.applications {
                let intent = intents.first { $0.id == app.intentID }!
                #expect(app.amountReceived <= intent.amount)
            }
        }
    }

    @Test func confirmationsCountTheBlockItself() {
        #expect(ConfirmationRule.confirmations(head: 100, height: 100) == 1)
        #expect(ConfirmationRule.confirmations(head: 111, height: 100) == 12)
        #expect(ConfirmationRule.confirmations(head: 99, height: 100) == 0)
        #expect(ConfirmationRule.isConfirmed(head: 111, height: 100, threshold: 12))
        #expect(!ConfirmationRule.isConfirmed(head: 110, height: 100, threshold: 12))
    }
}
