public import LodestoneCore

/// What recording a transfer, or rolling its block back, does to the deposit it is: decided here, so
/// that every store executes the same rules. A transfer is one deposit for good, keyed by its
/// network, transaction and position, whichever blocks it is seen in.
public enum DepositRecording {
    /// What to do with a transfer seen in a block.
    public enum Decision: Sendable, Equatable {
        /// A new deposit with this status; a pending one is `detected` by the ledger.
        case insert(status: DepositStatus, ignoredReason: String?)
        /// Seen again in the block stored: nothing changes.
        case unchanged
        /// Seen in another block while pending, confirmed or ignored: it moves there, status kept.
        case move
        /// Orphaned by a reorg and included again: it comes back with this status (pending ones are
        /// `detected` again under the cause `"<id>.<block hash>"`).
        case revive(status: DepositStatus, ignoredReason: String?)
        /// Its credit was reversed and it is included again: the ledger `restored`s it, to be
        /// credited once more.
        case restore
    }

    /// What rolling back the block of a deposit does to it.
    public enum Rollback: Sendable, Equatable {
        /// An ignored deposit is simply orphaned (it moved no money).
        case orphanIgnored
        /// A pending one is orphaned by the ledger.
        case orphan
        /// A credited one is reversed by the ledger: its credit is taken back.
        case reverse
        /// Already off the chain: nothing to do.
        case none
    }

    /// Why a transfer is recorded but never credited, if it is: the scanner's reason (an operator's
    /// own transfer), else an amount below the asset's minimum (dust, address poisoning).
    public static func ignoredReason(_ o: DepositObservation, minimum: Amount) -> String? {
        o.ignoreReason ?? (o.amount < minimum || o.amount == .zero ? "below the asset's minimum" : nil)
    }

    /// The decision for transfer `o`, given the deposit already stored for it, if any.
    public static func decide(_ o: DepositObservation, minimum: Amount, existing: Deposit?) -> Decision {
        let reason = ignoredReason(o, minimum: minimum)
        let status: DepositStatus = reason == nil ? .pending : .ignored
        guard let existing else { return .insert(status: status, ignoredReason: reason) }
        // The mempool never outranks a block: a transaction mined meanwhile stays where it was mined.
        if o.isUnmined, !existing.isUnmined, existing.status != .orphaned, existing.status != .reversed { return .unchanged }
        switch existing.status {
        case .orphaned: return .revive(status: status, ignoredReason: reason)
        case .reversed: return .restore
        case .pending, .confirmed, .ignored: return existing.blockHash == o.blockHash ? .unchanged : .move
        }
    }

    /// The decision for a deposit whose block a reorg abandoned.
    public static func rollback(_ d: Deposit) -> Rollback {
        switch d.status {
        case .ignored: return .orphanIgnored
        case .pending: return .orphan
        case .confirmed: return .reverse
        case .orphaned, .reversed: return .none
        }
    }

    /// What happens to an unmined deposit whose transaction left the mempool without being mined
    /// (replaced, evicted, or conflicted by a block): its detection is withdrawn.
    public static func withdrawal(_ d: Deposit) -> Rollback {
        guard d.isUnmined else { return .none }
        switch d.status {
        case .ignored: return .orphanIgnored
        case .pending: return .orphan
        case .confirmed, .orphaned, .reversed: return .none
        }
    }

    /// The ledger cause of a deposit seen again in block `blockHash`, unique per inclusion.
    public static func cause(depositID: String, blockHash: String) -> String { "\(depositID).\(blockHash)" }

    /// The ledger cause of deposit `depositID` seen again in `o` at `at`: its block, or for the
    /// mempool (which has no block to name) the time, so each return to the mempool is its own.
    public static func cause(depositID: String, observation o: DepositObservation, at: Int64) -> String {
        o.isUnmined ? "\(depositID).mempool.\(at)" : cause(depositID: depositID, blockHash: o.blockHash)
    }

    /// The ledger cause of withdrawing deposit `depositID`'s detection at `at`.
    public static func withdrawalCause(at: Int64) -> String { "mempool.\(at)" }
}
