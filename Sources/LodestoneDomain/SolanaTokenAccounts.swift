public import LodestoneCore

/// Where a payer's wallet may send a Solana token: the owner address itself (wallets derive the
/// associated token account and create it in the same transaction), or that associated token
/// account directly. Computed locally from the owner, the asset's mint and the Token program.
public enum SolanaTokenAccounts {
    /// One token asset's associated token account for an owner.
    public struct Entry: Sendable, Equatable {
        /// Asset id.
        public let assetID: String
        /// The mint.
        public let mint: String
        /// The token program the mint belongs to.
        public let tokenProgram: String
        /// The associated token account.
        public let address: String
    }

    /// The associated token accounts of `owner` for every token asset among `assets`, which must be
    /// SPL Token mints (the catalog's are; an operator's mint may be Token-2022, whose accounts
    /// derive differently, so only catalog assets are passed here).
    public static func entries(owner: String, assets: [Asset]) throws(CoreError) -> [Entry] {
        var out: [Entry] = []
        for asset in assets where asset.network.family == .solana {
            guard let mint = asset.contract else { continue }
            let program = SolanaAddress.tokenProgram
            out.append(
                Entry(
                    assetID: asset.id, mint: mint, tokenProgram: program,
                    address: try SolanaAddress.associatedTokenAccount(owner: owner, mint: mint, tokenProgram: program)))
        }
        return out
    }
}
