public import LodestoneChains
public import LodestoneCore
public import LodestoneDomain
import LodestoneRPC
import Logging

/// The head of a chain as one endpoint reports it.
public struct ChainHead: Sendable, Equatable {
    /// The block.
    public let block: ChainBlock
    /// Its timestamp, unix seconds.
    public let timestamp: Int64

    /// A head.
    public init(block: ChainBlock, timestamp: Int64) {
        self.block = block
        self.timestamp = timestamp
    }
}

/// What scanning a range of blocks found.
public struct ScannedRange: Sendable {
    /// The blocks, ascending.
    public let blocks: [ChainBlock]
    /// Transfers to watched accounts.
    public let transfers: [ObservedTransfer]
    /// Each block's production time, unix seconds, where the node says (for the detection latency).
    public let blockTimes: [Int64: Int64]

    /// A result.
    public init(blocks: [ChainBlock], transfers: [ObservedTransfer], blockTimes: [Int64: Int64] = [:]) {
        self.blocks = blocks
        self.transfers = transfers
        self.blockTimes = blockTimes
    }
}

/// One chain family's way of reading blocks. The scan loop (cursor, reorgs, commits) and the
/// confirmation tracker are shared; a family supplies only this. Bitcoin (outputs) and Solana
/// (slots, whose parent is named by slot) fit the same shape.
public protocol ChainSource: Sendable {
    /// The network read.
    var network: NetworkID { get }
    /// Checks the endpoints serve the configured chain: an endpoint on another chain is refused for
    /// good (the network runs on the others); throws `wrongChain` when every endpoint is refused,
    /// and a transport error while none could be checked. Unreachable endpoints are checked before
    /// their first use.
    func verifyChain() async throws
    /// Runs `body` with every node call pinned to one endpoint, so answers of nodes that disagree
    /// are never mixed within it.
    func pinned<T: Sendable>(_ body: () async throws -> T) async throws -> T
    /// The current head (the source fails over from stale endpoints itself).
    func head() async throws -> ChainHead
    /// The node's finalized (or safe) height, when the network is configured to wait for it.
    func finalizedHeight(_ tag: FinalityTag) async throws -> Int64
    /// The canonical block at `number`.
    func block(at number: Int64) async throws -> ChainBlock
    /// Blocks `range` and the transfers in them to accounts of `watching`.
    func scan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> ScannedRange
    /// Token transfers in `range` read again (the back-up pass over final blocks).
    func rescan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> [ObservedTransfer]
    /// Each endpoint's label, health and last problem.
    func endpointHealth() async -> [(label: String, healthy: Bool, problem: String?)]
    /// Each endpoint's last reported head and whether it was refused as stale, by label.
    func endpointHeads() async -> [String: (head: Int64?, stale: Bool)]
}

extension ChainSource {
    /// Sources that do not track heads per endpoint report none.
    public func endpointHeads() async -> [String: (head: Int64?, stale: Bool)] { [:] }
}

/// Which node tag stands for "final" when a network waits for finality instead of counting blocks.
public enum FinalityTag: String, Sendable, CaseIterable {
    case finalized, safe
}

/// Errors a source raises about the chain itself (not the transport).
public enum ChainSourceError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The answers do not fit together (a block's logs from another block hash, a broken parent link):
    /// the node is mid-reorg or inconsistent; the step is retried.
    case inconsistent(String)
    /// An endpoint serves another chain: the network refuses to run.
    case wrongChain(String)
    /// A node sent a value that is not what it must be (a hash that is not 32 bytes of hex).
    case malformed(String)

    public var description: String {
        switch self {
        case .inconsistent(let why): return "inconsistent node answers: \(why)"
        case .malformed(let why): return why
        case .wrongChain(let why): return why
        }
    }
}

/// The token contracts of a network's assets, as the 20-byte accounts logs name them.
public enum TokenContracts {
    /// Contract account → asset id, for the EVM and Tron assets among `assets` that are tokens.
    public static func byAccount(_ assets: [Asset]) -> [EVMAccount: String] {
        var out: [EVMAccount: String] = [:]
        for asset in assets {
            guard let contract = asset.contract else { continue }
            let account = asset.network.family == .tron ? TronAccount.parse(contract) : EVMAccount(hex: Substring(contract))
            if let account { out[account] = asset.id }
        }
        return out
    }
}

/// The start-up check of a network's endpoints, shared by every family.
enum EndpointChecks {
    static func verify(_ client: NodeClient, network: NetworkID, logger: Logger) async throws {
        let (verified, refused, unreachable) = await client.verifyEndpoints()
        let total = await client.endpointLabels.count
        if refused.count == total {
            throw ChainSourceError.wrongChain("every \(network) endpoint serves another chain: " + refused.joined(separator: "; "))
        }
        if verified == 0 { throw RPCError.exhausted(unreachable) }
        for failure in unreachable {
            logger.warning("endpoint not reachable at start; it is checked before its first use", metadata: ["network": "\(network)", "error": "\(failure)"])
        }
    }
}
