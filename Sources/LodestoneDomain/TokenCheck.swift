import LodestoneCore

/// What a token contract (or mint) says of itself.
public struct TokenMetadata: Sendable, Equatable {
    /// `decimals()` of an ERC-20/TRC-20 contract, or an SPL mint's decimals.
    public let decimals: Int
    /// `symbol()` of an ERC-20/TRC-20 contract; nil where the chain has none to read (SPL).
    public let symbol: String?

    /// Metadata as read.
    public init(decimals: Int, symbol: String?) {
        self.decimals = decimals
        self.symbol = symbol
    }
}

/// Whether an operator's token definition matches its contract: a wrong `decimals` would credit
/// amounts off by powers of ten, a wrong contract someone else's token.
public enum TokenCheck {
    /// Why `asset` may not be watched given what its contract says; nil when it agrees.
    public static func problem(_ asset: Asset, onChain: TokenMetadata) -> String? {
        var problems: [String] = []
        if onChain.decimals != asset.decimals {
            problems.append("its contract reports \(onChain.decimals) decimals, the configuration says \(asset.decimals)")
        }
        // Symbols differ in case between deployments (USDC, usdc): compared without it.
        if let symbol = onChain.symbol, symbol.uppercased() != asset.symbol.uppercased() {
            problems.append("its contract's symbol is \(String(symbol.prefix(32)).debugDescription), the configuration says \(asset.symbol)")
        }
        guard !problems.isEmpty else { return nil }
        let field = asset.network.family == .solana ? "mint" : "contract"
        return "assets.\(asset.id): \(problems.joined(separator: "; ")): the asset is refused and nothing of it is credited; correct the \(field) or decimals and restart"
    }
}
