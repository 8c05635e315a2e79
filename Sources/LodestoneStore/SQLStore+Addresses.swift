public import LodestoneCore
public import LodestoneDomain

extension SQLStore {
    static let addressColumns = "address, network, customer_id, derivation_path, derivation_index, created_at"

    static func address(_ row: SQLRow) throws -> CustomerAddress {
        CustomerAddress(
            address: try row.text(0), network: try row.text(1), customerID: try row.text(2),
            derivationPath: try row.text(3), index: UInt32(try row.int(4)), createdAt: try row.int(5))
    }

    public func issueAddress(customerID: String, network: NetworkID, now: Int64, derive: AddressDerivation) async throws
        -> (CustomerAddress, created: Bool)
    {
        if let known = facts.address(customerID: customerID, network: network.rawValue) { return (known, false) }
        let (address, created) = try await issueAddressFromDatabase(
            customerID: customerID, network: network, now: now, derive: derive)
        facts.remember(address)
        return (address, created)
    }

    func issueAddressFromDatabase(customerID: String, network: NetworkID, now: Int64, derive: AddressDerivation)
        async throws -> (CustomerAddress, created: Bool)
    {
        let lookup = "SELECT \(Self.addressColumns) FROM addresses WHERE customer_id = $1 AND network = $2"
        let binds: [SQLValue] = [.text(customerID), .text(network.rawValue)]
        if let index = facts.index(customerID: customerID) {
            return try await insertForKnownIndex(customerID: customerID, network: network, index: index, now: now, derive: derive)
        }
        // One read answers the common cases: the address exists, or the customer already has an index.
        let known = try await database.read { db -> (CustomerAddress?, Int64?, Bool) in
            let rows = try await db.query(
                """
                SELECT c.derivation_index, a.address, a.network, a.customer_id, a.derivation_path, a.derivation_index, a.created_at
                FROM customers c LEFT JOIN addresses a ON a.customer_id = c.id AND a.network = $2 WHERE c.id = $1
                """, binds)
            guard let row = rows.first else { return (nil, nil, false) }
            let address = try row.optionalText(1) == nil ? nil : try Self.address(SQLRow(values: Array(row.values.dropFirst())))
            return (address, try row.optionalInt(0), true)
        }
        guard known.2 else { throw StoreError.notFound("customer") }
        if let existing = known.0 { return (existing, false) }
        if let index = known.1 {
            return try await insertForKnownIndex(customerID: customerID, network: network, index: index, now: now, derive: derive)
        }
        let forUpdate = database.dialect.forUpdate
        return try await database.transaction { db in
            // First address of this customer: allocate the index. Lock the customer row so
            // concurrent first requests for one customer serialize here.
            let rows = try await db.query("SELECT derivation_index FROM customers WHERE id = $1\(forUpdate)", [.text(customerID)])
            guard let customer = rows.first else { throw StoreError.notFound("customer") }
            if let existing = try await db.query(lookup, binds).first.map(Self.address) { return (existing, false) }
            let index: Int64
            if let assigned = try customer.optionalInt(0) {
                index = assigned
            } else {
                // One index per customer, from a counter updated in this transaction: no gaps, no reuse.
                let next = try await db.query(
                    "UPDATE counters SET value = value + 1 WHERE name = 'derivation_index' RETURNING value")
                index = try (next.first?.int(0) ?? 0) - 1
                guard index >= 0, index < Int64(DerivationPath.hardenedOffset) else {
                    throw StoreError.invalidState("the HD index space (2^31 customers) is exhausted")
                }
                _ = try await db.query(
                    "UPDATE customers SET derivation_index = $1 WHERE id = $2", [.int(index), .text(customerID)])
            }
            let row = try Self.addressRow(customerID: customerID, network: network, index: index, now: now, derive: derive)
                + [.int(try await Self.nextSequence("addresses", db))]
            // A request that saw the index already assigned may insert the same row concurrently
            // without this lock; whichever insert lands second keeps the first one's row.
            let created = try await db.query(Self.insertAddress + " ON CONFLICT DO NOTHING RETURNING \(Self.addressColumns)", row)
            if let address = try created.first.map(Self.address) { return (address, true) }
            guard let existing = try await db.query(lookup, binds).first.map(Self.address) else {
                throw StoreError.invalidState("address insert lost to a conflict but no address exists")
            }
            return (existing, false)
        }
    }

    /// The index is fixed for good once assigned: the unique keys let exactly one of any concurrent
    /// inserts win, and all of them would have written the same derived address anyway. The
    /// transaction only takes the address's sequence number (what the watch lists load by).
    func insertForKnownIndex(customerID: String, network: NetworkID, index: Int64, now: Int64, derive: AddressDerivation)
        async throws -> (CustomerAddress, created: Bool)
    {
        let row = try Self.addressRow(customerID: customerID, network: network, index: index, now: now, derive: derive)
        let inserted = try await database.transaction { db in
            // No conflict target: the same row also collides on (network, match_key), and
            // either collision means another request inserted it first.
            try await db.query(
                Self.insertAddress + " ON CONFLICT DO NOTHING RETURNING \(Self.addressColumns)",
                row + [.int(try await Self.nextSequence("addresses", db))])
        }
        if let created = try inserted.first.map(Self.address) { return (created, true) }
        let lookup = "SELECT \(Self.addressColumns) FROM addresses WHERE customer_id = $1 AND network = $2"
        guard
            let existing = try await database.read({ db in
                try await db.query(lookup, [.text(customerID), .text(network.rawValue)]).first.map(Self.address)
            })
        else { throw StoreError.invalidState("address insert lost to a conflict but no address exists") }
        return (existing, false)
    }

    static let insertAddress = """
        INSERT INTO addresses (customer_id, network, family, address, match_key, derivation_path, derivation_index, created_at, seq)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """

    /// The values of a new address row: derived, then parsed back so the stored form is canonical.
    static func addressRow(customerID: String, network: NetworkID, index: Int64, now: Int64, derive: AddressDerivation)
        throws -> [SQLValue]
    {
        let derived = try derive(network, UInt32(index))
        let parsed = try AddressCodec.parse(derived.address, network: network)
        return [
            .text(customerID), .text(network.rawValue), .text(network.family.rawValue), .text(parsed.normalized),
            .text(Hex.encode(parsed.matchKey)), .text(derived.path), .int(index), .int(now),
        ]
    }

    public func addresses(customerID: String) async throws -> [CustomerAddress] {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.addressColumns) FROM addresses WHERE customer_id = $1 ORDER BY created_at, network",
                [.text(customerID)]
            ).map(Self.address)
        }
    }

    public func address(matching parsed: ParsedAddress, environment: DeploymentEnvironment) async throws -> CustomerAddress? {
        let columns = Self.addressColumns.split(separator: ", ").map { "a.\($0)" }.joined(separator: ", ")
        return try await database.read { db in
            try await db.query(
                """
                SELECT \(columns) FROM addresses a JOIN customers c ON c.id = a.customer_id
                WHERE a.family = $1 AND a.match_key = $2 AND c.environment = $3 ORDER BY a.created_at LIMIT 1
                """,
                [.text(parsed.family.rawValue), .text(Hex.encode(parsed.matchKey)), .text(environment.rawValue)]
            ).first.map(Self.address)
        }
    }
}
