import Foundation
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// Things happen in an order, and the store keeps it even when clocks tie or step back.
@Suite struct CreationOrderTests {
    static let usdt = CreditingContractTests.usdt

    @Test(arguments: Backend.available)
    func intentsCreatedInTheSameMillisecondAreFilledInCreationOrder(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            for _ in 0..<30 {
                let c = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
                let (address, _) = try await store.issueAddress(customerID: c, network: .tron, now: 1) { n, i in
                    try TestKeys.issuer.derive(network: n, index: i)
                }
                var ids: [String] = []
                for amount in ["1", "2"] {
                    // The same millisecond for both, as two requests back to back get.
                    let (intent, _) = try await store.createPaymentIntent(
                        NewPaymentIntent(
                            asset: Self.usdt, amount: try Amount(decimal: amount, decimals: 6), customerID: c, depositAddress: address.address,
                            merchantOrderID: nil, metadata: nil, expiresIn: 3600, idempotencyKey: nil, requestHash: ""), now: 1_000)
                    ids.append(intent.id)
                }
                let (deposit, _) = try await store.recordDeposit(
                    CreditingContractTests.observation(c, address.address, "1", tx: "0x" + UUID().uuidString), minimum: CreditingContractTests.minimum,
                    now: 2_000)
                _ = try await store.creditDeposit(id: deposit.id, now: 3_000)
                #expect(try await store.paymentIntent(id: ids[0])?.status == .succeeded, "the second intent received the money")
                #expect(try await store.paymentIntent(id: ids[1])?.amountReceived == .zero)
                // Listings are newest first, by creation order too.
                let listed = try await store.paymentIntents(PaymentIntentFilter(customerID: c), page: 1, pageSize: 10).items.map(\.id)
                #expect(listed == ids.reversed())
            }
            // Events follow the order things happened in, whatever their ids.
            let events = try await store.events(page: 1, pageSize: 500).items
            let detected = events.filter { $0.type == .depositDetected }.map(\.id)
            let confirmed = events.filter { $0.type == .depositConfirmed }.map(\.id)
            #expect(detected.count == 30 && confirmed.count == 30)
            for (d, c) in zip(detected, confirmed) {
                let di = try #require(events.firstIndex { $0.id == d })
                let ci = try #require(events.firstIndex { $0.id == c })
                #expect(di < ci)
            }
        }
    }

    @Test(arguments: Backend.available)
    func addressesAreLoadedBySequenceNotByClock(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            func issue(now: Int64) async throws -> String {
                let c = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: now).id
                return try await store.issueAddress(customerID: c, network: .ethereum, now: now) { n, i in
                    try TestKeys.issuer.derive(network: n, index: i)
                }.0.address
            }
            _ = try await issue(now: 1_800_000_000_000)
            var loaded = try await store.watchedAddresses(family: .evm, environment: .production, after: 0)
            #expect(loaded.count == 1)
            // A later address stamped an hour earlier (a clock stepped back, another instance's skew).
            _ = try await issue(now: 1_800_000_000_000 - 3_600_000)
            let newer = try await store.watchedAddresses(family: .evm, environment: .production, after: loaded.map(\.sequence).max()!)
            #expect(newer.count == 1, "an address with an earlier timestamp was left unwatched")
            loaded += newer
            #expect(Set(loaded.map(\.sequence)).count == 2)
        }
    }
}
