import Foundation
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneWatcher
import Synchronization

/// A chain kept in memory for the scanner's fast tests: blocks on one canonical branch, native
/// transfers in them, reorgs by replacing the top, and failures on demand. No HTTP.
final class MemoryChainSource: ChainSource {
    struct Payment: Sendable {
        let recipient: [UInt8]
        let amount: Amount
        let txHash: String
    }

    struct Failure: Error {}

    struct State {
        var blocks: [ChainBlock] = []
        var payments: [Int64: [Payment]] = [:]
        var branch = 0
        /// What the next head reads do: true fails one, false answers; answers once it is empty.
        var headScript: [Bool] = []
        /// Transactions block scans leave out (a provider's incomplete answer); lookups by hash still find them.
        var hidden: Set<String> = []
    }

    let network: NetworkID = .ethereum
    let asset: String
    let state = Mutex(State())

    /// A chain of `length` empty blocks after genesis, paying in `asset`.
    init(length: Int, asset: String = "ETH-Ethereum") {
        self.asset = asset
        state.withLock { s in
            s.blocks = [ChainBlock(number: 0, hash: Self.hash(branch: 0, height: 0), parentHash: Self.hash(branch: 0, height: -1))]
            Self.mine(&s, length, [])
        }
    }

    static func hash(branch: Int, height: Int64) -> String {
        let text = String(UInt64(bitPattern: height), radix: 16)
        return "0x" + String(repeating: "0", count: 24) + String(format: "%08x", branch) + String(repeating: "0", count: 32 - text.count) + text
    }

    static func mine(_ s: inout State, _ count: Int, _ payments: [Payment]) {
        for i in 0..<count {
            let parent = s.blocks[s.blocks.count - 1]
            let block = ChainBlock(
                number: parent.number + 1, hash: hash(branch: s.branch, height: parent.number + 1), parentHash: parent.hash)
            s.blocks.append(block)
            s.payments[block.number] = i == 0 ? payments : []
        }
    }

    /// Mines `count` blocks, the first holding `payments`.
    func mine(_ count: Int = 1, paying payments: [Payment] = []) {
        state.withLock { Self.mine(&$0, count, payments) }
    }

    /// Replaces the top `depth` blocks with `length` new ones, the first holding `payments`.
    func reorg(depth: Int, length: Int, paying payments: [Payment] = []) {
        state.withLock { s in
            s.blocks.removeLast(depth)
            s.branch += 1
            Self.mine(&s, length, payments)
        }
    }

    /// The next head reads fail (true) as an unreachable node would, or answer (false), in order.
    func scriptHeads(_ script: [Bool]) { state.withLock { $0.headScript = script } }

    /// Block scans leave `tx` out until `reveal()`.
    func hide(_ tx: String) { state.withLock { _ = $0.hidden.insert(tx) } }

    /// Block scans answer in full again.
    func reveal() { state.withLock { $0.hidden = [] } }

    var tip: ChainBlock { state.withLock { $0.blocks[$0.blocks.count - 1] } }

    func verifyChain() async throws {}

    func endpointHealth() async -> [(label: String, healthy: Bool, problem: String?)] { [("memory://chain", true, nil)] }

    func pinned<T: Sendable>(_ body: () async throws -> T) async throws -> T { try await body() }

    func head() async throws -> ChainHead {
        let block: ChainBlock = try state.withLock { s in
            if !s.headScript.isEmpty, s.headScript.removeFirst() { throw Failure() }
            return s.blocks[s.blocks.count - 1]
        }
        return ChainHead(block: block, timestamp: 0)
    }

    func finalizedHeight(_ tag: FinalityTag) async throws -> Int64 { 0 }

    func block(at number: Int64) async throws -> ChainBlock {
        try state.withLock { s in
            guard number >= 0, Int(number) < s.blocks.count else { throw Failure() }
            return s.blocks[Int(number)]
        }
    }

    func scan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> ScannedRange {
        let (blocks, transfers) = state.withLock { s in
            let blocks = s.blocks.filter { range.contains($0.number) }
            return (blocks, blocks.flatMap { b in (s.payments[b.number] ?? []).filter { !s.hidden.contains($0.txHash) }.map { (b, $0) } })
        }
        let watched = await watching.watched(among: transfers.compactMap { EVMAccount($0.1.recipient) })
        return ScannedRange(
            blocks: blocks,
            transfers: transfers.filter { EVMAccount($0.1.recipient).map(watched.contains) ?? false }.map { block, p in
                ObservedTransfer(
                    recipient: p.recipient, assetID: asset, amount: p.amount, txHash: p.txHash, position: ObservedTransfer.nativePosition,
                    blockNumber: block.number, blockHash: block.hash)
            })
    }

    func rescan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> [ObservedTransfer] {
        try await scan(range, watching: watching).transfers
    }
}

extension MemoryChainSource: TransactionLocating {
    /// Finds `hash` on the canonical branch, hidden or not, as a receipt lookup would.
    func transaction(_ hash: String, inBlock block: Int64?, watching: AddressWatchList) async throws -> TransactionLookup {
        let found: (ChainBlock, [Payment])? = state.withLock { s in
            for b in s.blocks {
                let paying = (s.payments[b.number] ?? []).filter { $0.txHash == hash }
                if !paying.isEmpty { return (b, paying) }
            }
            return nil
        }
        guard let (block, payments) = found else { return .notFound }
        let watched = await watching.watched(among: payments.compactMap { EVMAccount($0.recipient) })
        return .mined(
            number: block.number, hash: block.hash, succeeded: true,
            transfers: payments.filter { EVMAccount($0.recipient).map(watched.contains) ?? false }.map { p in
                ObservedTransfer(
                    recipient: p.recipient, assetID: asset, amount: p.amount, txHash: p.txHash, position: ObservedTransfer.nativePosition,
                    blockNumber: block.number, blockHash: block.hash)
            })
    }
}
