import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// The imported address pool on both stores: issued in import order, once each, never derived,
/// and an empty pool is said, not papered over.
@Suite struct AddressPoolTests {
    /// Addresses as an offline machine derives them (indexes far from the ones the seed issues here).
    static func offline(_ range: Range<UInt32>) throws -> [DerivedAddress] {
        try range.map { try TestKeys.issuer.derive(network: .solana, index: 100_000 + $0) }
    }

    @Test(arguments: Backend.available)
    func poolAddressesAreIssuedInImportOrderOnceEachUntilNoneIsLeft(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let first = try Self.offline(0..<3)
            #expect(try await store.importPool(network: .solana, addresses: first, now: 1) == PoolImport(imported: 3, skipped: 0))
            // A repeated file adds nothing; a longer one adds only what is new.
            #expect(try await store.importPool(network: .solana, addresses: try Self.offline(0..<4), now: 2) == PoolImport(imported: 1, skipped: 3))
            #expect(try await store.poolRemaining(network: .solana) == 4)
            #expect(try await store.poolRemaining(network: .ethereum) == 0)
            var customers: [String] = []
            for _ in 0..<5 { customers.append(try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 3).id) }
            let (a, created) = try await store.issuePooledAddress(customerID: customers[0], network: .solana, now: 4)
            #expect(created && a.address == first[0].address && a.derivationPath == first[0].path && a.index == first[0].index)
            let (again, createdAgain) = try await store.issuePooledAddress(customerID: customers[0], network: .solana, now: 5)
            #expect(!createdAgain && again == a, "one address per customer and network")
            for (i, c) in customers[1..<4].enumerated() {
                #expect(try await store.issuePooledAddress(customerID: c, network: .solana, now: 6).0.address == (try Self.offline(0..<4))[i + 1].address)
            }
            #expect(try await store.poolRemaining(network: .solana) == 0)
            await #expect(throws: StoreError.addressPoolEmpty("solana")) {
                _ = try await store.issuePooledAddress(customerID: customers[4], network: .solana, now: 7)
            }
            await #expect(throws: StoreError.notFound("customer")) {
                _ = try await store.issuePooledAddress(customerID: "cus_nobody", network: .solana, now: 7)
            }
            // An issued address imported again stays issued to its owner, not pooled twice.
            #expect(try await store.importPool(network: .solana, addresses: [first[0]], now: 8) == PoolImport(imported: 0, skipped: 1))
            #expect(try await store.poolRemaining(network: .solana) == 0)
            // The watch lists find pooled addresses as they find derived ones.
            #expect(try await store.address(matching: try AddressCodec.parse(a.address, network: .solana), environment: .production)?.customerID == customers[0])
        }
    }

    @Test(arguments: Backend.available)
    func concurrentFirstRequestsTakeDistinctAddresses(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            _ = try await store.importPool(network: .solana, addresses: try Self.offline(0..<20), now: 1)
            var customers: [String] = []
            for _ in 0..<20 { customers.append(try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 2).id) }
            let issued = try await withThrowingTaskGroup(of: String.self) { group in
                for c in customers { group.addTask { try await store.issuePooledAddress(customerID: c, network: .solana, now: 3).0.address } }
                var out: [String] = []
                for try await a in group { out.append(a) }
                return out
            }
            #expect(Set(issued) == Set(try Self.offline(0..<20).map(\.address)))
            #expect(try await store.poolRemaining(network: .solana) == 0)
        }
    }

    @Test(arguments: Backend.available)
    func anAddressOfAnotherNetworkIsRefused(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let eth = try TestKeys.issuer.derive(network: .ethereum, index: 1)
            await #expect(throws: StoreError.self) { _ = try await store.importPool(network: .solana, addresses: [eth], now: 1) }
            #expect(try await store.poolRemaining(network: .solana) == 0)
        }
    }
}
