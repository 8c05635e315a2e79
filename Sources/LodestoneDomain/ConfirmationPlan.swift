/// Which deposits the tracker moves on: their new confirmation counts and which are credited now.
public enum ConfirmationPlan {
    /// How the network decides that a block is final.
    public enum Finality: Sendable, Equatable {
        /// By counting blocks against each asset's threshold.
        case counting
        /// By the node's finalized (or safe) tag, checked to be on the scanned chain at this height.
        case tagged(Int64)
    }

    /// What to do with one pending deposit.
    public struct Step: Sendable, Equatable {
        /// The deposit.
        public let depositID: String
        /// Its new confirmation count, when it changed.
        public let confirmations: Int?
        /// Whether it is credited now.
        public let credit: Bool

        /// A step.
        public init(depositID: String, confirmations: Int?, credit: Bool) {
            self.depositID = depositID
            self.confirmations = confirmations
            self.credit = credit
        }
    }

    /// The steps for `pending` deposits when the scanned tip is `tip`. Only blocks the scan has
    /// linked by parent hash count, so the tip is the scan's, never the node's head. A deposit whose
    /// asset has no threshold is left pending (it is counted, never credited by a guess). Assets in
    /// `counted` count blocks against their threshold whatever the network's finality (a Solana
    /// asset credited at `confirmed`, or by a slot count).
    public static func decide(
        tip: Int64, pending: [Deposit], thresholds: [String: ConfirmationThreshold], finality: Finality, counted: Set<String> = []
    ) -> [Step] {
        var steps: [Step] = []
        // An unmined deposit has no block: nothing to count, never credited from the mempool.
        for d in pending where !d.isUnmined && d.blockNumber <= tip {
            let confirmations = ConfirmationRule.confirmations(head: tip, height: d.blockNumber)
            let ready: Bool
            switch counted.contains(d.assetID) ? .counting : finality {
            case .tagged(let final):
                ready = d.blockNumber <= min(final, tip) && confirmations >= d.minimumConfirmations
            case .counting:
                if let threshold = thresholds[d.assetID] {
                    ready = confirmations >= max(threshold.required(for: d.amount), d.minimumConfirmations)
                } else {
                    ready = false
                }
            }
            let changed = confirmations != d.confirmations ? confirmations : nil
            if changed != nil || ready { steps.append(Step(depositID: d.id, confirmations: changed, credit: ready)) }
        }
        return steps
    }
}

/// The back-up pass: which final range to re-read next, and whether a transfer it finds lies on the
/// chain the scan stored.
public enum BackUpPassPlan {
    /// What the pass does now.
    public enum Next: Sendable, Equatable {
        /// The pass has no marker yet (it predates the scan's anchor): start it at this height.
        case begin(at: Int64)
        /// Nothing is final beyond what was re-read.
        case wait
        /// Re-read these blocks, then set the marker to the range's end.
        case read(ClosedRange<Int64>)
    }

    /// A transfer found again, judged against the stored hash of its block.
    public enum Verdict: Sendable, Equatable {
        /// Its block is the stored one: record it (a repeat is a no-op).
        case onScannedChain
        /// Its block's hash is no longer kept: it cannot be checked, which must be said loudly.
        case unverifiable
        /// Its block has another hash than the stored one: the node is inconsistent; retry.
        case conflicting
    }

    /// The next range: blocks at least `depth` below the scanned `tip`, at most four steps at a time.
    public static func next(done: Int64?, tip: Int64, depth: Int64, blocksPerStep: Int64) -> Next {
        let finalTip = tip - depth
        guard let done else { return .begin(at: max(0, finalTip)) }
        guard done < finalTip else { return .wait }
        return .read((done + 1)...min(finalTip, done + max(1, blocksPerStep) * 4))
    }

    /// Whether a transfer in the block `blockHash` is on the chain the scan stored.
    public static func verdict(blockHash: String, stored: ChainBlock?) -> Verdict {
        guard let stored else { return .unverifiable }
        return stored.hash == blockHash ? .onScannedChain : .conflicting
    }
}
