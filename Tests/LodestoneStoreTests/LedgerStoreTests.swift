import BigInt
import Foundation
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// The ledger through the store, on SQLite and PostgreSQL: random sequences against the model,
/// and concurrent credits that must all count.
@Suite struct LedgerStoreTests {
    static let usdt = CreditingContractTests.usdt

    enum Step: CaseIterable { case newIntent, newDeposit, confirm, reorg, seenAgain, cancel, time }

    /// One random sequence through `store`; the first disagreement with the model, or nil.
    static func run(_ store: SQLStore, seed: UInt64, steps: Int) async throws -> String? {
        var rng = SplitMix64(state: seed)
        var model = LedgerModel()
        var now: Int64 = 1_800_000_000_000
        let customer = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: now).id
        let address = try await store.issueAddress(customerID: customer, network: .tron, now: now) { n, i in
            try TestKeys.issuer.derive(network: n, index: i)
        }.0.address
        var depositIDs: [String] = []
        var blocks: [Int64] = []
        var versions: [Int] = []
        func observation(_ k: Int) -> DepositObservation {
            DepositObservation(
                network: .tron, assetID: usdt.id, address: address, customerID: customer,
                amount: Amount(baseUnits: BigUInt(model.deposits[k].amount)), txHash: "0x\(seed)t\(k)", position: 0, blockNumber: blocks[k],
                blockHash: "0xb\(k)v\(versions[k])")
        }
        for step in 0..<steps {
            now += Int64.random(in: 0...120, using: &rng) * 1000
            switch Step.allCases.randomElement(using: &rng)! {
            case .newIntent:
                let amount = Int.random(in: 1...100, using: &rng)
                let (intent, _) = try await store.createPaymentIntent(
                    NewPaymentIntent(
                        asset: usdt, amount: Amount(baseUnits: BigUInt(amount)), customerID: customer, depositAddress: address,
                        merchantOrderID: nil, metadata: nil, expiresIn: Int64.random(in: 60...1500, using: &rng), idempotencyKey: nil,
                        requestHash: ""), now: now)
                model.intents.append(.init(id: intent.id, amount: BigInt(amount), expiresAt: intent.expiresAt, seq: intent.sequence))
                model.settle(now)
            case .newDeposit:
                let amount = Int.random(in: 1...150, using: &rng)
                model.deposits.append(.init(id: "", amount: BigInt(amount), seenAt: now))
                blocks.append(Int64(model.deposits.count))
                versions.append(0)
                let (deposit, _) = try await store.recordDeposit(observation(model.deposits.count - 1), minimum: .zero, now: now)
                depositIDs.append(deposit.id)
                model.deposits[model.deposits.count - 1] = .init(id: deposit.id, amount: BigInt(amount), seenAt: now)
                model.settle(now)
            case .confirm:
                guard !depositIDs.isEmpty else { continue }
                let k = Int.random(in: 0..<depositIDs.count, using: &rng)
                _ = try await store.creditDeposit(id: depositIDs[k], now: now)
                model.confirm(k, now)
            case .reorg:
                guard !blocks.isEmpty else { continue }
                // Every block above the ancestor leaves the chain, in block order.
                let ancestor = Int64.random(in: 0..<Int64(blocks.count), using: &rng)
                _ = try await store.rewind(network: .tron, to: ChainBlock(number: ancestor, hash: "0xa", parentHash: "0xp"), now: now)
                for k in blocks.indices.sorted(by: { (blocks[$0], depositIDs[$0]) < (blocks[$1], depositIDs[$1]) }) where blocks[k] > ancestor {
                    model.leftTheChain(k, now)
                }
            case .seenAgain:
                guard !depositIDs.isEmpty else { continue }
                let k = Int.random(in: 0..<depositIDs.count, using: &rng)
                versions[k] += 1
                _ = try await store.recordDeposit(observation(k), minimum: .zero, now: now)
                model.seenAgain(k, now)
            case .cancel:
                guard !model.intents.isEmpty else { continue }
                let k = Int.random(in: 0..<model.intents.count, using: &rng)
                do { _ = try await store.cancelPaymentIntent(id: model.intents[k].id, now: now) } catch StoreError.invalidState {}
                model.cancel(k, now)
            case .time:
                _ = try await store.expirePaymentIntents(now: now)
                model.settle(now)
            }
            for m in model.intents {
                let i = try #require(try await store.paymentIntent(id: m.id))
                guard i.status == m.status, BigInt(i.amountReceived.baseUnits) == m.received else {
                    return "step \(step): intent \(m.id) is \(i.status) \(i.amountReceived), model says \(m.status) \(m.received)"
                }
            }
            let stored = try await store.deposits(DepositFilter(customerID: customer), page: 1, pageSize: 200).items
            for m in model.deposits {
                guard let d = stored.first(where: { $0.id == m.id }), d.status == m.status else {
                    return "step \(step): deposit \(m.id) is \(String(describing: stored.first { $0.id == m.id }?.status)), model \(m.status)"
                }
            }
            let balance = try await store.balances(customerID: customer)[usdt.id] ?? .zero
            guard balance.value == model.balance else { return "step \(step): balance \(balance), model \(model.balance)" }
        }
        // Every event id unique, by construction of the outbox; each deposit confirmed at most once per credit.
        let events = try await store.events(page: 1, pageSize: 1000).items
        guard Set(events.map(\.id)).count == events.count else { return "duplicate event ids" }
        return nil
    }

    @Test(arguments: Backend.available)
    func randomSequencesThroughTheStoreAgreeWithTheModel(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let base: UInt64 = 0x570E_2026
            for n in 0..<150 {
                let seed = base &+ UInt64(n)
                if let problem = try await Self.run(store, seed: seed, steps: 20) {
                    Issue.record("seed \(seed) on \(backend): \(problem)")
                    return
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func concurrentCreditsOfFirstBalancesAllCount(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            var deposits: [(customer: String, ids: [String])] = []
            for c in 0..<40 {
                let customer = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
                let address = try await store.issueAddress(customerID: customer, network: .tron, now: 1) { n, i in
                    try TestKeys.issuer.derive(network: n, index: i)
                }.0.address
                var ids: [String] = []
                for k in 0..<3 {
                    let o = DepositObservation(
                        network: .tron, assetID: Self.usdt.id, address: address, customerID: customer,
                        amount: Amount(baseUnits: BigUInt(1_000 + k)), txHash: "0xc\(c)k\(k)", position: 0, blockNumber: 1, blockHash: "0xb")
                    ids.append(try await store.recordDeposit(o, minimum: .zero, now: 2).0.id)
                }
                deposits.append((customer, ids))
            }
            // No customer has a balance yet: every first credit races the others of its customer.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (_, ids) in deposits {
                    for id in ids { group.addTask { _ = try await store.creditDeposit(id: id, now: 3) } }
                }
                try await group.waitForAll()
            }
            for (customer, _) in deposits {
                #expect(try await store.balances(customerID: customer)[Self.usdt.id] == LedgerAmount(value: 3_003))
            }
        }
    }
}
