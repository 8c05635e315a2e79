public import LodestoneCore

// Scan leases: which instance scans a network. Expiry is kept on the database's clock, so the
// instances' own clocks never have to agree.
extension SQLStore {
    /// Takes or renews the lease of `network` for `holder` for `ttlMillis`: true when `holder` holds it
    /// now (it held it, or the previous holder's lease had expired), false when another holds it.
    public func acquireScanLease(network: NetworkID, holder: String, ttlMillis: Int64) async throws -> Bool {
        let now = database.dialect.nowMillis
        return try await database.transaction { db in
            let rows = try await db.query(
                """
                INSERT INTO scan_leases (network, holder, expires_at) VALUES ($1, $2, \(now) + $3)
                ON CONFLICT (network) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE scan_leases.holder = excluded.holder OR scan_leases.expires_at < \(now)
                RETURNING holder
                """, [.text(network.rawValue), .text(holder), .int(ttlMillis)])
            return try rows.first?.text(0) == holder
        }
    }

    /// Gives the lease of `network` up, when `holder` holds it: a standby takes over at once.
    public func releaseScanLease(network: NetworkID, holder: String) async throws {
        _ = try await database.transaction { db in
            try await db.query("DELETE FROM scan_leases WHERE network = $1 AND holder = $2", [.text(network.rawValue), .text(holder)])
        }
    }

    /// The holder of `network`'s lease while it is valid, nil when none is.
    public func scanLeaseHolder(network: NetworkID) async throws -> String? {
        let now = database.dialect.nowMillis
        return try await database.read { db in
            try await db.query(
                "SELECT holder FROM scan_leases WHERE network = $1 AND expires_at >= \(now)", [.text(network.rawValue)]
            ).first?.text(0)
        }
    }
}
