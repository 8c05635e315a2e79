import Foundation
public import LodestoneChains
public import LodestoneCore
public import LodestoneDomain
public import LodestoneRPC
public import Logging

/// Reads Solana through its JSON-RPC at `confirmed` commitment: the head by `getSlot`, which slots
/// hold blocks by `getBlocks`, and each block by `getBlock` with `transactionDetails: "accounts"`
/// (every account, loaded ones included, with balances and token balances, and no instructions:
/// deposits are read from balances, so instructions would only make the answer several times
/// larger) in `json` encoding (no base64 to decode). Every slot of a range gets a `ChainBlock`: a
/// skipped slot carries the hash of the block before it, so the scan's parent links, stored hashes
/// and reorg walk-backs work on slots as they do on heights.
public struct SolanaSource: ChainSource {
    public let network: NetworkID
    let client: NodeClient
    let nativeAssetID: String
    /// SPL mints (Token and Token-2022 alike) → asset id.
    let mints: [String: String]
    let maxHeadAge: Int64?
    let now: @Sendable () -> Int64
    let logger: Logger

    /// Genesis hashes of the public clusters.
    public static let genesisHashes: [String: String] = [
        "mainnet-beta": "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d",
        "devnet": "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG",
        "testnet": "4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY",
    ]

    /// How far back a skipped slot looks for the block before it.
    static let skipSearch: Int64 = 1_000

    /// The genesis hash of a Solana network's public cluster.
    public static func genesisHash(of network: NetworkID) -> String? {
        switch network {
        case .solana: return genesisHashes["mainnet-beta"]
        case .solanaDevnet: return genesisHashes["devnet"]
        case .solanaTestnet: return genesisHashes["testnet"]
        default: return nil
        }
    }

    /// A source whose endpoints must report `genesisHash` (a cluster's, or a local validator's).
    public init(
        network: NetworkID = .solana, client: NodeClient, nativeAssetID: String, mints: [String: String], genesisHash: String, maxHeadAgeSeconds: Int64?,
        now: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.network = network
        let expected = "genesis \(genesisHash)"
        self.client = client.checking(
            EndpointIdentityCheck(expected: expected) { probe in
                let genesis = try await probe.call("getGenesisHash", [], as: String.self)
                guard genesis == genesisHash else {
                    throw RPCError.wrongChain(endpoint: probe.label, expected: expected, actual: "genesis \(genesis)")
                }
            })
        self.nativeAssetID = nativeAssetID
        self.mints = mints
        maxHeadAge = maxHeadAgeSeconds
        self.now = now
        self.logger = logger
    }

    public func verifyChain() async throws { try await EndpointChecks.verify(client, network: network, logger: logger) }

    public func pinned<T: Sendable>(_ body: () async throws -> T) async throws -> T { try await client.pinned(body) }

    public func endpointHealth() async -> [(label: String, healthy: Bool, problem: String?)] { await client.health() }

    /// Each endpoint's last reported head and whether it was stale.
    public func endpointHeads() async -> [String: (head: Int64?, stale: Bool)] { await client.endpointHeads() }

    static let confirmed: JSONParam = .object(["commitment": .string("confirmed")])

    static func blockOptions(details: String) -> JSONParam {
        .object([
            "commitment": .string("confirmed"), "encoding": .string("json"), "transactionDetails": .string(details),
            "rewards": .bool(false), "maxSupportedTransactionVersion": .int(0),
        ])
    }

    struct Header: Decodable, Sendable {
        let blockhash: String
        let previousBlockhash: String
        let parentSlot: Int64
        let blockTime: Int64?
    }

    /// The header of the block at `slot`, or nil when this node has none there.
    func header(_ slot: Int64) async throws -> Header? {
        do {
            return try await client.call("getBlock", [.int(slot), Self.blockOptions(details: "none")], as: Header.self)
        } catch RPCError.rpc(_, let code, _) where code == RPCError.slotSkipped || code == RPCError.slotSkippedOrMissingInStorage {
            return nil
        }
    }

    /// The slots in `range` that hold blocks at `confirmed`.
    func blockSlots(_ range: ClosedRange<Int64>) async throws -> [Int64] {
        let slots = try await client.call("getBlocks", [.int(range.lowerBound), .int(range.upperBound), Self.confirmed], as: [Int64].self)
        guard slots == slots.sorted(), slots.allSatisfy(range.contains) else {
            throw ChainSourceError.inconsistent("getBlocks \(range) listed slots outside the range or out of order")
        }
        return slots
    }

    public func head() async throws -> ChainHead {
        let read = {
            let slot = try await client.call("getSlot", [Self.confirmed], as: Int64.self)
            guard let header = try await header(slot) else {
                throw ChainSourceError.inconsistent("getSlot named slot \(slot), which has no block on this node")
            }
            return ChainHead(
                block: ChainBlock(number: slot, hash: header.blockhash, parentHash: header.previousBlockhash), timestamp: header.blockTime ?? 0)
        }
        guard let maxHeadAge else {
            let head = try await read()
            await client.recordHead(head.block.number)
            return head
        }
        return try await FreshHead.read(client: client, maxAgeSeconds: maxHeadAge, nowMillis: now(), network: network.rawValue, logger: logger) {
            try await read()
        }
    }

    public func finalizedHeight(_ tag: FinalityTag) async throws -> Int64 {
        // Solana's `finalized` is a supermajority root; `safe` has no Solana meaning but the nearest is `confirmed`.
        let commitment = tag == .finalized ? "finalized" : "confirmed"
        return try await client.call("getSlot", [.object(["commitment": .string(commitment)])], as: Int64.self)
    }

    public func block(at number: Int64) async throws -> ChainBlock {
        if let header = try await header(number) {
            return ChainBlock(number: number, hash: header.blockhash, parentHash: header.previousBlockhash)
        }
        // No block here: skipped, if `getBlocks` agrees; a node restored from a snapshot has gaps
        // that are not skipped slots, and those must never be taken for them.
        let earlier = try await blockSlots(max(0, number - Self.skipSearch)...number)
        guard earlier.last != number else {
            throw ChainSourceError.inconsistent("slot \(number) is listed by getBlocks but this node has no block there (a ledger gap)")
        }
        guard let before = earlier.last, let header = try await header(before) else {
            throw ChainSourceError.inconsistent("no block within \(Self.skipSearch) slots before skipped slot \(number)")
        }
        return Self.skipped(number, after: header.blockhash)
    }

    /// A skipped slot: it carries the hash of the block before it.
    static func skipped(_ slot: Int64, after hash: String) -> ChainBlock { ChainBlock(number: slot, hash: hash, parentHash: hash) }

    public func scan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> ScannedRange {
        let slots = try await blockSlots(range)
        guard let firstSlot = slots.first else {
            // A range of skipped slots only: each carries the hash of the block before the range.
            let before = try await block(at: range.upperBound)
            return ScannedRange(blocks: range.map { Self.skipped($0, after: before.hash) }, transfers: [])
        }
        var blocks: [ChainBlock] = []
        var transfers: [ObservedTransfer] = []
        var times: [Int64: Int64] = [:]
        var previousSlot: Int64? = nil
        for slot in slots {
            let block: SolanaBlock
            do {
                block = try await client.call(
                    "getBlock", [.int(slot), Self.blockOptions(details: "accounts")], as: SolanaBlock.self,
                    fast: { SolanaBlockReader.decodeEnvelope($0) })
            } catch RPCError.rpc(_, let code, _) where code == RPCError.slotSkipped || code == RPCError.slotSkippedOrMissingInStorage {
                throw ChainSourceError.inconsistent("slot \(slot) is listed by getBlocks but this node has no block there (a ledger gap)")
            }
            if let previousSlot, block.parentSlot != previousSlot {
                throw ChainSourceError.inconsistent("block \(slot) names parent slot \(block.parentSlot), not \(previousSlot)")
            }
            if slot == firstSlot {
                // getBlocks listed no block before it in the range: its parent lies before the range.
                guard block.parentSlot < range.lowerBound else {
                    throw ChainSourceError.inconsistent("block \(slot) names parent slot \(block.parentSlot), which getBlocks did not list")
                }
                // Skipped slots before the first block carry its parent's hash.
                for s in range.lowerBound..<slot { blocks.append(Self.skipped(s, after: block.previousBlockhash)) }
            } else if let last = blocks.last {
                guard block.previousBlockhash == last.hash else {
                    throw ChainSourceError.inconsistent("block \(slot) does not build on \(last.hash): the chain changed while it was read")
                }
            }
            if let last = blocks.last, last.number + 1 < slot {
                for s in (last.number + 1)..<slot { blocks.append(Self.skipped(s, after: last.hash)) }
            }
            blocks.append(ChainBlock(number: slot, hash: block.blockhash, parentHash: block.previousBlockhash))
            times[slot] = block.blockTime
            previousSlot = slot
            for payment in await watching.solanaPayments(in: block, nativeAsset: nativeAssetID, mints: mints) {
                guard let owner = try? SolanaAddress.parse(payment.owner).matchKey else { continue }
                transfers.append(
                    ObservedTransfer(
                        recipient: owner, assetID: payment.assetID, amount: Amount(baseUnits: payment.amount), txHash: payment.signature,
                        position: payment.accountIndex, blockNumber: slot, blockHash: block.blockhash))
            }
        }
        if let last = blocks.last, last.number < range.upperBound {
            for s in (last.number + 1)...range.upperBound { blocks.append(Self.skipped(s, after: last.hash)) }
        }
        return ScannedRange(blocks: blocks, transfers: transfers, blockTimes: times)
    }

    /// Balances are complete in every block answer; there is nothing to read again.
    public func rescan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> [ObservedTransfer] { [] }
}
