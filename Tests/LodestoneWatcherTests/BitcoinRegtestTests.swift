import AsyncHTTPClient
import BigInt
import Foundation
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneStore
import LodestoneWatcher
import Logging
import TestSupport
import Testing

/// The Bitcoin scanner against a real Bitcoin Core v29.3 on regtest: deposits of every script kind
/// and shape, a reorg that re-mines one, a reorg that double-spends a credited one, and a coinbase
/// output that waits for maturity. Skipped (loudly) where no bitcoind is available.
@Suite(.serialized, .enabled(if: RegtestNode.available, "Bitcoin Core is not available here"))
struct BitcoinRegtestTests {
    static let network = NetworkID.bitcoinRegtest
    static let asset = AssetCatalog.defaults(for: network)[0]

    /// A customer with an address of `script` issued through the store.
    static func customer(_ store: SQLStore, _ script: BitcoinScript) async throws -> (id: String, address: String) {
        let c = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: network.environment, now: 0)
        let deriver = try AddressDeriver(scheme: DerivationScheme(network: network, script: script), seed: TestKeys.seed)
        let (address, _) = try await store.issueAddress(customerID: c.id, network: network, now: 0) { _, i in try deriver.address(index: i) }
        return (c.id, address.address)
    }

    static func balance(_ store: SQLStore, _ customer: String) async throws -> Int64 {
        Int64((try await store.balances(customerID: customer)[asset.id] ?? .zero).description) ?? -1
    }

    /// BTC on regtest credited at 2 confirmations.
    static let twoConfirmations = Asset(network: network, symbol: "BTC", decimals: 8, contract: nil, confirmations: 2)

    /// A scanner of `node` from its next block into `store`.
    static func scanner(_ node: RegtestNode, _ store: SQLStore, watchMempool: Bool = false) async throws -> NetworkScanner {
        let client = NodeClient(
            network: network.rawValue, endpoints: [RPCEndpoint(url: node.url, requestsPerSecond: 0)], http: .shared, logger: ScanHarness.logger)
        let source = BitcoinSource(network: network, client: client, assetID: asset.id, maxHeadAgeSeconds: nil, now: { 0 }, logger: ScanHarness.logger)
        var settings = ScanSettings()
        settings.recheckDepth = nil
        settings.watchMempool = watchMempool
        settings.startBlock = try await node.height + 1
        return NetworkScanner(
            source: source, store: store, watchList: AddressWatchList(family: .bitcoin, environment: .sandbox, directory: store),
            assets: AssetRegistry(assets: [twoConfirmations]), minimums: [:], settings: settings, now: { 0 }, logger: ScanHarness.logger)
    }

    static func catchUp(_ scanner: NetworkScanner) async throws {
        for _ in 0..<500 {
            let outcome = try await scanner.step()
            try await scanner.track()
            if outcome == .caughtUp { return }
        }
        Issue.record("the scanner never caught up")
    }

    @Test func depositsReorgsAndCoinbaseMaturityOnARealNode() async throws {
        try await RegtestNode.with { node in
            try await StoreFixture.with(.sqlite) { store in
                let alice = try await Self.customer(store, .p2wpkh)
                let bob = try await Self.customer(store, .p2tr)
                let carol = try await Self.customer(store, .p2shP2wpkh)
                let scanner = try await Self.scanner(node, store)
                try await scanner.verify()
                try await Self.catchUp(scanner)

                // One output, three schemes in one transaction, one address paid twice in one transaction.
                let d1 = try await node.send(alice.address, "1.5")
                let d2 = try await node.sendOutputs([(bob.address, "0.5"), (carol.address, "0.75")])
                let d3 = try await node.sendOutputs([(alice.address, "0.01"), (alice.address, "0.02")])
                try await node.mine()
                try await Self.catchUp(scanner)
                var deposits = try await store.deposits(DepositFilter(), page: 1, pageSize: 100).items
                // The wallet places d1's change anywhere; d2 and d3 keep the order they were built in.
                #expect(Set(deposits.map { "\($0.txHash):\($0.txHash == d1 ? -9 : $0.position):\($0.amount)" }) == [
                    "\(d1):-9:150000000", "\(d2):0:50000000", "\(d2):1:75000000", "\(d3):0:1000000", "\(d3):1:2000000",
                ])
                #expect(deposits.count == 5 && deposits.allSatisfy { $0.status == .pending })
                #expect(deposits.first { $0.txHash == d2 && $0.position == 0 }?.address == bob.address)
                try await node.mine()
                try await Self.catchUp(scanner)
                #expect(try await Self.balance(store, alice.id) == 153_000_000)
                #expect(try await Self.balance(store, bob.id) == 50_000_000)
                #expect(try await Self.balance(store, carol.id) == 75_000_000)

                // A reorg of depth 1: the block holding a deposit is replaced by empty ones; the
                // transaction returns to the mempool and is mined again: one deposit, credited once.
                let t1 = try await node.send(bob.address, "0.3")
                let b1 = try await node.mineBlock(with: [t1])
                try await Self.catchUp(scanner)
                let pending = try #require(try await store.pendingDeposits(network: Self.network).first { $0.txHash == t1 })
                try await node.call("invalidateblock", [.string(b1)])
                try await node.mineBlock()
                try await node.mineBlock()
                try await Self.catchUp(scanner)
                deposits = try await store.deposits(DepositFilter(), page: 1, pageSize: 100).items
                #expect(deposits.first { $0.id == pending.id }?.status == .orphaned)
                try await node.mine()  // re-mines t1 from the mempool
                try await Self.catchUp(scanner)
                let back = try #require(try await store.pendingDeposits(network: Self.network).first { $0.txHash == t1 })
                #expect(back.id == pending.id && back.blockHash != b1)
                try await node.mine()
                try await Self.catchUp(scanner)
                #expect(try await Self.balance(store, bob.id) == 80_000_000)

                // A reorg of depth 2 that double-spends a credited deposit: its credit is reversed.
                let t2 = try await node.send(carol.address, "0.9")
                let c1 = try await node.mineBlock(with: [t2])
                try await node.mineBlock()
                try await Self.catchUp(scanner)
                #expect(try await Self.balance(store, carol.id) == 165_000_000)
                try await node.call("invalidateblock", [.string(c1)])
                let x = try await node.doubleSpend(t2)
                try await node.mineBlock(with: [x])
                try await node.mineBlock()
                try await node.mineBlock()
                try await Self.catchUp(scanner)
                deposits = try await store.deposits(DepositFilter(customerID: carol.id), page: 1, pageSize: 100).items
                #expect(deposits.first { $0.txHash == t2 }?.status == .reversed)
                #expect(try await Self.balance(store, carol.id) == 75_000_000, "the double-spent 0.9 BTC was taken back")

                // A coinbase output to a watched address waits for 100 confirmations whatever the threshold.
                let height = try await node.height
                #expect(height < 149, "regtest halves the subsidy at 150")
                _ = try await node.call("generatetoaddress", [.int(1), .string(alice.address)])
                try await node.mine(98)
                try await Self.catchUp(scanner)
                let coinbase = try #require(try await store.pendingDeposits(network: Self.network).first)
                #expect(coinbase.minimumConfirmations == 100 && coinbase.amount == Amount(baseUnits: 5_000_000_000))
                #expect(try await Self.balance(store, alice.id) == 153_000_000, "credited before maturity")
                try await node.mine(1)
                try await Self.catchUp(scanner)
                #expect(try await Self.balance(store, alice.id) == 5_153_000_000)
            }
        }
    }

    @Test func theMempoolShowsPaymentsBeforeTheyAreMinedAndWithdrawsThoseThatLeaveUnmined() async throws {
        try await RegtestNode.with { node in
            try await StoreFixture.with(.sqlite) { store in
                let alice = try await Self.customer(store, .p2wpkh)
                let bob = try await Self.customer(store, .p2tr)
                let asset = Self.twoConfirmations
                let scanner = try await Self.scanner(node, store, watchMempool: true)
                let (intent, _) = try await store.createPaymentIntent(
                    NewPaymentIntent(
                        asset: asset, amount: Amount(baseUnits: 40_000_000), customerID: alice.id, depositAddress: alice.address, merchantOrderID: nil,
                        metadata: nil, expiresIn: 86_400, idempotencyKey: nil, requestHash: "h"), now: 0)
                try await scanner.verify()
                try await Self.catchUp(scanner)
                var watch = MempoolWatch<ObservedTransfer>()
                let deposits = { try await store.deposits(DepositFilter(), page: 1, pageSize: 100).items }
                let status = { try await store.paymentIntent(id: intent.id)?.status }

                // In the mempool: detected with no block and 0 confirmations; the intent is
                // processing; nothing is credited however often confirmations are counted.
                let t1 = try await node.send(alice.address, "0.4")
                #expect(try await scanner.pollMempool(&watch)?.detected == 1)
                let d1 = try #require(try await deposits().first { $0.txHash == t1 })
                #expect(d1.status == .pending && d1.isUnmined && d1.confirmations == 0)
                #expect(try await status() == .processing)
                try await scanner.track()
                #expect(try await Self.balance(store, alice.id) == 0)
                #expect(try await status() == .processing)
                let again = try #require(try await scanner.pollMempool(&watch))
                #expect(again.read == 0 && again.detected == 0 && again.withdrawn == 0, "a poll reads only what is new")

                // A fee bump (RBF) re-pays: the first detection is withdrawn, the replacement is a new deposit.
                guard case .object(let bumped) = try await node.walletCall("bumpfee", [.string(t1)]), case .string(let t1b)? = bumped["txid"] else {
                    throw CancellationError()
                }
                let bump = try #require(try await scanner.pollMempool(&watch))
                #expect(bump.detected == 1 && bump.withdrawn == 1)
                let withdrawn = try #require(try await deposits().first { $0.id == d1.id })
                #expect(withdrawn.status == .orphaned && withdrawn.orphanedReason?.contains("left the mempool") == true)
                let d1b = try #require(try await deposits().first { $0.txHash == t1b })
                #expect(d1b.id != d1.id && d1b.status == .pending && d1b.isUnmined && d1b.amount == d1.amount)
                #expect(try await status() == .processing, "other money is on its way")

                // A replacement that pays the wallet instead: withdrawn, and the intent waits for payment again.
                try await node.doubleSpend(t1b)
                let replaced = try #require(try await scanner.pollMempool(&watch))
                #expect(replaced.detected == 0 && replaced.withdrawn == 1)
                #expect(try await deposits().first { $0.id == d1b.id }?.status == .orphaned)
                #expect(try await status() == .requiresPayment)

                // Mined: the same deposit moves into its block and is credited by its confirmations.
                let t2 = try await node.send(alice.address, "0.4")
                #expect(try await scanner.pollMempool(&watch)?.detected == 1)
                let d2 = try #require(try await deposits().first { $0.txHash == t2 })
                try await node.mine()
                try await Self.catchUp(scanner)
                #expect(try await scanner.pollMempool(&watch)?.withdrawn == 0, "mined, not withdrawn")
                let mined = try #require(try await deposits().first { $0.txHash == t2 })
                let height = try await node.height
                #expect(mined.id == d2.id && !mined.isUnmined && mined.blockNumber == height && mined.status == .pending)
                try await node.mine()
                try await Self.catchUp(scanner)
                #expect(try await status() == .succeeded)
                #expect(try await Self.balance(store, alice.id) == 0, "the whole 0.4 BTC went to the intent")

                // A reorg returns a mined transaction to the mempool: detected again as the same
                // deposit, then mined again and credited once.
                let t3 = try await node.send(bob.address, "0.3")
                _ = try await scanner.pollMempool(&watch)
                let b3 = try await node.mineBlock(with: [t3])
                try await Self.catchUp(scanner)
                _ = try await scanner.pollMempool(&watch)
                let d3 = try #require(try await deposits().first { $0.txHash == t3 })
                #expect(d3.blockHash == b3)
                try await node.call("invalidateblock", [.string(b3)])
                try await node.mineBlock()
                try await node.mineBlock()
                try await Self.catchUp(scanner)
                #expect(try await deposits().first { $0.id == d3.id }?.status == .orphaned)
                #expect(try await scanner.pollMempool(&watch)?.detected == 1)
                let back = try #require(try await deposits().first { $0.id == d3.id })
                #expect(back.status == .pending && back.isUnmined)
                try await node.mine()
                try await Self.catchUp(scanner)
                try await node.mine()
                try await Self.catchUp(scanner)
                #expect(try await Self.balance(store, bob.id) == 30_000_000)
                #expect(try await scanner.pollMempool(&watch)?.withdrawn == 0)

                let all = try await deposits()
                #expect(all.count == 4 && Set(all.map(\.txHash)) == [t1, t1b, t2, t3])
                let types = try await store.events(page: 1, pageSize: 500).items.map(\.type)
                #expect(types.filter { $0 == .depositOrphaned }.count == 3)
                #expect(types.filter { $0 == .depositConfirmed }.count == 2, "each credited once")
            }
        }
    }
}
