public import BigInt

/// What a Solana transaction paid to watched addresses, read from balances, never from
/// instructions: a successful transaction's increase of a watched account's lamports, and of a
/// configured mint's token balance in a token account a watched address owns.
public enum SolanaDeposits {
    /// One increase.
    public struct Payment: Sendable, Equatable {
        /// The watched address paid (the token account's owner for a token).
        public let owner: String
        /// Asset id.
        public let assetID: String
        /// Base units.
        public let amount: BigUInt
        /// The transaction's signature.
        public let signature: String
        /// The account index whose balance rose (the token account's, for a token): with the
        /// signature, what makes the deposit unique.
        public let accountIndex: Int
        /// The token account paid, for a token.
        public let tokenAccount: String?

        /// A payment.
        public init(owner: String, assetID: String, amount: BigUInt, signature: String, accountIndex: Int, tokenAccount: String?) {
            self.owner = owner
            self.assetID = assetID
            self.amount = amount
            self.signature = signature
            self.accountIndex = accountIndex
            self.tokenAccount = tokenAccount
        }
    }

    struct OwnerMint: Hashable {
        let owner: String
        let mint: String
    }

    /// The payments of `tx` to addresses for which `isWatched` is true: lamports as `nativeAsset`,
    /// tokens of the mints in `mints` (mint → asset id), netted per owner and mint. A failed
    /// transaction pays nothing; a missing token pre-balance is zero; a decrease or no change is no
    /// payment.
    public static func payments(
        in tx: SolanaTransaction, nativeAsset: String, mints: [String: String], isWatched: (String) -> Bool
    ) -> [Payment] {
        guard tx.succeeded else { return [] }
        var out: [Payment] = []
        for i in tx.accountKeys.indices where tx.postBalances[i] > tx.preBalances[i] && isWatched(tx.accountKeys[i]) {
            out.append(
                Payment(
                    owner: tx.accountKeys[i], assetID: nativeAsset, amount: BigUInt(tx.postBalances[i] - tx.preBalances[i]),
                    signature: tx.signature, accountIndex: i, tokenAccount: nil))
        }
        // Tokens count per owner and mint, netted over the owner's token accounts: moving tokens
        // between two accounts of one owner is no deposit. The deposit is keyed by the first
        // token account whose balance rose.
        var net: [OwnerMint: (delta: BigInt, index: Int)] = [:]
        var order: [OwnerMint] = []
        func add(_ b: SolanaTokenBalance, _ sign: Int) {
            guard mints[b.mint] != nil, let owner = b.owner, isWatched(owner), b.accountIndex < tx.accountKeys.count else { return }
            let key = OwnerMint(owner: owner, mint: b.mint)
            if net[key] == nil {
                net[key] = (0, Int.max)
                order.append(key)
            }
            net[key]!.delta += sign > 0 ? BigInt(b.amount) : -BigInt(b.amount)
        }
        for b in tx.postTokenBalances { add(b, 1) }
        for b in tx.preTokenBalances { add(b, -1) }
        for post in tx.postTokenBalances {
            guard let owner = post.owner, let entry = net[OwnerMint(owner: owner, mint: post.mint)] else { continue }
            let pre = tx.preTokenBalances.first { $0.accountIndex == post.accountIndex && $0.mint == post.mint }?.amount ?? 0
            if post.amount > pre, post.accountIndex < entry.index { net[OwnerMint(owner: owner, mint: post.mint)]!.index = post.accountIndex }
        }
        for key in order {
            guard let entry = net[key], entry.delta > 0, entry.index != Int.max, let asset = mints[key.mint] else { continue }
            out.append(
                Payment(
                    owner: key.owner, assetID: asset, amount: entry.delta.magnitude, signature: tx.signature, accountIndex: entry.index,
                    tokenAccount: tx.accountKeys[entry.index]))
        }
        return out
    }
}
