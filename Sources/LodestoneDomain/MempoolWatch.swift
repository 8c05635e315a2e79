/// The mempool as a watcher follows it between polls: which transactions the last snapshot held,
/// which of them pay watched scripts, and which still have to be read. Pure: the shell lists the
/// mempool, reads the transactions this asks for, and executes the reconciliation against the
/// stored deposits. `Payment` is one output to a watched script, as the chain family reads it.
public struct MempoolWatch<Payment: Sendable & Equatable>: Sendable {
    /// Transaction ids of the last snapshot.
    public private(set) var known: Set<String> = []
    /// Of those, the ones read so far that pay watched scripts, with their payments.
    public private(set) var paying: [String: [Payment]] = [:]
    /// Of those, the ones not read yet (a failed poll, or gone before they could be read).
    public private(set) var unread: Set<String> = []

    /// An empty watch: the first snapshot reads every transaction.
    public init() {}

    /// Takes a new snapshot of the mempool's transaction ids; returns those to read: new since the
    /// last snapshot, or not read then, in the order given.
    public mutating func snapshot(_ txids: [String]) -> [String] {
        var next = Set<String>()
        next.reserveCapacity(txids.count)
        var toRead: [String] = []
        for txid in txids where next.insert(txid).inserted {
            if !known.contains(txid) || unread.contains(txid) { toRead.append(txid) }
        }
        // Transactions gone from the mempool are forgotten; a return is read again.
        paying = paying.filter { next.contains($0.key) }
        known = next
        unread = Set(toRead)
        return toRead
    }

    /// What reading `txid` found: its payments to watched scripts (empty when it pays none), or nil
    /// when it left the mempool before it could be read.
    public mutating func read(_ txid: String, payments: [Payment]?) {
        guard known.contains(txid), let payments else { return }
        unread.remove(txid)
        if payments.isEmpty { paying.removeValue(forKey: txid) } else { paying[txid] = payments }
    }

    /// What to do now, given the stored deposits still unmined (pending or ignored, in no block).
    /// `position` names a payment's output index.
    ///
    /// - Every payment of a transaction in the mempool that is not stored as unmined is recorded:
    ///   first seen, back after a reorg took its block, or back after a withdrawal. Recording is
    ///   idempotent and a mined deposit stays mined, so a repeat changes nothing.
    /// - A stored unmined deposit whose transaction is not in the snapshot left the mempool: it was
    ///   mined, replaced, evicted or double-spent. Only when the scan has caught up with the block
    ///   the node had after the snapshot was taken (`caughtUp`) does "not moved into a block" mean
    ///   "not mined": then its detection is withdrawn. Otherwise the next poll decides.
    public func reconcile(unmined stored: [Deposit], caughtUp: Bool, position: (Payment) -> Int) -> MempoolReconciliation<Payment> {
        var storedKeys = Set<String>()
        for d in stored where d.isUnmined && (d.status == .pending || d.status == .ignored) {
            storedKeys.insert("\(d.txHash):\(d.position)")
        }
        var record: [Payment] = []
        for txid in paying.keys.sorted() {
            for p in paying[txid] ?? [] where !storedKeys.contains("\(txid):\(position(p))") { record.append(p) }
        }
        var withdraw: [Deposit] = []
        if caughtUp {
            withdraw = stored.filter { !known.contains($0.txHash) && DepositRecording.withdrawal($0) != .none }
        }
        return MempoolReconciliation(record: record, withdraw: withdraw)
    }
}

/// What a mempool poll does to the stored deposits.
public struct MempoolReconciliation<Payment: Sendable & Equatable>: Sendable, Equatable {
    /// Payments to record as unmined deposits (`detected`, never credited from the mempool).
    public let record: [Payment]
    /// Unmined deposits whose transaction left the mempool unmined: their detection is withdrawn.
    public let withdraw: [Deposit]
}
