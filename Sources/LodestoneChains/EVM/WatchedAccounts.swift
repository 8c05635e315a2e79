/// The accounts a scanner watches, matched in memory (never sent to the node as a filter), sized
/// for millions: 20-byte keys held inline in one hash set.
public struct WatchedAccounts: Sendable {
    private var accounts: Set<EVMAccount>

    /// An empty set with room for `capacity` accounts.
    public init(capacity: Int = 0) { accounts = Set(minimumCapacity: capacity) }

    /// Adds an account; returns false if it was already watched.
    @discardableResult
    public mutating func insert(_ account: EVMAccount) -> Bool { accounts.insert(account).inserted }

    /// True when `account` is watched.
    public func contains(_ account: EVMAccount) -> Bool { accounts.contains(account) }

    /// Number of watched accounts.
    public var count: Int { accounts.count }

    /// The transfers whose recipient is watched and whose contract is one of `contracts`.
    public func deposits(in transfers: [ERC20TransferLog], contracts: Set<EVMAccount>) -> [ERC20TransferLog] {
        transfers.filter { contracts.contains($0.contract) && accounts.contains($0.to) }
    }
}
