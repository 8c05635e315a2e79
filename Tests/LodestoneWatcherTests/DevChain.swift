import BigInt
import Crypto
import Foundation
import LodestoneChains
import LodestoneCore

/// A scriptable EVM chain for tests: blocks of native and token transfers, failed transactions,
/// reorgs of any depth. `DevnetServer` serves it over JSON-RPC.
actor DevChain {
    struct Log: Sendable {
        let contract: [UInt8]
        let from: [UInt8]
        let to: [UInt8]
        let value: BigUInt
    }

    struct Tx: Sendable {
        /// A TRC-10 transfer on Tron (another token with TRX-like fields); plain value transfers elsewhere.
        var trc10 = false
        let hash: String
        let to: [UInt8]?
        let value: BigUInt
        let succeeded: Bool
        let logs: [Log]
    }

    struct Block: Sendable {
        let number: Int64
        let hash: String
        let parentHash: String
        let timestamp: Int64
        let txs: [Tx]
    }

    let chainID: UInt64
    private(set) var blocks: [Block]
    private var branch = 0
    /// Seconds of chain time per block; blocks are stamped relative to `now`.
    var clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    init(chainID: UInt64) {
        self.chainID = chainID
        blocks = [Block(number: 0, hash: Self.hash("genesis\(chainID)"), parentHash: "0x" + String(repeating: "0", count: 64), timestamp: 0, txs: [])]
    }

    static func hash(_ seed: String) -> String { "0x" + Hex.encode(SHA256.hash(data: Data(seed.utf8))) }

    static let transferTopic = ERC20TransferLog.topic

    var head: Block { blocks[blocks.count - 1] }

    /// A native transfer.
    static func native(to: [UInt8], wei: BigUInt, succeeded: Bool = true) -> Tx {
        Tx(hash: hash(UUID().uuidString), to: to, value: wei, succeeded: succeeded, logs: [])
    }

    /// A Tron TRC-10 transfer: same recipient and amount fields as TRX, but not TRX.
    static func trc10(to: [UInt8], amount: BigUInt) -> Tx {
        Tx(trc10: true, hash: hash(UUID().uuidString), to: to, value: amount, succeeded: true, logs: [])
    }

    /// A token transfer call emitting the given Transfer logs.
    static func token(_ contract: [UInt8], _ transfers: [(to: [UInt8], value: BigUInt)], succeeded: Bool = true) -> Tx {
        let sender = [UInt8](repeating: 0x11, count: 20)
        return Tx(
            hash: hash(UUID().uuidString), to: contract, value: 0, succeeded: succeeded,
            logs: succeeded ? transfers.map { Log(contract: contract, from: sender, to: $0.to, value: $0.value) } : [])
    }

    /// Appends a block holding `txs`; returns its number.
    @discardableResult
    func mine(_ txs: [Tx] = []) -> Int64 {
        let parent = head
        let number = parent.number + 1
        blocks.append(
            Block(
                number: number, hash: Self.hash("\(chainID)/\(number)/\(branch)/\(parent.hash)/\(txs.map(\.hash))"), parentHash: parent.hash,
                timestamp: clock(), txs: txs))
        return number
    }

    /// Mines `count` empty blocks.
    func mine(empty count: Int) { for _ in 0..<count { mine() } }

    /// Drops the last `depth` blocks and starts a new branch from there (mine after to make it longer).
    func reorg(depth: Int) {
        blocks.removeLast(depth)
        branch += 1
    }

    func block(_ n: Int64) -> Block? { n >= 0 && n < blocks.count ? blocks[Int(n)] : nil }

    /// The transaction and its block, on the canonical chain.
    func transaction(_ hash: String) -> (Tx, Block, index: Int)? {
        for b in blocks.reversed() {
            if let i = b.txs.firstIndex(where: { $0.hash == hash }) { return (b.txs[i], b, i) }
        }
        return nil
    }
}
