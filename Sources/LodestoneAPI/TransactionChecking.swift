public import LodestoneCore
public import LodestoneDomain

/// Re-reads one transaction on a watched network and records any deposit the scan missed
/// (`POST /v1/deposits/check`); the composition root answers it with the network's scanner.
public protocol TransactionChecking: Sendable {
    /// The check of `txHash` on `network`; `block` tells a node without a transaction index where
    /// to look. Nil when the network has no scanner in this instance.
    func checkTransaction(network: NetworkID, txHash: String, block: Int64?) async throws -> TransactionCheck?
}
