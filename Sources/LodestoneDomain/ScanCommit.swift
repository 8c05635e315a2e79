public import LodestoneCore

/// A transfer found by a scanner, with the minimum its asset had when it was seen.
public struct ScannedDeposit: Sendable, Equatable {
    /// The transfer.
    public let observation: DepositObservation
    /// Below this amount the deposit is recorded as `ignored` (dust, address poisoning).
    public let minimum: Amount

    /// A scanned deposit.
    public init(observation: DepositObservation, minimum: Amount) {
        self.observation = observation
        self.minimum = minimum
    }
}

/// What one step of a network's scan found; stored in one transaction with the cursor moved to
/// its last block, so a crash leaves either all of it or none.
public struct ScanCommit: Sendable {
    /// The network scanned.
    public let network: NetworkID
    /// The cursor this step started from (nil on the first step); the commit fails if another
    /// scanner moved it meanwhile.
    public let previous: ChainBlock?
    /// Scanned blocks in ascending order, each the parent of the next.
    public let blocks: [ChainBlock]
    /// Transfers to watched addresses in those blocks.
    public let deposits: [ScannedDeposit]

    /// A commit.
    public init(network: NetworkID, previous: ChainBlock?, blocks: [ChainBlock], deposits: [ScannedDeposit]) {
        self.network = network
        self.previous = previous
        self.blocks = blocks
        self.deposits = deposits
    }
}

/// What rolling a network back to a common ancestor did.
public struct RewindOutcome: Sendable, Equatable {
    /// Pending deposits in abandoned blocks, now `orphaned`.
    public let orphaned: [Deposit]
    /// Credited deposits in abandoned blocks: history is kept, a `deposit.reversed` event raised.
    public let reversed: [Deposit]

    /// An outcome.
    public init(orphaned: [Deposit], reversed: [Deposit]) {
        self.orphaned = orphaned
        self.reversed = reversed
    }
}
