/// A block as the scanners keep it: enough to notice a reorg by its parent hash.
public struct ChainBlock: Sendable, Hashable {
    /// Height (EVM, Tron, Bitcoin) or slot (Solana).
    public let number: Int64
    /// Block hash (lower-case hex, as the chain writes it).
    public let hash: String
    /// Hash of the block it builds on.
    public let parentHash: String

    /// A block header.
    public init(number: Int64, hash: String, parentHash: String) {
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
    }
}
