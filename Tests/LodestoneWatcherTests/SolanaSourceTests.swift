import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneWatcher
import NIOCore
import Synchronization
import Testing

/// How the Solana source reads a node: skipped slots (by `getBlocks`) carry the hash of the block
/// before them; a slot `getBlocks` lists but the node has no block for is a ledger gap, never a
/// skip; "not available yet" is retried; an endpoint on another cluster is refused.
@Suite struct SolanaSourceTests {
    /// A node answering by method: `getBlock` by slot; an entry that is an error object is sent as one.
    static func with(
        genesis: String = "G", blocks: [Int64: String], listed: [Int64], head: Int64, notAvailableOnce: Set<Int64> = [],
        _ body: @Sendable (String, @Sendable () -> [String]) async throws -> Void
    ) async throws {
        let pending = Mutex(notAvailableOnce)
        let calls = Mutex<[String]>([])
        let router = Router()
        router.post("/") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any])
            let method = try #require(object["method"] as? String)
            let params = object["params"] as? [Any] ?? []
            calls.withLock { $0.append(method) }
            var result = "null"
            var error: String? = nil
            switch method {
            case "getGenesisHash": result = "\"\(genesis)\""
            case "getSlot": result = "\(head)"
            case "getBlocks":
                let lo = Int64(params[0] as? Int ?? 0)
                let hi = Int64(params[1] as? Int ?? 0)
                result = "[" + listed.filter { $0 >= lo && $0 <= hi }.map(String.init).joined(separator: ",") + "]"
            case "getBlock":
                let slot = Int64(params[0] as? Int ?? -1)
                if pending.withLock({ $0.remove(slot) != nil }) {
                    error = #"{"code":-32004,"message":"Block not available for slot \#(slot)"}"#
                } else if let block = blocks[slot] {
                    result = block
                } else {
                    error = #"{"code":-32007,"message":"Slot \#(slot) was skipped, or missing due to ledger jump to recent snapshot"}"#
                }
            default: error = #"{"code":-32601,"message":"Method not found"}"#
            }
            let body = error.map { #"{"jsonrpc":"2.0","error":\#($0),"id":1}"# } ?? #"{"jsonrpc":"2.0","result":\#(result),"id":1}"#
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(try #require(client.port))/", { calls.withLock { $0 } })
        }
    }

    /// A distinct 32-byte hash per slot.
    static func hash(_ n: Int) -> String {
        SolanaAddress.encode([UInt8](repeating: 7, count: 24) + withUnsafeBytes(of: UInt64(n).bigEndian) { Array($0) })
    }

    static func block(_ slot: Int64, parent: Int64) -> String {
        #"{"blockhash":"\#(hash(Int(slot)))","previousBlockhash":"\#(hash(Int(parent)))","parentSlot":\#(parent),"blockTime":1,"blockHeight":\#(slot),"transactions":[]}"#
    }

    static func source(_ url: String, genesis: String = "G") -> SolanaSource {
        let client = NodeClient(
            network: "solana", endpoints: [RPCEndpoint(url: url, requestsPerSecond: 0)], http: .shared,
            retry: RetryPolicy(attempts: 3, baseDelay: .milliseconds(5), maxDelay: .milliseconds(10)), cooldown: .milliseconds(1),
            logger: ScanHarness.logger)
        return SolanaSource(client: client, nativeAssetID: "SOL-Solana", mints: [:], genesisHash: genesis, maxHeadAgeSeconds: nil, now: { 0 }, logger: ScanHarness.logger)
    }

    @Test func skippedSlotsCarryTheHashOfTheBlockBeforeThem() async throws {
        // Blocks at 10, 13 and 14; 11 and 12 skipped; 15 and 16 skipped up to the range's end.
        let blocks: [Int64: String] = [10: Self.block(10, parent: 9), 13: Self.block(13, parent: 10), 14: Self.block(14, parent: 13)]
        try await Self.with(blocks: blocks, listed: [10, 13, 14], head: 16) { url, _ in
            let watching = AddressWatchList(family: .solana, environment: .production, directory: InMemoryAddressDirectory())
            let scanned = try await Self.source(url).scan(11...16, watching: watching)
            #expect(scanned.blocks.map(\.number) == [11, 12, 13, 14, 15, 16])
            #expect(scanned.blocks.map(\.hash) == [10, 10, 13, 14, 14, 14].map(Self.hash))
            #expect(scanned.blocks.map(\.parentHash) == [10, 10, 10, 13, 14, 14].map(Self.hash), "every slot links to the one before")
            // Read alone, a skipped slot is the block before it; a block is itself.
            #expect(try await Self.source(url).block(at: 12) == ChainBlock(number: 12, hash: Self.hash(10), parentHash: Self.hash(10)))
            #expect(try await Self.source(url).block(at: 13) == ChainBlock(number: 13, hash: Self.hash(13), parentHash: Self.hash(10)))
        }
    }

    @Test func aSlotListedWithoutABlockIsALedgerGapNotASkip() async throws {
        // getBlocks lists 12, but this node answers -32007 for it (restored from a snapshot).
        let blocks: [Int64: String] = [10: Self.block(10, parent: 9), 13: Self.block(13, parent: 12)]
        try await Self.with(blocks: blocks, listed: [10, 12, 13], head: 13) { url, _ in
            let watching = AddressWatchList(family: .solana, environment: .production, directory: InMemoryAddressDirectory())
            await #expect {
                _ = try await Self.source(url).scan(11...13, watching: watching)
            } throws: { "\($0)".contains("ledger gap") }
            await #expect {
                _ = try await Self.source(url).block(at: 12)
            } throws: { "\($0)".contains("ledger gap") }
        }
    }

    @Test func aBlockNotAvailableYetIsAskedForAgainAndABrokenLinkIsRefused() async throws {
        let blocks: [Int64: String] = [10: Self.block(10, parent: 9), 11: Self.block(11, parent: 10), 12: Self.block(12, parent: 3)]
        try await Self.with(blocks: blocks, listed: [10, 11], head: 11, notAvailableOnce: [11]) { url, calls in
            let watching = AddressWatchList(family: .solana, environment: .production, directory: InMemoryAddressDirectory())
            let scanned = try await Self.source(url).scan(11...11, watching: watching)
            #expect(scanned.blocks.map(\.hash) == [Self.hash(11)])
            #expect(calls().filter { $0 == "getBlock" }.count == 2, "-32004 is retried, never skipped")
        }
        // Block 12 names parent slot 3 although getBlocks listed 11 before it.
        try await Self.with(blocks: blocks, listed: [10, 11, 12], head: 12) { url, _ in
            let watching = AddressWatchList(family: .solana, environment: .production, directory: InMemoryAddressDirectory())
            await #expect(throws: ChainSourceError.self) { _ = try await Self.source(url).scan(11...12, watching: watching) }
        }
    }

    @Test func anEndpointOnAnotherClusterIsRefused() async throws {
        try await Self.with(genesis: "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG", blocks: [:], listed: [], head: 1) { url, _ in
            await #expect {
                try await Self.source(url, genesis: SolanaSource.genesisHashes["mainnet-beta"]!).verifyChain()
            } throws: { error in
                guard case ChainSourceError.wrongChain(let why) = error else { return false }
                return why.contains("EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG")
            }
        }
    }

    static let recordings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/chains/solana")

    static func entries(_ file: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: recordings.appendingPathComponent(file)))
        return try #require((object as? [String: Any])?["entries"] as? [[String: Any]])
    }

    @Test func theRecordedGetBlocksGapsAreSkippedSlots() async throws {
        // devnet getBlocks 160017005..160017015 → 7 slots: 160017008–011 were skipped.
        let entry = try #require(try Self.entries("agave_exchange_guide_devnet_examples.json").first { ($0["label"] as? String)?.hasPrefix("getBlocks") == true })
        let listed = try #require((entry["response"] as? [String: Any])?["result"] as? [Int]).map(Int64.init)
        var blocks: [Int64: String] = [:]
        var parent: Int64 = 160_017_004
        for slot in listed {
            blocks[slot] = Self.block(slot, parent: parent)
            parent = slot
        }
        try await Self.with(blocks: blocks, listed: listed, head: 160_017_015) { url, _ in
            let watching = AddressWatchList(family: .solana, environment: .production, directory: InMemoryAddressDirectory())
            let scanned = try await Self.source(url).scan(160_017_006...160_017_013, watching: watching)
            #expect(scanned.blocks.map(\.number) == Array(160_017_006...160_017_013))
            let skipped = scanned.blocks.filter { $0.hash == $0.parentHash }.map(\.number)
            #expect(skipped == Array(160_017_008...160_017_011), "exactly the slots getBlocks left out")
        }
    }

    @Test func theRecordedErrorAnswersAreReadByTheirCodes() async throws {
        // Each recorded answer, served as a node sends it, surfaces as its code; only -32004 is retried.
        for entry in try Self.entries("errors_and_small_responses.json") {
            guard let raw = entry["response_raw"] as? String, raw.contains("\"error\""),
                let code = ((entry["response"] as? [String: Any])?["error"] as? [String: Any])?["code"] as? Int
            else { continue }
            let served = Mutex(0)
            let router = Router()
            router.post("/") { _, _ -> Response in
                served.withLock { $0 += 1 }
                var headers = HTTPFields()
                headers[.contentType] = "application/json"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: raw)))
            }
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in
                let url = "http://127.0.0.1:\(try #require(client.port))/"
                let node = NodeClient(
                    network: "solana", endpoints: [RPCEndpoint(url: url, requestsPerSecond: 0)], http: .shared,
                    retry: RetryPolicy(attempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2)), cooldown: .milliseconds(1),
                    logger: ScanHarness.logger)
                do {
                    _ = try await node.call("getBlock", [.int(1)], as: SolanaBlock.self)
                    Issue.record("an error answer was taken as a block")
                } catch let error as RPCError {
                    let codes: [Int]
                    switch error {
                    case .rpc(_, let c, _): codes = [c]
                    case .exhausted(let all): codes = all.compactMap { if case .rpc(_, let c, _) = $0 { c } else { nil } }
                    default: codes = []
                    }
                    #expect(codes.allSatisfy { $0 == code } && !codes.isEmpty, "\(code): \(error)")
                }
                #expect(served.withLock { $0 } == (code == RPCError.blockNotAvailable ? 2 : 1), "\(code): retried only when not available yet")
            }
        }
    }

    @Test func aBlockHashThatIsNotBase58Of32BytesIsRefusedBeforeAnythingIsStored() async throws {
        // The head's block names itself with hex: the scanner's validation refuses it.
        let bad = #"{"blockhash":"0x\#(String(repeating: "a", count: 64))","previousBlockhash":"\#(Self.hash(9))","parentSlot":9,"blockTime":1,"transactions":[]}"#
        try await Self.with(blocks: [10: bad], listed: [10], head: 10) { url, _ in
            let ledger = InMemoryScanLedger()
            let directory = InMemoryAddressDirectory()
            let scanner = NetworkScanner(
                source: Self.source(url), ledger: ledger, directory: directory, watchList: AddressWatchList(family: .solana, environment: .production, directory: directory),
                assets: AssetRegistry(assets: AssetCatalog.defaults(for: .solana)), minimums: [:], settings: ScanSettings(), now: { 0 },
                logger: ScanHarness.logger)
            await #expect {
                _ = try await scanner.step()
            } throws: { "\($0)".contains("not 32 bytes of Base58") }
            let cursor = try await ledger.scanCursor(network: .solana)
            #expect(cursor == nil)
        }
    }
}
