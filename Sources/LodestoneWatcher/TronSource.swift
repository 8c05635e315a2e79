import Foundation
public import LodestoneChains
public import LodestoneCore
public import LodestoneDomain
public import LodestoneRPC
public import Logging

/// Reads Tron through a java-tron full node's HTTP API. TRX comes from `/wallet/getblockbynum`
/// (`TransferContract` with `contractRet` SUCCESS only), never from `/jsonrpc`, whose transaction
/// view reports TRC-10 transfers with the same fields as TRX. TRC-20 transfers come from
/// `/wallet/gettransactioninfobyblocknum` logs of transactions whose receipt is SUCCESS.
public struct TronSource: ChainSource {
    public let network: NetworkID
    let client: NodeClient
    let nativeAssetID: String
    let tokens: [EVMAccount: String]
    let maxHeadAge: Int64
    let genesisSuffix: String
    let now: @Sendable () -> Int64
    let logger: Logger

    /// Mainnet's genesis block id ends with its chain id, 2b6653dc (Nile cd8690dc, Shasta 94a9059e).
    public static let mainnetGenesisSuffix = "2b6653dc"

    /// The chain id a network's genesis block id ends with (what `eth_chainId` reports on it).
    public static func genesisSuffix(of network: NetworkID) -> String? {
        switch network {
        case .tron: return mainnetGenesisSuffix
        case .tronNile: return "cd8690dc"
        case .tronShasta: return "94a9059e"
        default: return nil
        }
    }
    /// Solidified blocks: a block is final once 19 of the 27 super representatives built on it.
    static let solidificationDepth: Int64 = 19

    /// A source; `tokens` maps TRC-20 contracts to asset ids.
    public init(
        network: NetworkID = .tron, client: NodeClient, nativeAssetID: String, tokens: [EVMAccount: String], maxHeadAgeSeconds: Int64,
        genesisSuffix: String? = nil, now: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.network = network
        let suffix = (genesisSuffix ?? Self.genesisSuffix(of: network) ?? Self.mainnetGenesisSuffix).lowercased()
        // Every endpoint proves its genesis before its first use, whenever that is.
        self.client = client.checking(
            EndpointIdentityCheck(expected: "genesis …\(suffix)") { probe in
                let genesis = try await probe.post(path: "/wallet/getblockbynum", json: TronSource.body(0), as: TronBlock.self)
                guard genesis.hash.hasSuffix(suffix) else {
                    throw RPCError.wrongChain(
                        endpoint: probe.label, expected: "genesis …\(suffix)",
                        actual: "the chain whose genesis is \(genesis.hash)")
                }
            })
        self.nativeAssetID = nativeAssetID
        self.tokens = tokens
        maxHeadAge = maxHeadAgeSeconds
        self.genesisSuffix = suffix
        self.now = now
        self.logger = logger
    }

    static func body(_ num: Int64) -> Data { (try? JSONEncoder().encode(["num": num])) ?? Data() }

    /// Each endpoint's label, health and last problem.
    public func endpointHealth() async -> [(label: String, healthy: Bool, problem: String?)] { await client.health() }

    /// Each endpoint's last reported head and whether it was stale.
    public func endpointHeads() async -> [String: (head: Int64?, stale: Bool)] { await client.endpointHeads() }

    public func verifyChain() async throws {
        try await EndpointChecks.verify(client, network: network, logger: logger)
    }

    public func pinned<T: Sendable>(_ body: () async throws -> T) async throws -> T { try await client.pinned(body) }

    public func head() async throws -> ChainHead {
        try await FreshHead.read(client: client, maxAgeSeconds: maxHeadAge, nowMillis: now(), network: "tron", logger: logger) {
            Self.head(try await client.post(path: "/wallet/getnowblock", json: Data("{}".utf8), as: TronBlock.self))
        }
    }

    static func head(_ b: TronBlock) -> ChainHead {
        ChainHead(block: ChainBlock(number: b.number, hash: b.hash, parentHash: b.parentHash), timestamp: b.timestampMillis / 1000)
    }

    public func finalizedHeight(_ tag: FinalityTag) async throws -> Int64 {
        try await head().block.number - Self.solidificationDepth
    }

    func fetchBlock(_ n: Int64) async throws -> TronBlock {
        let b = try await client.post(path: "/wallet/getblockbynum", json: Self.body(n), as: TronBlock.self)
        guard b.number == n else { throw ChainSourceError.inconsistent("asked for block \(n), got \(b.number)") }
        return b
    }

    func infos(_ n: Int64) async throws -> [TronTransactionInfo] {
        try await client.post(path: "/wallet/gettransactioninfobyblocknum", json: Self.body(n), as: TronInfoList.self).items
    }

    public func block(at number: Int64) async throws -> ChainBlock {
        let b = try await fetchBlock(number)
        return ChainBlock(number: b.number, hash: b.hash, parentHash: b.parentHash)
    }

    public func scan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> ScannedRange {
        // Fetched in parallel (Tron makes a block every 3 s; one at a time falls behind), used in order.
        let fetched = try await withThrowingTaskGroup(of: (Int64, TronBlock, [TronTransactionInfo]).self) { group in
            for n in range { group.addTask { (n, try await fetchBlock(n), try await infos(n)) } }
            var out: [Int64: (TronBlock, [TronTransactionInfo])] = [:]
            for try await (n, block, infos) in group { out[n] = (block, infos) }
            return out
        }
        var blocks: [ChainBlock] = []
        var natives: [(TronBlock.TRXTransfer, TronBlock)] = []
        var tokenTransfers: [(TronTransactionInfo, TronTransactionInfo.TokenTransfer, TronBlock)] = []
        for n in range {
            guard let (block, infos) = fetched[n] else { throw ChainSourceError.inconsistent("block \(n) missing") }
            if let previous = blocks.last, block.parentHash != previous.hash {
                throw ChainSourceError.inconsistent("block \(n) does not build on the block before it")
            }
            let ids = Set(block.transactionIDs)
            for info in infos where !ids.contains(info.id) {
                throw ChainSourceError.inconsistent("transaction info \(info.id) is not in block \(n) \(block.hash)")
            }
            blocks.append(ChainBlock(number: block.number, hash: block.hash, parentHash: block.parentHash))
            natives += block.transfers.map { ($0, block) }
            for info in infos { tokenTransfers += info.transfers.map { (info, $0, block) } }
        }
        let watched = await watching.watched(among: natives.map(\.0.to) + tokenTransfers.map(\.1.to))
        var out: [ObservedTransfer] = natives.filter { watched.contains($0.0.to) }.map { t, block in
            ObservedTransfer(
                recipient: TronAccount.matchKey(t.to), assetID: nativeAssetID, amount: t.amount, txHash: t.txID,
                position: ObservedTransfer.nativePosition, blockNumber: block.number, blockHash: block.hash, sender: t.from?.bytes)
        }
        out += tokenTransfers.compactMap { info, t, block in
            guard watched.contains(t.to), let asset = tokens[t.contract] else { return nil }
            return ObservedTransfer(
                recipient: TronAccount.matchKey(t.to), assetID: asset, amount: t.value, txHash: info.id, position: t.position,
                blockNumber: block.number, blockHash: block.hash, sender: t.from?.bytes)
        }
        var times: [Int64: Int64] = [:]
        for (n, (block, _)) in fetched { times[n] = block.timestampMillis / 1000 }
        return ScannedRange(blocks: blocks, transfers: out, blockTimes: times)
    }

    public func rescan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> [ObservedTransfer] {
        var out: [ObservedTransfer] = []
        for n in range {
            let block = try await fetchBlock(n)
            let transfers = try await infos(n).flatMap { info in info.transfers.map { (info, $0) } }
            let watched = await watching.watched(among: transfers.map(\.1.to))
            out += transfers.compactMap { info, t in
                guard watched.contains(t.to), let asset = tokens[t.contract] else { return nil }
                return ObservedTransfer(
                    recipient: TronAccount.matchKey(t.to), assetID: asset, amount: t.value, txHash: info.id, position: t.position,
                    blockNumber: block.number, blockHash: block.hash, sender: t.from?.bytes)
            }
        }
        return out
    }
}

/// `/wallet/gettransactioninfobyblocknum` answers `[]`, a list, or `{}` for a block without transactions.
struct TronInfoList: Decodable, Sendable {
    let items: [TronTransactionInfo]

    init(from decoder: any Decoder) throws {
        if let list = try? decoder.singleValueContainer().decode([TronTransactionInfo].self) {
            items = list
            return
        }
        let c = try decoder.container(keyedBy: AnyKey.self)
        if c.allKeys.isEmpty {
            items = []
            return
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "neither a list nor an empty object"))
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
