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
}
