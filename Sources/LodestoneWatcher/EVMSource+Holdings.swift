import LodestoneChains
public import LodestoneCore
import LodestoneRPC

/// What an account holds at one block, as its node says.
public struct AccountHoldings: Sendable, Equatable {
    /// The account (20 bytes on EVM networks).
    public let account: [UInt8]
    /// Transactions it has sent (its nonce): zero means nothing ever left it.
    public let sentTransactions: Int64
    /// Asset id → balance, for the network's coin and each of its tokens.
    public let balances: [String: Amount]
    /// Tokens whose contract answered nothing (no code at that address on this chain).
    public let unreadable: [String]
}

/// A source that can read balances at a block (for `lodestone audit ledger --on-chain`).
public protocol HoldingsReading: Sendable {
    /// The holdings of `accounts` at block `block`.
    func holdings(of accounts: [[UInt8]], at block: Int64) async throws -> [AccountHoldings]
}

// `eth_getTransactionCount`, `eth_getBalance` and `balanceOf` by `eth_call`, all at one block, so
// the three describe the same state (the scan's cursor, which every recorded deposit is below).
extension EVMSource: HoldingsReading {
    /// `balanceOf(address)`.
    static let balanceOfSelector = "0x70a08231"

    public func holdings(of accounts: [[UInt8]], at block: Int64) async throws -> [AccountHoldings] {
        guard !accounts.isEmpty else { return [] }
        let at = JSONParam.quantity(block)
        let addresses = accounts.map { "0x" + Hex.encode($0) }
        return try await client.pinned {
            let nonces = try await client.batch("eth_getTransactionCount", addresses.map { [.string($0), at] }, as: String.self)
            let natives = try await client.batch("eth_getBalance", addresses.map { [.string($0), at] }, as: String.self)
            var tokenBalances: [String: [String]] = [:]
            for (account, asset) in tokens.sorted(by: { $0.value < $1.value }) {
                let contract = "0x" + Hex.encode(account.bytes)
                tokenBalances[asset] = try await client.batch(
                    "eth_call",
                    addresses.map { address in
                        [.object(["to": .string(contract), "data": .string(Self.balanceOfSelector + String(repeating: "0", count: 24) + address.dropFirst(2))]), at]
                    }, as: String.self)
            }
            return try accounts.enumerated().map { i, account in
                guard let nonce = HexQuantity.int64(nonces[i]), let native = HexQuantity.amount(natives[i]) else {
                    throw ChainSourceError.malformed("\(network): a balance or nonce answer is not a hex quantity")
                }
                var balances = [nativeAssetID: native]
                var unreadable: [String] = []
                for (asset, answers) in tokenBalances.sorted(by: { $0.key < $1.key }) {
                    // An empty answer is a call to an address without code: the token is not there.
                    if answers[i] == "0x" {
                        unreadable.append(asset)
                        continue
                    }
                    // A token call answers one 32-byte word; anything else is not a balance.
                    guard answers[i].count == 66, let amount = HexQuantity.amount(answers[i]) else {
                        throw ChainSourceError.malformed("\(network): balanceOf of \(asset) did not answer one 32-byte word")
                    }
                    balances[asset] = amount
                }
                return AccountHoldings(account: account, sentTransactions: nonce, balances: balances, unreadable: unreadable)
            }
        }
    }
}
