import Foundation
public import LodestoneChains
public import LodestoneCore
public import LodestoneDomain
public import LodestoneRPC
public import Logging

/// Reads a Bitcoin network from Bitcoin Core's JSON-RPC, read only (no wallet, no `-txindex`): the
/// best chain by `getblockcount`/`getblockhash`/`getblockheader`, and each block's outputs from
/// `getblock <hash> 2`, matched on their exact script bytes.
public struct BitcoinSource: ChainSource {
    public let network: NetworkID
    let client: NodeClient
    let assetID: String
    /// How old a head may be before its endpoint counts as stale; nil: never (regtest and test
    /// networks mine irregularly).
    let maxHeadAge: Int64?
    let now: @Sendable () -> Int64
    let logger: Logger

    /// Confirmations before a coinbase output can be spent (consensus rule).
    public static let coinbaseMaturity = 100

    /// A source for `network`, crediting outputs as `assetID`.
    public init(
        network: NetworkID, client: NodeClient, assetID: String, maxHeadAgeSeconds: Int64?, now: @escaping @Sendable () -> Int64,
        logger: Logger
    ) {
        self.network = network
        self.client = client.checking(Self.identity(network))
        self.assetID = assetID
        maxHeadAge = maxHeadAgeSeconds
        self.now = now
        self.logger = logger
    }

    /// The `getblockchaininfo.chain` names a network's node may report.
    public static func chainNames(_ network: NetworkID) -> [String] {
        switch network {
        case .bitcoin: return ["main"]
        case .bitcoinTestnet: return ["test"]
        case .bitcoinTestnet4: return ["testnet4"]
        case .bitcoinSignet: return ["signet"]
        case .bitcoinRegtest: return ["regtest"]
        default: return []
        }
    }

    struct ChainInfo: Decodable, Sendable { let chain: String }

    /// An endpoint serves `network` when its `getblockchaininfo.chain` is one of the network's names.
    static func identity(_ network: NetworkID) -> EndpointIdentityCheck {
        let names = chainNames(network)
        let expected = "chain \(names.joined(separator: " or ")) (\(network))"
        return EndpointIdentityCheck(expected: expected) { probe in
            let chain = try await probe.call("getblockchaininfo", [], as: ChainInfo.self).chain
            guard names.contains(chain) else {
                throw RPCError.wrongChain(endpoint: probe.label, expected: expected, actual: "chain \(chain)")
            }
        }
    }

    public func verifyChain() async throws {
        try await EndpointChecks.verify(client, network: network, logger: logger)
    }

    public func pinned<T: Sendable>(_ body: () async throws -> T) async throws -> T { try await client.pinned(body) }

    /// Each endpoint's label, health and last problem.
    public func endpointHealth() async -> [(label: String, healthy: Bool, problem: String?)] { await client.health() }

    /// Each endpoint's last reported head and whether it was stale.
    public func endpointHeads() async -> [String: (head: Int64?, stale: Bool)] { await client.endpointHeads() }

    struct Header: Decodable, Sendable {
        let hash: String
        let height: Int64
        let previousblockhash: String?
        let time: Int64
    }

    /// The parent named for the genesis block, which has none.
    static let noParent = String(repeating: "0", count: 64)

    static func block(_ h: Header) -> ChainBlock {
        ChainBlock(number: h.height, hash: h.hash, parentHash: h.previousblockhash ?? noParent)
    }

    func header(at height: Int64) async throws -> Header {
        let hash = try await client.call("getblockhash", [.int(height)], as: String.self)
        let header = try await client.call("getblockheader", [.string(hash), .bool(true)], as: Header.self)
        guard header.hash == hash, header.height == height else {
            throw ChainSourceError.inconsistent("getblockheader \(hash) answered block \(header.height) \(header.hash)")
        }
        return header
    }

    public func head() async throws -> ChainHead {
        let read = {
            let height = try await client.call("getblockcount", [], as: Int64.self)
            let header = try await header(at: height)
            return ChainHead(block: Self.block(header), timestamp: header.time)
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
        throw ChainSourceError.malformed("\(network): Bitcoin has no \(tag.rawValue) tag; it counts confirmations")
    }

    public func block(at number: Int64) async throws -> ChainBlock {
        Self.block(try await header(at: number))
    }

    public func scan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> ScannedRange {
        let hashes = try await client.batch("getblockhash", range.map { [.int($0)] }, as: String.self)
        var blocks: [ChainBlock] = []
        var transfers: [ObservedTransfer] = []
        var times: [Int64: Int64] = [:]
        for (height, hash) in zip(range, hashes) {
            // One at a time: a full block at verbosity 2 can be tens of megabytes.
            let block = try await client.call(
                "getblock", [.string(hash), .int(2)], as: BitcoinBlock.self, fast: { BitcoinBlockReader.decodeEnvelope($0) })
            guard block.hash == hash, block.height == height else {
                throw ChainSourceError.inconsistent("getblock \(hash) answered block \(block.height) \(block.hash)")
            }
            let chained = ChainBlock(number: height, hash: block.hash, parentHash: block.previousHash ?? Self.noParent)
            if let last = blocks.last, chained.parentHash != last.hash {
                throw ChainSourceError.inconsistent("block \(height) does not build on \(last.hash): the chain changed while it was read")
            }
            blocks.append(chained)
            times[height] = block.time
            for (index, output) in await watching.watchedOutputs(of: block) {
                let tx = block.transactions[index]
                transfers.append(
                    ObservedTransfer(
                        recipient: output.script, assetID: assetID, amount: output.amount, txHash: tx.txid,
                        position: output.n, blockNumber: height, blockHash: block.hash, sender: nil,
                        minimumConfirmations: tx.isCoinbase ? Self.coinbaseMaturity : 0))
            }
        }
        return ScannedRange(blocks: blocks, transfers: transfers, blockTimes: times)
    }

    /// Outputs are complete in every block answer; there is nothing to read again.
    public func rescan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> [ObservedTransfer] { [] }
}
