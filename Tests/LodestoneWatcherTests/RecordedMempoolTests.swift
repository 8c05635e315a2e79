import Foundation
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneWatcher
import Synchronization
import Testing

/// A Bitcoin node replayed from the recorded Bitcoin Core v29.3 transcripts: its mempool listings
/// and best block are set by the test in the recorded order; every transaction is the node's own
/// recorded `getrawtransaction <txid> true` answer.
final class RecordedMempoolNode: ChainSource, MempoolSource {
    struct Unused: Error {}
    struct Envelope<R: Decodable>: Decodable { let result: R }

    let network = NetworkID.bitcoinRegtest
    let transactions: [String: String]
    let state = Mutex<(listing: [String], best: String)>(([], ""))

    init(transactions: [String: String]) { self.transactions = transactions }

    func set(listing: [String], best: String) { state.withLock { $0 = (listing, best) } }

    func mempoolLoaded() async throws -> Bool { true }
    func mempoolTransactionIDs() async throws -> [String] { state.withLock { $0.listing } }
    func bestBlockHash() async throws -> String { state.withLock { $0.best } }

    func mempoolTransfers(_ txids: [String], watching: AddressWatchList) async throws -> MempoolRead {
        var read = MempoolRead()
        var txs: [BitcoinTransaction] = []
        for txid in txids {
            // The recording reads every transaction that pays a deposit address; the others (x3)
            // pay only the funder.
            guard let raw = transactions[txid] else {
                read.payments[txid] = []
                continue
            }
            txs.append(try JSONDecoder().decode(Envelope<BitcoinTransaction>.self, from: Data(raw.utf8)).result)
            read.payments[txid] = []
        }
        for (i, output) in await watching.watchedOutputs(of: txs) {
            read.payments[txs[i].txid, default: []].append(
                ObservedTransfer(
                    recipient: output.script, assetID: RecordedMempoolTests.asset.id, amount: output.amount, txHash: txs[i].txid, position: output.n,
                    blockNumber: Deposit.unminedBlockNumber, blockHash: Deposit.unminedBlockHash))
        }
        return read
    }

    func verifyChain() async throws {}
    func pinned<T: Sendable>(_ body: () async throws -> T) async throws -> T { try await body() }
    func head() async throws -> ChainHead { throw Unused() }
    func finalizedHeight(_ tag: FinalityTag) async throws -> Int64 { throw Unused() }
    func block(at number: Int64) async throws -> ChainBlock { throw Unused() }
    func scan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> ScannedRange { throw Unused() }
    func rescan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> [ObservedTransfer] { [] }
    func endpointHealth() async -> [(label: String, healthy: Bool, problem: String?)] { [] }
}

/// The mempool and replacement scenarios of the recorded transcripts (03_mempool, 04_rbf) replayed
/// through the scanner's mempool poll and an in-memory ledger: what `expected.json` says a watcher
/// must conclude is what it concludes.
@Suite struct RecordedMempoolTests {
    static let asset = AssetCatalog.defaults(for: .bitcoinRegtest)[0]
    static let dir = BitcoinRPCAnswerTests.dir

    static func entries(_ file: String) throws -> [(label: String, method: String, params: [Any], raw: String)] {
        let data = try Data(contentsOf: dir.appendingPathComponent(file))
        let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return list.compactMap { e in
            guard let request = e["request"] as? [String: Any], let method = request["method"] as? String, let raw = e["raw"] as? String
            else { return nil }
            return (e["label"] as? String ?? "", method, request["params"] as? [Any] ?? [], raw)
        }
    }

    static func json(_ file: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(file))) as? [String: Any])
    }

    @Test func theRecordedMempoolAndReplacementsEndAsExpected() async throws {
        var transactions: [String: String] = [:]
        var listings: [String: [String]] = [:]
        var blocks: [String: BitcoinBlock] = [:]
        for file in ["03_mempool.json", "04_rbf.json"] {
            for e in try Self.entries(file) where !e.raw.contains("\"error\":{") {
                switch e.method {
                case "getrawtransaction":
                    // The first answer, read while the transaction was unconfirmed.
                    if let txid = e.params.first as? String, transactions[txid] == nil { transactions[txid] = e.raw }
                case "getrawmempool" where e.params.isEmpty:
                    listings[e.label] = try JSONDecoder().decode(RecordedMempoolNode.Envelope<[String]>.self, from: Data(e.raw.utf8)).result
                case "getblock":
                    let block = try JSONDecoder().decode(RecordedMempoolNode.Envelope<BitcoinBlock>.self, from: Data(e.raw.utf8)).result
                    blocks[block.hash] = block
                default: break
                }
            }
        }
        let expected = try Self.json("expected.json")
        let scenarios = try #require(expected["scenarios"] as? [String: Any])
        let mempool = try #require(scenarios["03_mempool"] as? [String: Any])
        let rbf = try #require(scenarios["04_rbf"] as? [String: Any])
        let baseline = try #require((scenarios["01_baseline"] as? [String: Any])?["tip"] as? [String: Any])
        let r3 = try #require(rbf["r3"] as? String)
        let x3 = try #require(rbf["x3"] as? String)

        // Every recorded deposit address, each its own customer.
        let directory = InMemoryAddressDirectory()
        let addresses = try #require(try Self.json("addresses.json")["addresses"] as? [[String: Any]])
        for a in addresses {
            let address = try #require(a["address"] as? String)
            try directory.add(
                CustomerAddress(
                    address: address, network: NetworkID.bitcoinRegtest.rawValue, customerID: "cus_\(address)", derivationPath: a["path"] as? String ?? "",
                    index: UInt32(a["index"] as? Int ?? 0), createdAt: 0))
        }
        let ledger = InMemoryScanLedger()
        let node = RecordedMempoolNode(transactions: transactions)
        var settings = ScanSettings()
        settings.watchMempool = true
        let scanner = NetworkScanner(
            source: node, ledger: ledger, directory: directory, watchList: AddressWatchList(family: .bitcoin, environment: .sandbox, directory: directory),
            assets: AssetRegistry(assets: [Self.asset]), minimums: [:], settings: settings, now: { 1 }, logger: ScanHarness.logger)
        var watch = MempoolWatch<ObservedTransfer>()

        // The scan has read up to the baseline tip (D2, height 122).
        var cursor = ChainBlock(number: try #require(baseline["height"] as? Int64), hash: try #require(baseline["hash"] as? String), parentHash: "")
        _ = try await ledger.commitScan(ScanCommit(network: .bitcoinRegtest, previous: nil, blocks: [cursor], deposits: []), now: 1)
        func poll(_ label: String, _ listing: [String]? = nil) async throws -> MempoolPollOutcome {
            node.set(listing: try listing ?? #require(listings[label], "no listing \(label)"), best: cursor.hash)
            return try #require(try await scanner.pollMempool(&watch))
        }
        // A recorded block, scanned: its outputs to watched scripts recorded in it, the cursor moved.
        func mine(_ hash: String) async throws {
            let block = try #require(blocks[hash])
            let watching = AddressWatchList(family: .bitcoin, environment: .sandbox, directory: directory)
            try await watching.refresh()
            var deposits: [ScannedDeposit] = []
            let parameters = try #require(NetworkID.bitcoinRegtest.bitcoinParameters)
            for (i, output) in await watching.watchedOutputs(of: block) {
                let address = try #require(BitcoinAddress.address(script: output.script, parameters: parameters))
                deposits.append(
                    ScannedDeposit(
                        observation: DepositObservation(
                            network: .bitcoinRegtest, assetID: Self.asset.id, address: address, customerID: "cus_\(address)", amount: output.amount,
                            txHash: block.transactions[i].txid, position: output.n, blockNumber: block.height, blockHash: block.hash),
                        minimum: .zero))
            }
            let next = ChainBlock(number: block.height, hash: block.hash, parentHash: block.previousHash ?? "")
            _ = try await ledger.commitScan(ScanCommit(network: .bitcoinRegtest, previous: cursor, blocks: [next], deposits: deposits), now: 1)
            cursor = next
            try await scanner.track()
        }

        // 03: m1 is detected from the mempool, then mined in M1; leaving the mempool mined is no withdrawal.
        #expect(try await poll("m1 in the mempool").detected == 1)
        try await mine(try #require((mempool["M1"] as? [String: Any])?["hash"] as? String))
        #expect(try await poll("after mining M1: empty").withdrawn == 0)

        // 04: r1 replaced by the fee bump r1b; r2 replaced by x2 (pays no deposit); r3, not
        // signalling, replaced by x3 all the same (full RBF). The recording lists r3's mempool only
        // after its replacement: the listing before it is that one with r3 in place of x3.
        #expect(try await poll("4a: r1 in the mempool").detected == 1)
        let bump = try await poll("4a: after bumpfee: only r1b")
        #expect(bump.detected == 1 && bump.withdrawn == 1)
        #expect(try await poll("4b: r1b and r2 in the mempool").detected == 1)
        #expect(try await poll("4b: after x2 replaced r2: r2 gone").withdrawn == 1)
        let after4c = try #require(listings["4c: after x3 replaced non-signalling r3"])
        #expect(try await poll("", after4c.map { $0 == x3 ? r3 : $0 }).detected == 1)
        #expect(try await poll("4c: after x3 replaced non-signalling r3").withdrawn == 1)
        try await mine(try #require((rbf["R"] as? [String: Any])?["hash"] as? String))
        #expect(try await poll("after R: empty").withdrawn == 0)

        // What expected.json says of every deposit output of these two scenarios.
        let all = ledger.allDeposits()
        let outputs = try #require(expected["deposits"] as? [[String: Any]]).filter { ["03_mempool", "04_rbf"].contains($0["scenario"] as? String) }
        #expect(outputs.count == 5 && all.count == 5, "x2 and x3 pay no deposit address")
        for o in outputs {
            let txid = try #require(o["txid"] as? String)
            let vout = try #require(o["vout"] as? Int)
            let final = try #require(o["final"] as? String)
            let d = try #require(all.first { $0.txHash == txid && $0.position == vout }, "no deposit for \(txid):\(vout)")
            #expect(d.amount.description == "\(try #require(o["sats"] as? Int))", "\(txid)")
            if final == "confirmed" {
                #expect(d.status == .confirmed && d.blockHash == o["confirmed_block"] as? String, "\(txid): \(d.status)")
            } else {
                #expect(final.hasPrefix("replaced"))
                #expect(d.status == .orphaned && d.isUnmined && d.orphanedReason?.contains("left the mempool") == true, "\(txid): \(d.status)")
                if final.contains("nothing to credit") { #expect(ledger.balance(customer: d.customerID, asset: Self.asset.id) == .zero) }
            }
        }
        #expect(ledger.eventTypes().filter { $0 == .depositOrphaned }.count == 3)
        #expect(ledger.eventTypes().filter { $0 == .depositConfirmed }.count == 2)
    }

    @Test func aListingThatIsNotTransactionIDsIsRefusedAndNothingIsRecorded() async throws {
        let ledger = InMemoryScanLedger()
        let directory = InMemoryAddressDirectory()
        let node = RecordedMempoolNode(transactions: [:])
        var settings = ScanSettings()
        settings.watchMempool = true
        let scanner = NetworkScanner(
            source: node, ledger: ledger, directory: directory, watchList: AddressWatchList(family: .bitcoin, environment: .sandbox, directory: directory),
            assets: AssetRegistry(assets: [Self.asset]), minimums: [:], settings: settings, now: { 1 }, logger: ScanHarness.logger)
        var watch = MempoolWatch<ObservedTransfer>()
        for listing in [["not a txid"], [String(repeating: "g", count: 64)], [String(repeating: "a", count: 63)]] {
            node.set(listing: listing, best: String(repeating: "b", count: 64))
            await #expect(throws: ChainSourceError.self) { try await scanner.pollMempool(&watch) }
        }
        node.set(listing: [], best: "\"quoted\"")
        await #expect(throws: ChainSourceError.self) { try await scanner.pollMempool(&watch) }
        #expect(ledger.allDeposits().isEmpty && watch.known.isEmpty)
    }
}
