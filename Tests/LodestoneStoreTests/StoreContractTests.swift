import Foundation
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// One contract, run against SQLite and PostgreSQL alike.
@Suite struct StoreContractTests {
    static let backends = Backend.available

    @Test func postgresIsPresentWhenRequired() {
        if Backend.postgresRequired { #expect(Backend.available.contains(.postgres), "PostgreSQL tests were required but no server is configured") }
    }

    @Test(arguments: backends)
    func migrationsAreIdempotent(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            try await store.migrate()
            try await store.migrate()
            #expect(try await store.schemaVersion() == SQLStore.latestSchemaVersion && SQLStore.latestSchemaVersion >= 5)
        }
    }

    @Test(arguments: backends)
    func customersRoundTripAndPage(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            var ids: [String] = []
            for i in 0..<5 {
                let c = try await store.createCustomer(
                    externalID: "ext-\(i)", email: "u\(i)@example.com", metadata: #"{"tier":\#(i)}"#, environment: .production, now: 1000 + Int64(i))
                ids.append(c.id)
                #expect(c.id.hasPrefix("cus_"))
            }
            let fetched = try #require(try await store.customer(id: ids[2]))
            #expect(fetched.externalID == "ext-2")
            #expect(fetched.email == "u2@example.com")
            #expect(fetched.metadata == #"{"tier":2}"#)
            #expect(fetched.derivationIndex == nil)
            let page2 = try await store.customers(page: 2, pageSize: 2)
            #expect(page2.total == 5)
            #expect(page2.items.map(\.id) == Array(ids[2..<4]))
            #expect(try await store.customer(id: "cus_missing") == nil)
        }
    }

    @Test(arguments: backends)
    func duplicateExternalIDNamesTheHolder(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let first = try await store.createCustomer(externalID: "same", email: nil, metadata: nil, environment: .production, now: 1)
            await #expect(throws: StoreError.conflict(field: "external_id", existingID: first.id)) {
                _ = try await store.createCustomer(externalID: "same", email: nil, metadata: nil, environment: .production, now: 2)
            }
        }
    }

    @Test(arguments: backends)
    func concurrentDuplicateExternalIDsCreateOne(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let results = await withTaskGroup(of: Result<String, any Error>.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        do { return .success(try await store.createCustomer(externalID: "race", email: nil, metadata: nil, environment: .production, now: 1).id) } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let created = results.compactMap { try? $0.get() }
            #expect(created.count == 1)
            for case .failure(let error) in results {
                #expect(error as? StoreError == .conflict(field: "external_id", existingID: created[0]))
            }
        }
    }

    static let derive: AddressDerivation = { network, index in try TestKeys.issuer.derive(network: network, index: index) }

    @Test(arguments: backends)
    func addressesShareOneIndexPerCustomer(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let a = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1)
            let b = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 2)
            // b asks first, so b gets index 0: indexes follow first use, not creation.
            let (b0, bCreated) = try await store.issueAddress(customerID: b.id, network: .tron, now: 3, derive: Self.derive)
            #expect(bCreated && b0.index == 0 && b0.address == TestKeys.expected(.tron, 0))
            let (a0, _) = try await store.issueAddress(customerID: a.id, network: .ethereum, now: 4, derive: Self.derive)
            #expect(a0.index == 1 && a0.address == TestKeys.expected(.ethereum, 1))
            let (a1, aCreated) = try await store.issueAddress(customerID: a.id, network: .solana, now: 5, derive: Self.derive)
            #expect(aCreated && a1.index == 1 && a1.address == TestKeys.expected(.solana, 1))
            #expect(a1.derivationPath == "m/44'/501'/1'/0'")
            let (again, againCreated) = try await store.issueAddress(customerID: a.id, network: .ethereum, now: 6, derive: Self.derive)
            #expect(!againCreated && again == a0)
            #expect(try await store.addresses(customerID: a.id).map(\.network).sorted() == ["ethereum", "solana"])
            #expect(try await store.customer(id: a.id)?.derivationIndex == 1)
        }
    }

    @Test(arguments: backends)
    func failedDerivationLeavesNoGap(_ backend: Backend) async throws {
        struct Boom: Error {}
        try await StoreFixture.with(backend) { store in
            let a = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1)
            let b = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 2)
            await #expect(throws: Boom.self) {
                _ = try await store.issueAddress(customerID: a.id, network: .bitcoin, now: 3) { _, _ in throw Boom() }
            }
            #expect(try await store.customer(id: a.id)?.derivationIndex == nil)
            let (addr, _) = try await store.issueAddress(customerID: b.id, network: .bitcoin, now: 4, derive: Self.derive)
            #expect(addr.index == 0)
            await #expect(throws: StoreError.notFound("customer")) {
                _ = try await store.issueAddress(customerID: "cus_nobody", network: .bitcoin, now: 5, derive: Self.derive)
            }
        }
    }

    @Test(arguments: backends)
    func concurrentIssuanceIsExactlyOncePerCustomer(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            var customers: [String] = []
            for i in 0..<20 {
                customers.append(try await store.createCustomer(externalID: "c\(i)", email: nil, metadata: nil, environment: .production, now: Int64(i)).id)
            }
            let issued = try await withThrowingTaskGroup(of: (String, CustomerAddress).self) { group in
                for i in 0..<200 {
                    let customer = customers[i % 20]
                    let network: NetworkID = i % 3 == 0 ? .tron : .ethereum
                    group.addTask {
                        (customer, try await store.issueAddress(customerID: customer, network: network, now: 100, derive: Self.derive).0)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let indexByCustomer = Dictionary(grouping: issued, by: \.0).mapValues { Set($0.map(\.1.index)) }
            #expect(indexByCustomer.count == 20)
            #expect(indexByCustomer.values.allSatisfy { $0.count == 1 })
            #expect(Set(indexByCustomer.values.map { $0.first! }) == Set(0..<20))
            for (_, address) in issued {
                #expect(address.address == TestKeys.expected(NetworkID(rawValue: address.network)!, address.index))
            }
            #expect(Set(issued.map(\.1.address)).count == 40)
        }
    }

    /// Once a customer has an index, new networks take a path without a transaction: many
    /// concurrent requests for the same new network must still yield one row and no error.
    /// (A stress check: the race it guards, a second unique key colliding, is timing-dependent.)
    @Test(arguments: backends)
    func concurrentRequestsForANewNetworkOfAnIndexedCustomer(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            for round in 0..<4 {
            let c = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
            _ = try await store.issueAddress(customerID: c, network: .tron, now: 2, derive: Self.derive)
            for network in [NetworkID.ethereum, .solana, .bitcoin, .bsc] {
                let results = try await withThrowingTaskGroup(of: (CustomerAddress, Bool).self) { group in
                    for _ in 0..<50 {
                        group.addTask { try await store.issueAddress(customerID: c, network: network, now: 3, derive: Self.derive) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.filter(\.1).count == 1, "\(network)")
                #expect(Set(results.map(\.0.address)) == [TestKeys.expected(network, UInt32(round))])
            }
            }
        }
    }

    /// First-address transactions (which lock the customer row) racing inserts for other networks
    /// of the same customer: no deadlock, no error, one index per customer. (Stress check: on
    /// PostgreSQL a FOR UPDATE lock here once deadlocked against foreign-key checks.)
    @Test(arguments: backends)
    func firstAddressesRacingOtherNetworks(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            var customers: [String] = []
            for _ in 0..<20 { customers.append(try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id) }
            let networks: [NetworkID] = [.ethereum, .tron, .solana, .bitcoin, .bsc, .polygon, .base, .arbitrum]
            let issued = try await withThrowingTaskGroup(of: CustomerAddress.self) { group in
                for customer in customers {
                    for network in networks {
                        for _ in 0..<3 {
                            group.addTask { try await store.issueAddress(customerID: customer, network: network, now: 2, derive: Self.derive).0 }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let indexes = Dictionary(grouping: issued, by: \.customerID).mapValues { Set($0.map(\.index)) }
            #expect(indexes.values.allSatisfy { $0.count == 1 })
            #expect(Set(indexes.values.map { $0.first! }) == Set(0..<20))
            #expect(Set(issued.map { "\($0.customerID)|\($0.network)" }).count == 160)
        }
    }

    @Test(arguments: backends)
    func addressLookupByMatchKey(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let c = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1)
            let (evm, _) = try await store.issueAddress(customerID: c.id, network: .base, now: 2, derive: Self.derive)
            let lower = try AddressCodec.parse(evm.address.lowercased(), network: .ethereum)
            #expect(try await store.address(matching: lower, environment: .production)?.customerID == c.id)
            let other = try AddressCodec.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", network: .ethereum)
            #expect(try await store.address(matching: other, environment: .production) == nil)
        }
    }

    static func newIntent(_ customer: String, key: String? = nil, hash: String = "h1", amount: String = "10", order: String? = nil)
        -> NewPaymentIntent
    {
        NewPaymentIntent(
            asset: AssetCatalog.defaults(for: .tron)[1], amount: try! Amount(decimal: amount, decimals: 6), customerID: customer,
            depositAddress: "TW6eav8g6vspvm1jxdF23gonXAhp2jFVcb", merchantOrderID: order, metadata: nil, expiresIn: 60,
            idempotencyKey: key, requestHash: hash)
    }

    @Test(arguments: backends)
    func paymentIntentsCreateListAndFilter(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let a = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
            let b = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
            let (i1, c1) = try await store.createPaymentIntent(Self.newIntent(a, amount: "100.25", order: "o-1"), now: 10)
            #expect(c1 && i1.amount.description == "100250000" && i1.status == .requiresPayment && i1.expiresAt == 60_010)
            _ = try await store.createPaymentIntent(Self.newIntent(a, order: "o-2"), now: 11)
            _ = try await store.createPaymentIntent(Self.newIntent(b, order: "o-3"), now: 12)
            #expect(try await store.paymentIntent(id: i1.id) == i1)
            let all = try await store.paymentIntents(PaymentIntentFilter(), page: 1, pageSize: 10)
            #expect(all.total == 3 && all.items.first?.merchantOrderID == "o-3")
            #expect(try await store.paymentIntents(PaymentIntentFilter(customerID: a), page: 1, pageSize: 10).total == 2)
            #expect(try await store.paymentIntents(PaymentIntentFilter(merchantOrderID: "o-1"), page: 1, pageSize: 10).items == [i1])
            _ = try await store.cancelPaymentIntent(id: i1.id, now: 13)
            #expect(try await store.paymentIntents(PaymentIntentFilter(status: .canceled), page: 1, pageSize: 10).items.map(\.id) == [i1.id])
            #expect(try await store.paymentIntents(PaymentIntentFilter(customerID: a), page: 2, pageSize: 1).items.count == 1)
            await #expect(throws: StoreError.notFound("customer")) {
                _ = try await store.createPaymentIntent(Self.newIntent("cus_nobody"), now: 14)
            }
        }
    }

    @Test(arguments: backends)
    func idempotencyKeysReplayOrRefuse(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let a = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
            let (first, created) = try await store.createPaymentIntent(Self.newIntent(a, key: "k1", hash: "h1"), now: 10)
            let (replay, replayCreated) = try await store.createPaymentIntent(Self.newIntent(a, key: "k1", hash: "h1"), now: 20)
            #expect(created && !replayCreated && replay == first)
            await #expect(throws: StoreError.idempotencyMismatch) {
                _ = try await store.createPaymentIntent(Self.newIntent(a, key: "k1", hash: "h2"), now: 30)
            }
            let results = try await withThrowingTaskGroup(of: PaymentIntent.self) { group in
                for _ in 0..<10 { group.addTask { try await store.createPaymentIntent(Self.newIntent(a, key: "k2", hash: "h"), now: 40).0 } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results.map(\.id)).count == 1)
            #expect(try await store.paymentIntents(PaymentIntentFilter(customerID: a), page: 1, pageSize: 50).total == 2)
        }
    }

    @Test(arguments: backends)
    func cancelAndExpireFollowTheRules(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let a = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
            let (open, _) = try await store.createPaymentIntent(Self.newIntent(a), now: 0)
            let (toCancel, _) = try await store.createPaymentIntent(Self.newIntent(a), now: 0)
            #expect(try await store.cancelPaymentIntent(id: toCancel.id, now: 1).status == .canceled)
            #expect(try await store.cancelPaymentIntent(id: toCancel.id, now: 2).status == .canceled)
            #expect(try await store.expirePaymentIntents(now: 59_999).isEmpty)
            let expired = try await store.expirePaymentIntents(now: 60_000)
            #expect(expired.map(\.id) == [open.id] && expired[0].status == .expired)
            await #expect(throws: StoreError.self) { _ = try await store.cancelPaymentIntent(id: open.id, now: 70_000) }
            await #expect(throws: StoreError.notFound("payment intent")) { _ = try await store.cancelPaymentIntent(id: "pi_x", now: 1) }
        }
    }

    @Test(arguments: backends)
    func operatorRecords(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let key = APIKeyRecord(id: "key_1", name: "ops", role: .operator, hash: "abc", createdAt: 5)
            try await store.createAPIKey(key)
            #expect(try await store.apiKey(hash: "abc") == key)
            #expect(try await store.apiKey(hash: "abd") == nil)

            let t = { (n: Int) in ConfirmationThreshold(n) }
            try await store.setAssetThreshold(assetID: "USDT-Tron", threshold: t(30), previous: t(20), actor: "apikey:ops", now: 10)
            #expect(try await store.assetConfirmationOverrides() == ["USDT-Tron": t(30)])
            try await store.applyFileThreshold(assetID: "BTC-Bitcoin", threshold: t(3), previous: t(3), now: 11)
            try await store.applyFileThreshold(assetID: "USDT-Tron", threshold: t(25), previous: t(30), now: 12)
            #expect(try await store.appliedFileThresholds() == ["BTC-Bitcoin": t(3), "USDT-Tron": t(25)])
            #expect(try await store.assetConfirmationOverrides() == ["USDT-Tron": t(25), "BTC-Bitcoin": t(3)])
            var audit = try await store.auditEvents(environment: nil, page: 1, pageSize: 10)
            // An unchanged file value is remembered but not audited.
            #expect(audit.total == 2)
            #expect(audit.items.map(\.actor) == ["config-file", "apikey:ops"])
            #expect(audit.items[0].oldValue == "30" && audit.items[0].newValue == "25")

            // Tiers survive the round trip, from the API and from the file, and are audited in asset units.
            let tiered = try ConfirmationThreshold(
                confirmations: 64, tiers: [.init(upTo: try Amount(decimal: "10000", decimals: 6), confirmations: 12)])
            try await store.setAssetThreshold(assetID: "USDT-Tron", threshold: tiered, previous: t(25), actor: "apikey:ops", now: 13)
            try await store.applyFileThreshold(assetID: "USDT-Ethereum", threshold: tiered, previous: t(12), now: 14)
            #expect(try await store.assetConfirmationOverrides()["USDT-Tron"] == tiered)
            #expect(try await store.appliedFileThresholds()["USDT-Ethereum"] == tiered)
            audit = try await store.auditEvents(environment: nil, page: 1, pageSize: 1)
            #expect(audit.items.first?.newValue == #"{"confirmation_tiers":[{"confirmations":12,"up_to":"10000"}],"confirmations":64}"#)

            try await store.storeSealedKey(name: "seed", sealed: "sealed-text", now: 1)
            #expect(try await store.sealedKey(name: "seed") == "sealed-text")
            await #expect(throws: StoreError.conflict(field: "key_material", existingID: "seed")) {
                try await store.storeSealedKey(name: "seed", sealed: "other", now: 2)
            }
            #expect(try await store.deposits(DepositFilter(customerID: "cus_x", status: .pending), page: 1, pageSize: 10).total == 0)
        }
    }
}
