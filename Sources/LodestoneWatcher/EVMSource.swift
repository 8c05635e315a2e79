import Foundation
public import LodestoneChains
public import LodestoneCore
public import LodestoneDomain
public import LodestoneRPC
public import Logging
import Synchronization

/// Reads an EVM network (ethereum, bsc, polygon, base, arbitrum): native transfers from full
/// blocks, ERC-20 `Transfer` logs of the configured contracts from `eth_getLogs`, success from receipts.
public struct EVMSource: ChainSource {
    public let network: NetworkID
    let client: NodeClient
    let expectedChainID: UInt64
    let nativeAssetID: String
    let tokens: [EVMAccount: String]
    /// The `address` filter of `eth_getLogs`, built once.
    let contractFilter: JSONParam
    let maxHeadAge: Int64
    let now: @Sendable () -> Int64
    let logger: Logger
    let logRange: LogRange

    /// A source. `tokens` maps contract to asset id; `maxHeadAgeSeconds` is how old a head may be
    /// before its endpoint counts as stale; `maxLogRange` is the widest `eth_getLogs` range tried.
    public init(
        network: NetworkID, client: NodeClient, expectedChainID: UInt64? = nil, nativeAssetID: String, tokens: [EVMAccount: String],
        maxHeadAgeSeconds: Int64, maxLogRange: Int64 = 2000, now: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.network = network
        let chainID = expectedChainID ?? network.evmChainID ?? 0
        // Every endpoint proves its chain id before its first use, whenever that is.
        self.client = client.checking(Self.identity(network: network, chainID: chainID))
        self.expectedChainID = chainID
        self.nativeAssetID = nativeAssetID
        self.tokens = tokens
        contractFilter = .array(tokens.keys.map { "0x" + Hex.encode($0.bytes) }.sorted().map(JSONParam.string))
        maxHeadAge = maxHeadAgeSeconds
        self.now = now
        self.logger = logger
        logRange = LogRange(max: maxLogRange)
    }

    /// An endpoint serves `network` when its `eth_chainId` is `chainID`.
    static func identity(network: NetworkID, chainID: UInt64) -> EndpointIdentityCheck {
        EndpointIdentityCheck(expected: "chain id \(chainID) (\(network))") { probe in
            let hex = try await probe.call("eth_chainId", [], as: String.self)
            guard let id = HexQuantity.int64(hex).map(UInt64.init) else {
                throw RPCError.malformed(endpoint: probe.label, "eth_chainId is not a hex quantity")
            }
            guard id == chainID else {
                throw RPCError.wrongChain(
                    endpoint: probe.label, expected: "chain id \(chainID) (\(network))", actual: "chain id \(id)")
            }
        }
    }

    public func verifyChain() async throws {
        try await EndpointChecks.verify(client, network: network, logger: logger)
    }

    public func pinned<T: Sendable>(_ body: () async throws -> T) async throws -> T { try await client.pinned(body) }

    /// Each endpoint's label, health and last problem (a refused one names the chain it serves).
    public func endpointHealth() async -> [(label: String, healthy: Bool, problem: String?)] { await client.health() }

    /// Each endpoint's last reported head and whether it was stale.
    public func endpointHeads() async -> [String: (head: Int64?, stale: Bool)] { await client.endpointHeads() }

    public func head() async throws -> ChainHead {
        try await FreshHead.read(client: client, maxAgeSeconds: maxHeadAge, nowMillis: now(), network: network.rawValue, logger: logger) {
            Self.head(try await client.call("eth_getBlockByNumber", [.string("latest"), .bool(false)], as: EVMHeader.self))
        }
    }

    static func head(_ h: EVMHeader) -> ChainHead {
        ChainHead(block: ChainBlock(number: h.number, hash: h.hash, parentHash: h.parentHash), timestamp: h.timestamp)
    }

    public func finalizedHeight(_ tag: FinalityTag) async throws -> Int64 {
        try await client.call("eth_getBlockByNumber", [.string(tag.rawValue), .bool(false)], as: EVMHeader.self).number
    }

    public func block(at number: Int64) async throws -> ChainBlock {
        let h = try await client.call("eth_getBlockByNumber", [.quantity(number), .bool(false)], as: EVMHeader.self)
        guard h.number == number else { throw ChainSourceError.inconsistent("asked for block \(number), got \(h.number)") }
        return ChainBlock(number: h.number, hash: h.hash, parentHash: h.parentHash)
    }

    public func scan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> ScannedRange {
        let blocks = try await client.batch(
            "eth_getBlockByNumber", range.map { [.quantity($0), .bool(true)] }, as: EVMBlock.self, batchSize: 25)
        var hashes: [Int64: String] = [:]
        for (i, block) in blocks.enumerated() {
            let h = block.header
            guard h.number == range.lowerBound + Int64(i) else {
                throw ChainSourceError.inconsistent("asked for block \(range.lowerBound + Int64(i)), got \(h.number)")
            }
            if i > 0, h.parentHash != blocks[i - 1].header.hash {
                throw ChainSourceError.inconsistent("block \(h.number) does not build on the block before it")
            }
            hashes[h.number] = h.hash
        }
        let logs = try await transferLogs(range, hashes: hashes)
        let candidates = blocks.flatMap { $0.transactions.compactMap(\.to) } + logs.map(\.to)
        let watched = await watching.watched(among: candidates)
        var natives: [(EVMTransaction, EVMHeader)] = []
        for block in blocks {
            for tx in block.transactions { if let to = tx.to, watched.contains(to) { natives.append((tx, block.header)) } }
        }
        let tokenLogs = logs.filter { watched.contains($0.to) }
        let receipts = try await self.receipts(for: natives.map(\.0.hash) + tokenLogs.map(\.transactionHash), hashes: hashes)
        var transfers: [ObservedTransfer] = []
        for (tx, header) in natives {
            guard let receipt = receipts[tx.hash], let to = tx.to else { continue }
            guard receipt.succeeded else {
                logger.info("failed transaction to a watched address ignored", metadata: ["network": "\(network)", "tx": "\(tx.hash)"])
                continue
            }
            transfers.append(
                ObservedTransfer(
                    recipient: to.bytes, assetID: nativeAssetID, amount: tx.value, txHash: tx.hash, position: ObservedTransfer.nativePosition,
                    blockNumber: header.number, blockHash: header.hash, sender: tx.from?.bytes))
        }
        transfers += try tokenTransfers(tokenLogs, receipts: receipts)
        return ScannedRange(
            blocks: blocks.map { ChainBlock(number: $0.header.number, hash: $0.header.hash, parentHash: $0.header.parentHash) }, transfers: transfers,
            blockTimes: Dictionary(blocks.map { ($0.header.number, $0.header.timestamp) }, uniquingKeysWith: { a, _ in a }))
    }

    public func rescan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> [ObservedTransfer] {
        let logs = try await transferLogs(range, hashes: nil)
        let watched = await watching.watched(among: logs.map(\.to))
        let tokenLogs = logs.filter { watched.contains($0.to) }
        let receipts = try await self.receipts(for: tokenLogs.map(\.transactionHash), hashes: nil)
        return try tokenTransfers(tokenLogs, receipts: receipts)
    }

    func tokenTransfers(_ logs: [ERC20TransferLog], receipts: [String: EVMReceipt]) throws -> [ObservedTransfer] {
        try logs.compactMap { log in
            guard let asset = tokens[log.contract], let receipt = receipts[log.transactionHash], receipt.succeeded else { return nil }
            // The log's place in its own transaction survives a reorg that moves the transaction.
            guard let position = receipt.position(ofLog: log.logIndex) else {
                throw ChainSourceError.inconsistent("receipt of \(log.transactionHash) lacks log \(log.logIndex)")
            }
            return ObservedTransfer(
                recipient: log.to.bytes, assetID: asset, amount: log.value, txHash: log.transactionHash, position: position,
                blockNumber: log.blockNumber, blockHash: log.blockHash, sender: log.from.bytes)
        }
    }

    /// Transfer logs of the configured contracts over `range`, split into ranges the provider accepts.
    func transferLogs(_ range: ClosedRange<Int64>, hashes: [Int64: String]?) async throws -> [ERC20TransferLog] {
        guard !tokens.isEmpty else { return [] }
        var out: [ERC20TransferLog] = []
        var from = range.lowerBound
        while from <= range.upperBound {
            let to = min(range.upperBound, from + logRange.current - 1)
            do {
                let batch = try await client.call(
                    "eth_getLogs",
                    [
                        .object([
                            "fromBlock": .quantity(from), "toBlock": .quantity(to),
                            "address": contractFilter,
                            "topics": .array([.string(ERC20TransferLog.topic)]),
                        ])
                    ], as: ERC20TransferBatch.self, fast: ERC20LogScanner.decodeEnvelope)
                if batch.skipped > 0 {
                    logger.warning("malformed Transfer logs skipped", metadata: ["network": "\(network)", "count": "\(batch.skipped)"])
                }
                for log in batch.transfers {
                    guard !log.removed, (from...to).contains(log.blockNumber) else {
                        throw ChainSourceError.inconsistent("log outside \(from)...\(to) or removed")
                    }
                    if let hashes, hashes[log.blockNumber] != log.blockHash {
                        throw ChainSourceError.inconsistent("log of block \(log.blockNumber) from another block hash")
                    }
                }
                out += batch.transfers
                logRange.succeeded()
                from = to + 1
            } catch let error as RPCError where to > from {
                // Providers cap ranges and result counts; halve and try again.
                logRange.failed(width: to - from + 1)
                logger.info(
                    "eth_getLogs range reduced",
                    metadata: ["network": "\(network)", "range": "\(logRange.current)", "error": "\(error)"])
            }
        }
        return out
    }

    func receipts(for txs: [String], hashes: [Int64: String]?) async throws -> [String: EVMReceipt] {
        let unique = Array(Set(txs)).sorted()
        guard !unique.isEmpty else { return [:] }
        let receipts = try await client.batch("eth_getTransactionReceipt", unique.map { [.string($0)] }, as: EVMReceipt.self)
        var out: [String: EVMReceipt] = [:]
        for r in receipts {
            if let hashes, !hashes.values.contains(r.blockHash) {
                throw ChainSourceError.inconsistent("receipt of \(r.transactionHash) from block \(r.blockHash)")
            }
            out[r.transactionHash] = r
        }
        return out
    }
}

/// The `eth_getLogs` range width that currently works: halved when a provider refuses, grown back on success.
final class LogRange: Sendable {
    private let width: Mutex<Int64>
    let max: Int64

    init(max: Int64) {
        self.max = Swift.max(1, max)
        width = Mutex(self.max)
    }

    var current: Int64 { width.withLock { $0 } }
    func failed(width failed: Int64) { width.withLock { $0 = Swift.max(1, Swift.min($0, failed) / 2) } }
    func succeeded() { width.withLock { $0 = Swift.min(max, $0 + Swift.max(1, $0 / 4)) } }
}
