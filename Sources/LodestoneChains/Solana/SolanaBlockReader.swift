import BigInt
public import Foundation

/// A single-pass reader of `getBlock` answers, straight from bytes to `SolanaBlock`, without a JSON
/// tree: what the watcher asks for (`transactionDetails: "accounts"`) and full `json` transactions.
/// Anything else (base64 transactions, escapes, numbers it does not read exactly, balances that do
/// not match the keys, an error answer) makes it return nil, and the caller falls back to
/// `JSONDecoder`, which reads every shape and reports what is wrong.
public enum SolanaBlockReader {
    /// The block in a JSON-RPC answer `{"result": {…}, "id": …}`, or nil.
    public static func decodeEnvelope(_ data: Data) -> SolanaBlock? {
        data.withUnsafeBytes { raw in
            var r = JSONByteReader(bytes: raw)
            var block: SolanaBlock? = nil
            let read = r.skipSpace() && r.object { r, key in
                if r.equals(key, "result") {
                    block = Self.block(&r)
                    return block != nil
                }
                if r.equals(key, "error") { return false }  // the decoder reports it
                return r.skipValue()
            }
            return read ? block : nil
        }
    }

    static func block(_ r: inout JSONByteReader) -> SolanaBlock? {
        var hash: String? = nil
        var previous: String? = nil
        var parent: Int64? = nil
        var time: Int64? = nil
        var transactions: [SolanaTransaction] = []
        let read = r.object { r, key in
            if r.equals(key, "blockhash") {
                hash = r.string().map(r.text)
                return hash != nil
            }
            if r.equals(key, "previousBlockhash") {
                previous = r.string().map(r.text)
                return previous != nil
            }
            if r.equals(key, "parentSlot") {
                parent = r.integer()
                return parent != nil
            }
            if r.equals(key, "blockTime") {
                if r.literal("null") { return true }
                time = r.integer()
                return time != nil
            }
            if r.equals(key, "transactions") {
                return r.array { r in
                    guard let tx = transaction(&r) else { return false }
                    transactions.append(tx)
                    return true
                }
            }
            return r.skipValue()
        }
        guard read, let hash, let previous, let parent else { return nil }
        return SolanaBlock(blockhash: hash, previousBlockhash: previous, parentSlot: parent, blockTime: time, transactions: transactions)
    }

    static func transaction(_ r: inout JSONByteReader) -> SolanaTransaction? {
        var signature: String? = nil
        var keys: [String]? = nil
        var sourced = false
        var succeeded: Bool? = nil
        var pre: [UInt64]? = nil
        var post: [UInt64]? = nil
        var preTokens: [SolanaTokenBalance] = []
        var postTokens: [SolanaTokenBalance] = []
        var loaded: [String] = []
        let read = r.object { r, key in
            if r.equals(key, "transaction") {
                return r.object { r, key in
                    if r.equals(key, "signatures") {
                        return r.array { r in
                            guard let s = r.string() else { return false }
                            if signature == nil { signature = r.text(s) }
                            return true
                        }
                    }
                    if r.equals(key, "accountKeys") {
                        keys = accountKeys(&r, sourced: &sourced)
                        return keys != nil
                    }
                    if r.equals(key, "message") {
                        return r.object { r, key in
                            guard r.equals(key, "accountKeys") else { return r.skipValue() }
                            keys = accountKeys(&r, sourced: &sourced)
                            return keys != nil
                        }
                    }
                    return r.skipValue()
                }
            }
            if r.equals(key, "meta") {
                return r.object { r, key in
                    if r.equals(key, "err") {
                        succeeded = r.literal("null")
                        return succeeded! || r.skipValue()
                    }
                    if r.equals(key, "preBalances") {
                        pre = integers(&r)
                        return pre != nil
                    }
                    if r.equals(key, "postBalances") {
                        post = integers(&r)
                        return post != nil
                    }
                    if r.equals(key, "preTokenBalances") { return tokenBalances(&r, into: &preTokens) }
                    if r.equals(key, "postTokenBalances") { return tokenBalances(&r, into: &postTokens) }
                    if r.equals(key, "loadedAddresses") {
                        if r.literal("null") { return true }
                        var writable: [String] = []
                        var readonly: [String] = []
                        let ok = r.object { r, key in
                            if r.equals(key, "writable") { return strings(&r, into: &writable) }
                            if r.equals(key, "readonly") { return strings(&r, into: &readonly) }
                            return r.skipValue()
                        }
                        loaded = writable + readonly
                        return ok
                    }
                    return r.skipValue()
                }
            }
            return r.skipValue()
        }
        guard read, let signature, var keys, let succeeded, let pre, let post else { return nil }
        if !sourced { keys += loaded }
        guard pre.count == keys.count, post.count == keys.count else { return nil }
        return SolanaTransaction(
            signature: signature, succeeded: succeeded, accountKeys: keys, preBalances: pre, postBalances: post, preTokenBalances: preTokens,
            postTokenBalances: postTokens)
    }

    /// Keys as strings (`json`) or objects with `pubkey` (`accounts`, `jsonParsed`); `sourced` is set
    /// when objects name their source (the list then holds the loaded keys already).
    static func accountKeys(_ r: inout JSONByteReader, sourced: inout Bool) -> [String]? {
        var out: [String] = []
        var named = false
        let ok = r.array { r in
            if let s = r.string() {
                out.append(r.text(s))
                return true
            }
            var pubkey: String? = nil
            let read = r.object { r, key in
                if r.equals(key, "pubkey") {
                    pubkey = r.string().map(r.text)
                    return pubkey != nil
                }
                if r.equals(key, "source") { named = true }
                return r.skipValue()
            }
            guard read, let pubkey else { return false }
            out.append(pubkey)
            return true
        }
        sourced = named
        return ok ? out : nil
    }

    static func integers(_ r: inout JSONByteReader) -> [UInt64]? {
        var out: [UInt64] = []
        let ok = r.array { r in
            guard let n = r.integer() else { return false }
            out.append(UInt64(n))
            return true
        }
        return ok ? out : nil
    }

    static func strings(_ r: inout JSONByteReader, into out: inout [String]) -> Bool {
        r.array { r in
            guard let s = r.string() else { return false }
            out.append(r.text(s))
            return true
        }
    }

    static func tokenBalances(_ r: inout JSONByteReader, into out: inout [SolanaTokenBalance]) -> Bool {
        if r.literal("null") { return true }
        return r.array { r in
            var index: Int64? = nil
            var mint: String? = nil
            var owner: String? = nil
            var amount: BigUInt? = nil
            let read = r.object { r, key in
                if r.equals(key, "accountIndex") {
                    index = r.integer()
                    return index != nil
                }
                if r.equals(key, "mint") {
                    mint = r.string().map(r.text)
                    return mint != nil
                }
                if r.equals(key, "owner") {
                    owner = r.string().map(r.text)
                    return owner != nil
                }
                if r.equals(key, "uiTokenAmount") {
                    return r.object { r, key in
                        guard r.equals(key, "amount") else { return r.skipValue() }
                        guard let s = r.string(), !s.isEmpty, s.allSatisfy({ r.bytes[$0] >= 0x30 && r.bytes[$0] <= 0x39 }) else { return false }
                        amount = BigUInt(r.text(s), radix: 10)
                        return amount != nil
                    }
                }
                return r.skipValue()
            }
            guard read, let index, let mint, let amount else { return false }
            out.append(SolanaTokenBalance(accountIndex: Int(index), mint: mint, owner: owner, amount: amount))
            return true
        }
    }
}
