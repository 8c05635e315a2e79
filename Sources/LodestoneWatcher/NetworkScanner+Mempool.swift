public import LodestoneChains
import LodestoneCore
import Logging
public import LodestoneDomain

/// What one mempool poll did.
public struct MempoolPollOutcome: Sendable, Equatable {
    /// Transactions in the mempool.
    public let transactions: Int
    /// Transactions read this poll (new since the last one).
    public let read: Int
    /// Deposits detected (first seen, or seen again) from the mempool.
    public let detected: Int
    /// Detections withdrawn: their transactions left the mempool unmined.
    public let withdrawn: Int
}

extension NetworkScanner {
    /// One mempool poll, when the network follows one: lists the mempool, reads the transactions new
    /// since `watch`'s last snapshot, records payments to watched scripts as unmined deposits
    /// (`detected`, never credited from here) and withdraws the detections of transactions that
    /// left the mempool unmined. Every decision is `MempoolWatch`'s. Nil when the network has no
    /// mempool followed or the node has not loaded it yet.
    @discardableResult
    public func pollMempool(_ watch: inout MempoolWatch<ObservedTransfer>) async throws -> MempoolPollOutcome? {
        guard let mempool else { return nil }
        return try await source.pinned { () async throws -> MempoolPollOutcome? in
            guard try await mempool.mempoolLoaded() else {
                logger.info("the node has not loaded its mempool yet; mempool polling waits", metadata: ["network": "\(network)"])
                return nil
            }
            let txids = try await mempool.mempoolTransactionIDs()
            // Read after the listing: a block found in between makes the scan look behind, never ahead.
            let best = try await mempool.bestBlockHash()
            for hash in txids + [best] where !ChainHash.isCanonical(hash) {
                throw ChainSourceError.malformed("\(network) node listed a mempool transaction or best block that is not a 32-byte hex hash")
            }
            let toRead = watch.snapshot(txids)
            if !toRead.isEmpty {
                try await watchList.refresh()
                // In chunks, so that a failure part way keeps what was read.
                var start = 0
                while start < toRead.count {
                    let chunk = Array(toRead[start..<min(start + 2000, toRead.count)])
                    start += chunk.count
                    let read = try await mempool.mempoolTransfers(chunk, watching: watchList)
                    for (txid, payments) in read.payments { watch.read(txid, payments: payments) }
                    for txid in read.gone { watch.read(txid, payments: nil) }
                }
            }
            let caughtUp = try await ledger.scanCursor(network: network)?.hash == best
            let plan = watch.reconcile(unmined: try await ledger.unminedDeposits(network: network), caughtUp: caughtUp) { $0.position }
            var detected = 0
            for scanned in try await observations(plan.record) {
                let (deposit, created) = try await ledger.recordDeposit(scanned.observation, minimum: scanned.minimum, now: now())
                guard created else { continue }
                detected += 1
                logger.info(
                    "deposit detected in the mempool",
                    metadata: [
                        "network": "\(network)", "deposit": "\(deposit.id)", "asset": "\(deposit.assetID)", "amount": "\(deposit.amount)",
                        "status": "\(deposit.status.rawValue)", "tx": "\(deposit.txHash)",
                    ])
            }
            var withdrawn = 0
            for d in plan.withdraw {
                guard try await ledger.withdrawUnmined(depositID: d.id, now: now()) != nil else { continue }
                withdrawn += 1
                logger.warning(
                    "a detected deposit's transaction left the mempool unmined (replaced, evicted or double-spent): detection withdrawn",
                    metadata: ["network": "\(network)", "deposit": "\(d.id)", "amount": "\(d.amount)", "tx": "\(d.txHash)"])
            }
            return MempoolPollOutcome(transactions: txids.count, read: toRead.count, detected: detected, withdrawn: withdrawn)
        }
    }
}
