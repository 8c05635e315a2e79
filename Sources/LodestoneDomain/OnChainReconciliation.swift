public import LodestoneCore

/// The auditor's comparison of what a watched address holds on chain with what Lodestone recorded
/// arriving there (Lodestone never moves money out; a merchant's sweep is the only way out).
public enum OnChainReconciliation {
    /// What the comparison of one address and asset found (differences in base units).
    public enum Verdict: Sendable, Equatable {
        /// The chain holds exactly what was recorded.
        case agrees
        /// The chain holds more than was recorded: money arrived that the scan did not record.
        case moreOnChain(LedgerAmount)
        /// The chain holds less, and the address has sent transactions: swept or spent, nothing wrong.
        case moved(LedgerAmount)
        /// The chain holds less although the address never sent anything: recorded money never arrived.
        case lessOnChain(LedgerAmount)
    }

    /// Compares `onChain` with `recorded`; `sentAnything` is whether the address ever sent a transaction.
    public static func compare(onChain: Amount, recorded: LedgerAmount, sentAnything: Bool) -> Verdict {
        let difference = LedgerAmount(onChain) + -recorded
        if difference == .zero { return .agrees }
        if difference > .zero { return .moreOnChain(difference) }
        return sentAnything ? .moved(-difference) : .lessOnChain(-difference)
    }

    /// What was recorded arriving in `assetID` up to block `block`: every mined deposit still on the
    /// chain (pending, confirmed, or ignored: dust and the operator's own top-ups arrive too).
    public static func recorded(_ deposits: [Deposit], assetID: String, atOrBelow block: Int64) -> LedgerAmount {
        deposits.filter {
            $0.assetID == assetID && !$0.isUnmined && $0.blockNumber <= block && [.pending, .confirmed, .ignored].contains($0.status)
        }.reduce(LedgerAmount.zero) { $0 + LedgerAmount($1.amount) }
    }
}
