public import LodestoneCore
public import LodestoneDomain

/// What importing addresses into a pool did.
public struct PoolImport: Sendable, Equatable {
    /// New addresses added.
    public let imported: Int
    /// Addresses already in the pool or already issued, left as they were.
    public let skipped: Int

    /// A result.
    public init(imported: Int, skipped: Int) {
        self.imported = imported
        self.skipped = skipped
    }
}

// The address pool: addresses derived on an offline machine, imported, and issued one per customer.
extension SQLStore {
    /// Adds `addresses` (each canonical for `network`) to its pool, in order; a repeat or an
    /// address already issued is skipped.
    public func importPool(network: NetworkID, addresses: [DerivedAddress], now: Int64) async throws -> PoolImport {
        var parsedRows: [(address: String, key: String, path: String, index: Int64)] = []
        for a in addresses {
            guard a.network == network else { throw StoreError.invalidState("\(a.address) is for \(a.network), not \(network)") }
            let parsed = try AddressCodec.parse(a.address, network: network)
            parsedRows.append((parsed.normalized, Hex.encode(parsed.matchKey), a.path, Int64(a.index)))
        }
        let rows = parsedRows
        return try await database.transaction { db in
            var imported = 0
            for row in rows {
                let issued = try await db.query(
                    "SELECT 1 FROM addresses WHERE family = $1 AND match_key = $2", [.text(network.family.rawValue), .text(row.key)])
                guard issued.isEmpty else { continue }
                let inserted = try await db.query(
                    """
                    INSERT INTO address_pool (network, address, derivation_path, derivation_index, imported_at, seq)
                    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING address
                    """,
                    [.text(network.rawValue), .text(row.address), .text(row.path), .int(row.index), .int(now),
                     .int(try await Self.nextSequence("address_pool", db))])
                imported += inserted.count
            }
            return PoolImport(imported: imported, skipped: rows.count - imported)
        }
    }

    /// Addresses of `network`'s pool not issued yet.
    public func poolRemaining(network: NetworkID) async throws -> Int {
        try await database.read { db in
            Int(try await db.query(
                "SELECT COUNT(*) FROM address_pool WHERE network = $1 AND customer_id IS NULL", [.text(network.rawValue)]
            ).first?.int(0) ?? 0)
        }
    }

    /// The customer's address on `network`, taking the next pooled address on first request;
    /// `addressPoolEmpty` when none is left. Never derives anything.
    public func issuePooledAddress(customerID: String, network: NetworkID, now: Int64) async throws -> (CustomerAddress, created: Bool) {
        if let known = facts.address(customerID: customerID, network: network.rawValue) { return (known, false) }
        let lock = database.dialect.forUpdate
        let skipLocked = database.dialect.forUpdateSkipLocked()
        let lookup = "SELECT \(Self.addressColumns) FROM addresses WHERE customer_id = $1 AND network = $2"
        let binds: [SQLValue] = [.text(customerID), .text(network.rawValue)]
        let (address, created) = try await database.transaction { db -> (CustomerAddress, Bool) in
            // Concurrent first requests of one customer serialize on its row.
            guard !(try await db.query("SELECT id FROM customers WHERE id = $1\(lock)", [.text(customerID)])).isEmpty else {
                throw StoreError.notFound("customer")
            }
            if let existing = try await db.query(lookup, binds).first.map(Self.address) { return (existing, false) }
            // Other customers' concurrent requests each take another free row.
            guard
                let free = try await db.query(
                    """
                    SELECT address, derivation_path, derivation_index FROM address_pool
                    WHERE network = $1 AND customer_id IS NULL ORDER BY seq LIMIT 1\(skipLocked)
                    """, [.text(network.rawValue)]
                ).first
            else { throw StoreError.addressPoolEmpty(network.rawValue) }
            let text = try free.text(0)
            _ = try await db.query(
                "UPDATE address_pool SET customer_id = $1 WHERE network = $2 AND address = $3",
                [.text(customerID), .text(network.rawValue), .text(text)])
            let parsed = try AddressCodec.parse(text, network: network)
            let row: [SQLValue] = [
                .text(customerID), .text(network.rawValue), .text(network.family.rawValue), .text(parsed.normalized),
                .text(Hex.encode(parsed.matchKey)), .text(try free.text(1)), .int(try free.int(2)), .int(now),
                .int(try await Self.nextSequence("addresses", db)),
            ]
            guard let inserted = try await db.query(Self.insertAddress + " RETURNING \(Self.addressColumns)", row).first else {
                throw StoreError.invalidState("pooled address insert returned nothing")
            }
            return (try Self.address(inserted), true)
        }
        facts.remember(address)
        return (address, created)
    }
}
