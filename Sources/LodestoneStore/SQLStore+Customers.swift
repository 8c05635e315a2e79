import LodestoneCore
public import LodestoneDomain

extension SQLStore {
    static let customerColumns = "id, external_id, email, metadata, derivation_index, created_at"

    static func customer(_ row: SQLRow) throws -> Customer {
        Customer(
            id: try row.text(0), externalID: try row.optionalText(1), email: try row.optionalText(2),
            metadata: try row.optionalText(3), derivationIndex: try row.optionalInt(4).map { UInt32($0) },
            createdAt: try row.int(5))
    }

    public func createCustomer(externalID: String?, email: String?, metadata: String?, now: Int64) async throws -> Customer {
        let id = ResourceID.make("cus")
        do {
            try await database.transaction { db in
                if let externalID {
                    let taken = try await db.query("SELECT id FROM customers WHERE external_id = $1", [.text(externalID)])
                    if let row = taken.first { throw StoreError.conflict(field: "external_id", existingID: try row.text(0)) }
                }
                _ = try await db.query(
                    "INSERT INTO customers (\(Self.customerColumns)) VALUES ($1, $2, $3, $4, NULL, $5)",
                    [.text(id), externalID.sql, email.sql, metadata.sql, .int(now)])
            }
        } catch StoreError.backend(let why) {
            // A concurrent create with the same external id won the race: report it like the check above.
            if let externalID, let existing = try await customerID(externalID: externalID) {
                throw StoreError.conflict(field: "external_id", existingID: existing)
            }
            throw StoreError.backend(why)
        }
        return Customer(id: id, externalID: externalID, email: email, metadata: metadata, derivationIndex: nil, createdAt: now)
    }

    func customerID(externalID: String) async throws -> String? {
        try await database.read { db in
            try await db.query("SELECT id FROM customers WHERE external_id = $1", [.text(externalID)]).first?.text(0)
        }
    }

    public func customer(id: String) async throws -> Customer? {
        try await database.read { db in
            try await db.query("SELECT \(Self.customerColumns) FROM customers WHERE id = $1", [.text(id)])
                .first.map(Self.customer)
        }
    }

    public func customers(page: Int, pageSize: Int) async throws -> Page<Customer> {
        try await self.page(
            from: "customers", columns: Self.customerColumns, order: "created_at, id", page: page, pageSize: pageSize,
            decode: Self.customer)
    }
}
