import BigInt
import Foundation
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// Deposits are recorded once and credited once, on both stores.
@Suite struct CreditingContractTests {
    static let backends = Backend.available
    static let usdt = AssetCatalog.defaults(for: .tron)[1]

    static func setUp(_ store: SQLStore, intents amounts: [String]) async throws -> (customer: String, address: String, intents: [String]) {
        let c = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
        let (address, _) = try await store.issueAddress(customerID: c, network: .tron, now: 1) { n, i in
            try TestKeys.issuer.derive(network: n, index: i)
        }
        var ids: [String] = []
        for (i, amount) in amounts.enumerated() {
            let (intent, _) = try await store.createPaymentIntent(
                NewPaymentIntent(
                    asset: usdt, amount: try Amount(decimal: amount, decimals: 6), customerID: c, depositAddress: address.address,
                    merchantOrderID: nil, metadata: nil, expiresIn: 3600, idempotencyKey: nil, requestHash: ""), now: 10 + Int64(i))
            ids.append(intent.id)
        }
        return (c, address.address, ids)
    }

    static func observation(_ customer: String, _ address: String, _ amount: String, tx: String = "0xaa", position: Int = 0)
        -> DepositObservation
    {
        DepositObservation(
            network: .tron, assetID: usdt.id, address: address, customerID: customer,
            amount: try! Amount(decimal: amount, decimals: 6), txHash: tx, position: position, blockNumber: 100,
            blockHash: "0xbb")
    }

    static let minimum = try! Amount(decimal: "0.01", decimals: 6)

    @Test(arguments: backends)
    func recordedOncePerTransferAndIntentsStartProcessing(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let (c, address, intents) = try await Self.setUp(store, intents: ["10"])
            let (first, created) = try await store.recordDeposit(Self.observation(c, address, "10"), minimum: Self.minimum, now: 50)
            let (again, againCreated) = try await store.recordDeposit(Self.observation(c, address, "10"), minimum: Self.minimum, now: 60)
            #expect(created && !againCreated && again.id == first.id && first.status == .pending)
            // A second transfer in the same transaction is a second deposit.
            let (second, _) = try await store.recordDeposit(
                Self.observation(c, address, "1", position: 1), minimum: Self.minimum, now: 70)
            #expect(second.id != first.id)
            #expect(try await store.paymentIntent(id: intents[0])?.status == .processing)
            let types = try await store.events(page: 1, pageSize: 50).items.map(\.type)
            #expect(types.filter { $0 == .depositDetected }.count == 2)
            #expect(types.filter { $0 == .paymentIntentProcessing }.count == 1)
        }
    }

    @Test(arguments: backends)
    func exactPaymentSucceedsOnceAndOnlyOnce(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let (c, address, intents) = try await Self.setUp(store, intents: ["10"])
            let (deposit, _) = try await store.recordDeposit(Self.observation(c, address, "10"), minimum: Self.minimum, now: 50)
            let outcome = try #require(try await store.creditDeposit(id: deposit.id, now: 60))
            #expect(outcome.deposit.status == .confirmed && outcome.toBalance == .zero)
            #expect(try await store.creditDeposit(id: deposit.id, now: 70) == nil)
            let intent = try #require(try await store.paymentIntent(id: intents[0]))
            #expect(intent.status == .succeeded && intent.amountReceived.decimalString(decimals: 6) == "10")
            #expect(try await store.balances(customerID: c).isEmpty)
            let types = try await store.events(page: 1, pageSize: 50).items.map(\.type)
            #expect(types.filter { $0 == .paymentIntentSucceeded }.count == 1 && types.filter { $0 == .depositConfirmed }.count == 1)
        }
    }

    @Test(arguments: backends)
    func surplusAndUnmatchedMoneyGoToTheBalance(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let (c, address, intents) = try await Self.setUp(store, intents: ["10", "5"])
            let (d1, _) = try await store.recordDeposit(Self.observation(c, address, "20"), minimum: Self.minimum, now: 50)
            _ = try await store.creditDeposit(id: d1.id, now: 60)
            #expect(try await store.paymentIntent(id: intents[0])?.status == .succeeded)
            #expect(try await store.paymentIntent(id: intents[1])?.status == .succeeded)
            #expect(try await store.balances(customerID: c)[Self.usdt.id]?.decimalString(decimals: 6) == "5")
            // Late money with no open intent is kept too.
            let (d2, _) = try await store.recordDeposit(Self.observation(c, address, "2.5", tx: "0xcc"), minimum: Self.minimum, now: 70)
            _ = try await store.creditDeposit(id: d2.id, now: 80)
            #expect(try await store.balances(customerID: c)[Self.usdt.id]?.decimalString(decimals: 6) == "7.5")
            #expect(try await store.events(page: 1, pageSize: 50).items.filter { $0.type == .customerBalanceCredited }.count == 2)
        }
    }

    @Test(arguments: backends)
    func underpaymentStaysOpenWithItsPartialAmount(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let (c, address, intents) = try await Self.setUp(store, intents: ["10"])
            let (d, _) = try await store.recordDeposit(Self.observation(c, address, "4"), minimum: Self.minimum, now: 50)
            _ = try await store.creditDeposit(id: d.id, now: 60)
            let intent = try #require(try await store.paymentIntent(id: intents[0]))
            #expect(intent.status == .requiresPayment && intent.amountReceived.decimalString(decimals: 6) == "4")
        }
    }

    @Test(arguments: backends)
    func dustIsRecordedAsIgnoredAndNeverCredited(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let (c, address, intents) = try await Self.setUp(store, intents: ["10"])
            let (dust, created) = try await store.recordDeposit(Self.observation(c, address, "0.001"), minimum: Self.minimum, now: 50)
            #expect(created && dust.status == .ignored)
            let (zero, _) = try await store.recordDeposit(Self.observation(c, address, "0", tx: "0xdd"), minimum: .zero, now: 50)
            #expect(zero.status == .ignored)
            #expect(try await store.creditDeposit(id: dust.id, now: 60) == nil)
            #expect(try await store.paymentIntent(id: intents[0])?.status == .requiresPayment)
            #expect(try await store.deposits(DepositFilter(customerID: c, status: .ignored), page: 1, pageSize: 10).total == 2)
        }
    }

    @Test(arguments: backends)
    func concurrentCreditsCountOnce(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let (c, address, _) = try await Self.setUp(store, intents: [])
            let (d, _) = try await store.recordDeposit(Self.observation(c, address, "3"), minimum: Self.minimum, now: 50)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<10 { group.addTask { try await store.creditDeposit(id: d.id, now: 60) != nil } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await store.balances(customerID: c)[Self.usdt.id]?.decimalString(decimals: 6) == "3")
            await #expect(throws: StoreError.notFound("deposit")) { _ = try await store.creditDeposit(id: "dep_x", now: 1) }
        }
    }

    @Test(arguments: backends)
    func canceledAndExpiredIntentsAreAnnouncedOnce(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let (_, _, intents) = try await Self.setUp(store, intents: ["10", "20"])
            _ = try await store.cancelPaymentIntent(id: intents[0], now: 100)
            _ = try await store.cancelPaymentIntent(id: intents[0], now: 101)  // already canceled: no second event
            let expired = try await store.expirePaymentIntents(now: 10_000_000)
            #expect(expired.map(\.id) == [intents[1]])
            #expect(try await store.expirePaymentIntents(now: 20_000_000).isEmpty)
            let events = try await store.events(page: 1, pageSize: 50).items
            #expect(events.filter { $0.type == .paymentIntentCanceled }.map(\.data).allSatisfy { $0.contains(intents[0]) })
            #expect(events.filter { $0.type == .paymentIntentCanceled }.count == 1)
            let expiry = events.filter { $0.type == .paymentIntentExpired }
            #expect(expiry.count == 1 && expiry[0].data.contains(intents[1]) && expiry[0].data.contains(#""amount_received":"0""#))
        }
    }
}
