public import LodestoneDomain

/// How one network is scanned; operators set these per network.
public struct ScanSettings: Sendable {
    /// Blocks read per step.
    public var blocksPerStep: Int64 = 50
    /// Pause when caught up with the head.
    public var pollInterval: Duration = .seconds(3)
    /// First block to read on a new database; nil starts at the head (nothing was issued before).
    public var startBlock: Int64? = nil
    /// Wait for this node tag instead of counting confirmations.
    public var finality: FinalityTag? = nil
    /// Block hashes kept for finding a common ancestor; a deeper reorg stops the network with an alarm.
    public var reorgWindow: Int64 = 2000
    /// The back-up pass re-reads token transfers this many blocks behind the scanned tip; nil turns it off.
    public var recheckDepth: Int64? = 300
    /// The operator's own accounts (20 bytes): transfers from them are recorded as ignored, never credited.
    public var internalSenders: Set<[UInt8]> = []
    /// Pause after a failed step (doubled while failures repeat, up to a minute).
    public var retryDelay: Duration = .seconds(1)
    /// Assets credited by counting blocks against their threshold even when the network waits for a
    /// node tag (Solana assets set to `confirmed` or to a slot count).
    public var countedAssets: Set<String> = []
    /// Follow the mempool (Bitcoin) while caught up: payments show as `detected` before they are mined.
    public var watchMempool: Bool = false
    /// Tokens the operator defined: checked against their contracts before the first step.
    public var tokensToVerify: [Asset] = []

    /// Defaults.
    public init() {}
}
