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
        let c = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, now: 0)
        let deriver = try AddressDeriver(scheme: DerivationScheme(network: network, script: script), seed: TestKeys.seed)
        let (address, _) = try await store.issueAddress(customerID: c.id, network: network, now: 0) { _, i in try deriver.address(index: i) }
        return (c.id, address.address)
    }

    static func balance(_ store: SQLStore, _ customer: String) async throws -> Int64 {
        Int64((try await store.balances(customerID: customer)[asset.id] ?? .zero).description) ?? -1
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
                let client = NodeClient(
                    network: Self.network.rawValue, endpoints: [RPCEndpoint(url: node.url, requestsPerSecond: 0)], http: .shared,
                    logger: ScanHarness.logger)
                let source = BitcoinSource(network: Self.network, client: client, assetID: Self.asset.id, maxHeadAgeSeconds: nil, now: { 0 }, logger: ScanHarness.logger)
                var settings = ScanSettings()
                settings.recheckDepth = nil
                settings.startBlock = try await node.height + 1
                let registry = AssetRegistry(assets: [Asset(network: Self.network, symbol: "BTC", decimals: 8, contract: nil, confirmations: 2)])
                let scanner = NetworkScanner(
                    source: source, store: store, watchList: AddressWatchList(family: .bitcoin, directory: store), assets: registry,
                    minimums: [:], settings: settings, now: { 0 }, logger: ScanHarness.logger)
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
                guard case .object(let t2tx) = try await node.call("getrawtransaction", [.string(t2), .bool(true)]),
                    case .array(let inputs)? = t2tx["vin"]
                else { throw CancellationError() }
                let spend = inputs.compactMap { input -> JSONParam? in
                    guard case .object(let i) = input, case .string(let txid)? = i["txid"], case .int(let vout)? = i["vout"] else { return nil }
                    return .object(["txid": .string(txid), "vout": .int(vout)])
                }
                var total: Int64 = 0
                for input in inputs {
                    guard case .object(let i) = input, case .string(let txid)? = i["txid"], case .int(let vout)? = i["vout"],
                        case .object(let prev) = try await node.walletCall("gettransaction", [.string(txid)]),
                        case .string(let hex)? = prev["hex"],
                        case .object(let decoded) = try await node.call("decoderawtransaction", [.string(hex)]),
                        case .array(let outs)? = decoded["vout"], case .object(let out) = outs[Int(vout)]
                    else { continue }
                    total += Self.sats(out["value"])
                }
                let fee: Int64 = 100_000
                let conflict = try await node.walletCall(
                    "createrawtransaction",
                    [.array(spend), .array([.object([try await node.walletAddress(): .string(Self.btc(total - fee))])])])
                guard case .string(let conflictHex) = conflict,
                    case .object(let signed) = try await node.walletCall("signrawtransactionwithwallet", [.string(conflictHex)]),
                    case .string(let signedHex)? = signed["hex"],
                    case .string(let x) = try await node.call("sendrawtransaction", [.string(signedHex)])
                else { throw CancellationError() }
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

    /// Satoshis of a JSON number the node wrote (a test-side reading; amounts here have 8 decimals).
    static func sats(_ value: JSONValue?) -> Int64 {
        switch value {
        case .number(let d)?: return Int64((d * 100_000_000).rounded())
        case .int(let i)?: return i * 100_000_000
        default: return 0
        }
    }

    static func btc(_ sats: Int64) -> String {
        "\(sats / 100_000_000)." + String(String(sats % 100_000_000).reversed()).padding(toLength: 8, withPad: "0", startingAt: 0).reversed()
    }
}
