import BigInt
import Foundation
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneStore
import LodestoneWatcher
import TestSupport
import Testing

/// The Tron scanner against a java-tron-shaped devnet.
@Suite struct TronScannerTests {
    static let usdt: [UInt8] = Array(repeating: 0xA6, count: 20)

    static func scanner(_ h: ScanHarness, url: String, genesis: String) async -> NetworkScanner {
        let source = TronSource(
            client: h.client(.tron, [url]), nativeAssetID: "TRX-Tron", tokens: TokenContracts.byAccount(await h.registry.all()), maxHeadAgeSeconds: 120,
            genesisSuffix: String(genesis.suffix(8)), now: h.clock.now, logger: ScanHarness.logger)
        return NetworkScanner(
            source: source, store: h.store, watchList: AddressWatchList(family: .tron, environment: .production, directory: h.store), assets: h.registry,
            minimums: ["TRX-Tron": Amount(baseUnits: 1), "USDT-Tron": Amount(baseUnits: 10_000)], settings: .test, now: h.clock.now,
            logger: ScanHarness.logger)
    }

    static func with(_ backend: Backend, _ body: @Sendable (ScanHarness) async throws -> Void) async throws {
        try await StoreFixture.with(backend) { store in
            let assets = [
                Asset(network: .tron, symbol: "TRX", decimals: 6, contract: nil, confirmations: 3),
                Asset(network: .tron, symbol: "USDT", decimals: 6, contract: TronAddress.encode(raw: [0x41] + usdt), confirmations: 3),
            ]
            try await body(ScanHarness(store: store, registry: AssetRegistry(assets: assets), clock: TestClock(Int64(Date().timeIntervalSince1970) * 1000)))
        }
    }

    @Test(arguments: Backend.available)
    func trxAndUSDTAreCreditedWhileTRC10AndFailedCallsAreNot(_ backend: Backend) async throws {
        try await Self.with(backend) { h in
            let alice = try await h.customer(on: .tron)
            let account = Array(alice.account.dropFirst())  // 21-byte match key → 20-byte account
            let chain = DevChain(chainID: 0)
            await chain.mine([
                DevChain.native(to: account, wei: 5_000_000),  // 5 TRX
                DevChain.trc10(to: account, amount: 888_888_888),  // not TRX
                DevChain.token(Self.usdt, [(account, 2_384_950_100)]),
                DevChain.token(Self.usdt, [(account, 7_000_000)], succeeded: false),  // REVERT
                DevChain.token(Array(repeating: 0x99, count: 20), [(account, 1_000_000)]),  // another token contract
            ])
            await chain.mine(empty: 3)
            try await TronDevnetServer.with(chain) { url in
                let genesis = try #require(await chain.block(0)).hash
                let scanner = await Self.scanner(h, url: url, genesis: genesis)
                try await scanner.verify()
                try await h.catchUp(scanner)
            }
            let deposits = try await h.deposits(alice.id)
            #expect(deposits.count == 2 && deposits.allSatisfy { $0.status == .confirmed && $0.address == alice.address })
            #expect(try await h.store.balances(customerID: alice.id) == ["TRX-Tron": LedgerAmount(Amount(baseUnits: 5_000_000)), "USDT-Tron": LedgerAmount(Amount(baseUnits: 2_384_950_100))])
        }
    }

    @Test func aReorgOnTronOrphansTheDeposit() async throws {
        try await Self.with(.sqlite) { h in
            let alice = try await h.customer(on: .tron)
            let account = Array(alice.account.dropFirst())
            let chain = DevChain(chainID: 0)
            await chain.mine(empty: 1)
            await chain.mine([DevChain.token(Self.usdt, [(account, 9_000_000)])])
            try await TronDevnetServer.with(chain) { url in
                let genesis = try #require(await chain.block(0)).hash
                let scanner = await Self.scanner(h, url: url, genesis: genesis)
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).map(\.status) == [.pending])
                await chain.reorg(depth: 1)
                await chain.mine(empty: 4)
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).map(\.status) == [.orphaned])
            }
        }
    }

    @Test func aNodeOfAnotherTronNetworkIsRefused() async throws {
        try await Self.with(.sqlite) { h in
            let chain = DevChain(chainID: 0)
            try await TronDevnetServer.with(chain) { url in
                let scanner = await Self.scanner(h, url: url, genesis: "2b6653dc")
                await #expect(throws: ChainSourceError.self) { try await scanner.run() }
            }
        }
    }
}
