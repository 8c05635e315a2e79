import LodestoneCore
public import LodestoneDomain

extension SQLStore {
    static let depositColumns = """
        id, network, asset_id, address, customer_id, amount, tx_hash, position, block_number, block_hash, \
        confirmations, status, created_at, sender, ignored_reason, min_confirmations
        """

    static func deposit(_ row: SQLRow) throws -> Deposit {
        guard let network = NetworkID(rawValue: try row.text(1)) else { throw StoreError.corrupt("deposit network") }
        guard let status = DepositStatus(rawValue: try row.text(11)) else { throw StoreError.corrupt("deposit status") }
        return Deposit(
            id: try row.text(0), network: network, assetID: try row.text(2), address: try row.text(3),
            customerID: try row.optionalText(4) ?? "", amount: try amount(try row.text(5)), txHash: try row.text(6),
            position: Int(try row.int(7)), blockNumber: try row.int(8), blockHash: try row.text(9),
            confirmations: Int(try row.int(10)), status: status, createdAt: try row.int(12), sender: try row.optionalText(13),
            ignoredReason: try row.optionalText(14), minimumConfirmations: Int(try row.int(15)))
    }

    public func deposits(_ filter: DepositFilter, page: Int, pageSize: Int) async throws -> Page<Deposit> {
        try await self.page(
            from: "deposits", columns: Self.depositColumns, filter: Self.sqlFilter(filter), order: "created_at DESC, id DESC", page: page,
            pageSize: pageSize, decode: Self.deposit)
    }

    public func deposits(_ filter: DepositFilter, from cursor: PageCursor, pageSize: Int) async throws -> CursorPage<Deposit>? {
        try await cursorPage(
            from: "deposits", columns: Self.depositColumns, filter: Self.sqlFilter(filter), order: [.int("created_at"), .text("id")],
            descending: true, cursor: cursor, pageSize: pageSize, decode: Self.deposit)
    }

    static func sqlFilter(_ filter: DepositFilter) -> SQLFilter {
        var where_ = SQLFilter()
        where_.equal("customer_id", filter.customerID)
        where_.equal("address", filter.address)
        where_.equal("asset_id", filter.assetID)
        where_.equal("status", filter.status?.rawValue)
        where_.equal("network", filter.network?.rawValue)
        where_.oneOf("network", filter.environment.map { e in NetworkID.allCases.filter { $0.environment == e }.map(\.rawValue) })
        where_.oneOf("tx_hash", filter.txHashes)
        where_.atLeast("created_at", filter.createdGTE)
        where_.atMost("created_at", filter.createdLTE)
        return where_
    }

    public func deposit(id: String) async throws -> Deposit? {
        try await database.read { db in
            try await db.query("SELECT \(Self.depositColumns) FROM deposits WHERE id = $1", [.text(id)]).first.map(Self.deposit)
        }
    }
}
