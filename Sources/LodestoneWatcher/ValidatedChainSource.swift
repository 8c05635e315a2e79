import LodestoneChains
import LodestoneCore
import LodestoneDomain

/// Wraps every chain source the scanner uses: each hash a node returned (blocks, parents,
/// transactions) must be a canonical 32-byte hex hash before anything is stored or signed. A node
/// that sends anything else fails the step, which is logged and retried, never skipped.
struct ValidatedChainSource: ChainSource, TransactionLocating {
    let inner: any ChainSource

    var network: NetworkID { inner.network }

    func verifyChain() async throws { try await inner.verifyChain() }

    /// The wrapped source's token reader (token metadata are numbers checked where they are used).
    var tokenReader: (any TokenMetadataReading)? { inner as? any TokenMetadataReading }

    func pinned<T: Sendable>(_ body: () async throws -> T) async throws -> T { try await inner.pinned(body) }

    func head() async throws -> ChainHead {
        let head = try await inner.head()
        try check(head.block)
        return head
    }

    func finalizedHeight(_ tag: FinalityTag) async throws -> Int64 { try await inner.finalizedHeight(tag) }

    func endpointHealth() async -> [(label: String, healthy: Bool, problem: String?)] { await inner.endpointHealth() }

    func endpointHeads() async -> [String: (head: Int64?, stale: Bool)] { await inner.endpointHeads() }

    func block(at number: Int64) async throws -> ChainBlock {
        let block = try await inner.block(at: number)
        try check(block)
        return block
    }

    func scan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> ScannedRange {
        let scanned = try await inner.scan(range, watching: watching)
        for block in scanned.blocks { try check(block) }
        for transfer in scanned.transfers { try check(transfer) }
        return scanned
    }

    func rescan(_ range: ClosedRange<Int64>, watching: AddressWatchList) async throws -> [ObservedTransfer] {
        let transfers = try await inner.rescan(range, watching: watching)
        for transfer in transfers { try check(transfer) }
        return transfers
    }

    func transaction(_ hash: String, inBlock block: Int64?, watching: AddressWatchList) async throws -> TransactionLookup {
        guard let locating = inner as? any TransactionLocating else { throw RepairReadError.noTransactionLookup(network) }
        let found = try await locating.transaction(hash, inBlock: block, watching: watching)
        if case .mined(let number, let blockHash, _, let transfers) = found {
            try check(blockHash, "block hash of block \(number)")
            for transfer in transfers {
                try check(transfer)
                // A transfer of another transaction or block is not an answer to this question.
                guard transfer.txHash == hash, transfer.blockNumber == number, transfer.blockHash == blockHash else {
                    throw ChainSourceError.inconsistent("the read of \(hash) named another transaction or block")
                }
            }
        }
        return found
    }

    private func check(_ block: ChainBlock) throws {
        try check(block.hash, "block hash of block \(block.number)")
        try check(block.parentHash, "parent hash of block \(block.number)")
    }

    private func check(_ transfer: ObservedTransfer) throws {
        try check(transfer.txHash, "transaction hash in block \(transfer.blockNumber)", signature: true)
        try check(transfer.blockHash, "block hash of block \(transfer.blockNumber)")
    }

    private func check(_ hash: String, _ what: String, signature: Bool = false) throws {
        // The value itself is never echoed: it came from the node and may be anything.
        if network.family == .solana {
            let bytes = signature ? 64 : 32
            guard ChainHash.isCanonicalBase58(hash, bytes: bytes) else {
                throw ChainSourceError.malformed("\(network) node sent a \(what) that is not \(bytes) bytes of Base58; nothing was recorded")
            }
            return
        }
        guard ChainHash.isCanonical(hash) else {
            throw ChainSourceError.malformed("\(network) node sent a \(what) that is not a 32-byte hex hash; nothing was recorded")
        }
    }
}
