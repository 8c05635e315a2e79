public import LodestoneCore
public import LodestoneDomain

extension SQLStore {
    static let depositColumns = """
        id, network, asset_id, address, customer_id, amount, tx_hash, position, block_number, block_hash, \
        confirmations, status, created_at
        """

    static func deposit(_ row: SQLRow) throws -> Deposit {
        guard let network = NetworkID(rawValue: try row.text(1)) else { throw StoreError.corrupt("deposit network") }
        guard let status = DepositStatus(rawValue: try row.text(11)) else { throw StoreError.corrupt("deposit status") }
        return Deposit(
            id: try row.text(0), network: network, assetID: try row.text(2), address: try row.text(3),
            customerID: try row.optionalText(4) ?? "", amount: try amount(try row.text(5)), txHash: try row.text(6),
            position: Int(try row.int(7)), blockNumber: try row.int(8), blockHash: try row.text(9),
            confirmations: Int(try row.int(10)), status: status, createdAt: try row.int(12))
    }

    public func deposits(_ filter: DepositFilter, page: Int, pageSize: Int) async throws -> Page<Deposit> {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        for (column, value) in [
            ("customer_id", filter.customerID), ("address", filter.address), ("asset_id", filter.assetID),
            ("status", filter.status?.rawValue),
        ] {
            guard let value else { continue }
            binds.append(.text(value))
            conditions.append("\(column) = $\(binds.count)")
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let countBinds = binds
        binds += [.int(Int64(pageSize)), .int(Int64((page - 1) * pageSize))]
        let sql = """
            SELECT \(Self.depositColumns) FROM deposits\(whereClause)
            ORDER BY created_at DESC, id DESC LIMIT $\(binds.count - 1) OFFSET $\(binds.count)
            """
        let pageBinds = binds
        return try await database.read { db in
            let rows = try await db.query(sql, pageBinds)
            let total = try Self.count(try await db.query("SELECT COUNT(*) FROM deposits\(whereClause)", countBinds))
            return Page(items: try rows.map(Self.deposit), total: total)
        }
    }
}
