/// The four ways Lodestone talks to a chain and derives its addresses.
public enum ChainFamily: String, Sendable, Codable, CaseIterable {
    case bitcoin, evm, tron, solana

    /// The curve the family's keys live on.
    public var usesEd25519: Bool { self == .solana }
}
