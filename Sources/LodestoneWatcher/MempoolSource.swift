public import LodestoneChains

/// A chain whose pending transactions can be listed and read: the Bitcoin mempool. The scanner
/// follows it between block steps to show payments before they are mined, never to credit them.
public protocol MempoolSource: Sendable {
    /// Whether the node has loaded its mempool (a node just started lists an incomplete one).
    func mempoolLoaded() async throws -> Bool
    /// The ids of the transactions in the mempool now.
    func mempoolTransactionIDs() async throws -> [String]
    /// The hash of the node's best block.
    func bestBlockHash() async throws -> String
    /// Reads `txids`: the outputs of each to scripts of `watching`, and those no longer in the mempool.
    func mempoolTransfers(_ txids: [String], watching: AddressWatchList) async throws -> MempoolRead
}

/// What reading some mempool transactions found.
public struct MempoolRead: Sendable, Equatable {
    /// Every transaction read, with its outputs to watched scripts (empty when it pays none); block
    /// number `Deposit.unminedBlockNumber`, no block hash.
    public var payments: [String: [ObservedTransfer]] = [:]
    /// Transactions gone from the mempool before they could be read.
    public var gone: [String] = []

    /// A result.
    public init(payments: [String: [ObservedTransfer]] = [:], gone: [String] = []) {
        self.payments = payments
        self.gone = gone
    }
}
