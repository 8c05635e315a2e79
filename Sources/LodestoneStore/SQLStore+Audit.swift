public import LodestoneCore
public import LodestoneDomain

// Read-only views for the audit commands: every row as stored, paged by key so millions stay cheap.
extension SQLStore {
    /// Issued address rows after (`network`, `customerID`) in that order, with the match key the
    /// scanners look them up by.
    public func addressRowsForAudit(after: (network: String, customerID: String)?, limit: Int) async throws
        -> [(address: CustomerAddress, matchKey: String)]
    {
        try await database.read { db in
            let (network, customer) = after ?? ("", "")
            return try await db.query(
                """
                SELECT \(Self.addressColumns), match_key FROM addresses
                WHERE network > $1 OR (network = $1 AND customer_id > $2)
                ORDER BY network, customer_id LIMIT $3
                """, [.text(network), .text(customer), .int(Int64(limit))]
            ).map { row in (try Self.address(row), try row.text(6)) }
        }
    }

    /// (customer, asset) pairs that hold deposits, intents or ledger entries, after `after`, in order.
    public func ledgerAccountsForAudit(after: (customerID: String, assetID: String)?, limit: Int) async throws
        -> [(customerID: String, assetID: String)]
    {
        try await database.read { db in
            let (customer, asset) = after ?? ("", "")
            return try await db.query(
                """
                SELECT customer_id, asset_id FROM (
                    SELECT customer_id, asset_id FROM deposits WHERE customer_id IS NOT NULL
                    UNION SELECT customer_id, asset_id FROM payment_intents
                    UNION SELECT customer_id, asset_id FROM ledger_entries
                ) accounts
                WHERE customer_id > $1 OR (customer_id = $1 AND asset_id > $2)
                ORDER BY customer_id, asset_id LIMIT $3
                """, [.text(customer), .text(asset), .int(Int64(limit))]
            ).map { (try $0.text(0), try $0.text(1)) }
        }
    }

    /// Everything stored for one customer and asset, in one read transaction.
    public func ledgerAccountForAudit(customerID: String, assetID: String) async throws -> LedgerAudit.Account {
        try await database.transaction { db in
            let deposits = try await db.query(
                "SELECT \(Self.ledgerDepositColumns) FROM deposits WHERE customer_id = $1 AND asset_id = $2 ORDER BY seen_at, id",
                [.text(customerID), .text(assetID)]
            ).map(Self.ledgerDeposit)
            let intents = try await db.query(
                "SELECT \(Self.intentColumns) FROM payment_intents WHERE customer_id = $1 AND asset_id = $2 ORDER BY seq",
                [.text(customerID), .text(assetID)]
            ).map(Self.intent)
            let entries = try await db.query(
                "SELECT target, amount FROM ledger_entries WHERE customer_id = $1 AND asset_id = $2",
                [.text(customerID), .text(assetID)]
            ).map { row in
                guard let amount = LedgerAmount(text: try row.text(1)) else { throw StoreError.corrupt("ledger amount") }
                return LedgerAudit.Entry(target: try row.text(0), amount: amount)
            }
            return LedgerAudit.Account(customerID: customerID, assetID: assetID, deposits: deposits, intents: intents, entries: entries)
        }
    }

    /// Every deposit recorded to `address` on `network`, whatever its status.
    public func depositsForAudit(network: NetworkID, address: String) async throws -> [Deposit] {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.depositColumns) FROM deposits WHERE network = $1 AND address = $2", [.text(network.rawValue), .text(address)]
            ).map(Self.deposit)
        }
    }
}
