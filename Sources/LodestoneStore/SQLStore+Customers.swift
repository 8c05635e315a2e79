import Foundation
public import LodestoneCore
public import LodestoneDomain

extension SQLStore {
    static let customerColumns = "id, merchant_ref, email, metadata, derivation_index, created_at, archived_at, environment"

    static func customer(_ row: SQLRow) throws -> Customer {
        Customer(
            id: try row.text(0), externalID: try row.optionalText(1), email: try row.optionalText(2),
            metadata: try row.optionalText(3), derivationIndex: try row.optionalInt(4).map { UInt32($0) },
            createdAt: try row.int(5), archivedAt: try row.optionalInt(6),
            environment: DeploymentEnvironment(rawValue: try row.text(7)) ?? .production)
    }

    public func createCustomer(
        externalID: String?, email: String?, metadata: String?, environment: DeploymentEnvironment, now: Int64
    ) async throws -> Customer {
        let id = ResourceID.make("cus")
        do {
            try await database.transaction { db in
                if let externalID {
                    let taken = try await db.query(
                        "SELECT id FROM customers WHERE environment = $1 AND merchant_ref = $2", [.text(environment.rawValue), .text(externalID)])
                    if let row = taken.first { throw StoreError.conflict(field: "external_id", existingID: try row.text(0)) }
                }
                _ = try await db.query(
                    """
                    INSERT INTO customers (id, merchant_ref, email, metadata, derivation_index, created_at, environment)
                    VALUES ($1, $2, $3, $4, NULL, $5, $6)
                    """,
                    [.text(id), externalID.sql, email.sql, metadata.sql, .int(now), .text(environment.rawValue)])
            }
        } catch StoreError.backend(let why) {
            // A concurrent create with the same external id won the race: report it like the check above.
            if let externalID, let existing = try await customerID(externalID: externalID, environment: environment) {
                throw StoreError.conflict(field: "external_id", existingID: existing)
            }
            throw StoreError.backend(why)
        }
        return Customer(
            id: id, externalID: externalID, email: email, metadata: metadata, derivationIndex: nil, createdAt: now, environment: environment)
    }

    func customerID(externalID: String, environment: DeploymentEnvironment) async throws -> String? {
        try await database.read { db in
            try await db.query(
                "SELECT id FROM customers WHERE environment = $1 AND merchant_ref = $2", [.text(environment.rawValue), .text(externalID)]
            ).first?.text(0)
        }
    }

    public func customer(id: String) async throws -> Customer? {
        try await database.read { db in
            try await db.query("SELECT \(Self.customerColumns) FROM customers WHERE id = $1", [.text(id)])
                .first.map(Self.customer)
        }
    }

    public func customers(page: Int, pageSize: Int) async throws -> Page<Customer> {
        try await customers(includeArchived: false, environment: nil, page: page, pageSize: pageSize)
    }

    public func customers(includeArchived: Bool, environment: DeploymentEnvironment?, from cursor: PageCursor, pageSize: Int) async throws
        -> CursorPage<Customer>?
    {
        var filter = SQLFilter()
        if !includeArchived { filter.condition("archived_at IS NULL") }
        if let environment { filter.oneOf("environment", [environment.rawValue]) }
        return try await cursorPage(
            from: "customers", columns: Self.customerColumns, filter: filter, order: [.int("created_at"), .text("id")], descending: false,
            cursor: cursor, pageSize: pageSize, decode: Self.customer)
    }

    public func customers(includeArchived: Bool, environment: DeploymentEnvironment?, page: Int, pageSize: Int) async throws -> Page<Customer> {
        var filter = SQLFilter()
        if !includeArchived { filter.condition("archived_at IS NULL") }
        if let environment { filter.oneOf("environment", [environment.rawValue]) }
        return try await self.page(
            from: "customers", columns: Self.customerColumns, filter: filter, order: "created_at, id", page: page, pageSize: pageSize,
            decode: Self.customer)
    }

    public func updateCustomer(id: String, _ change: CustomerChange, actor: String, now: Int64) async throws -> Customer {
        let lock = database.dialect.forUpdate
        do {
            return try await database.transaction { db in
                guard let before = try await db.query("SELECT \(Self.customerColumns) FROM customers WHERE id = $1\(lock)", [.text(id)])
                    .first.map(Self.customer)
                else { throw StoreError.notFound("customer \(id)") }
                let after = change.applied(to: before)
                guard after != before else { return before }
                if let externalID = after.externalID, externalID != before.externalID {
                    let taken = try await db.query(
                        "SELECT id FROM customers WHERE environment = $1 AND merchant_ref = $2", [.text(before.environment.rawValue), .text(externalID)])
                    if let row = taken.first { throw StoreError.conflict(field: "external_id", existingID: try row.text(0)) }
                }
                _ = try await db.query(
                    "UPDATE customers SET merchant_ref = $1, email = $2, metadata = $3 WHERE id = $4",
                    [after.externalID.sql, after.email.sql, after.metadata.sql, .text(id)])
                try await Self.insertAudit(
                    AuditEvent(
                        id: ResourceID.make("aud"), actor: actor, action: "customer.updated", target: id, oldValue: try Self.auditText(before),
                        newValue: try Self.auditText(after), createdAt: now, environment: before.environment), db)
                return after
            }
        } catch StoreError.backend(let why) {
            // A concurrent change took the external id first.
            if case let wanted?? = change.externalID, let environment = try await customer(id: id)?.environment,
                let existing = try await customerID(externalID: wanted, environment: environment), existing != id
            {
                throw StoreError.conflict(field: "external_id", existingID: existing)
            }
            throw StoreError.backend(why)
        }
    }

    public func archiveCustomer(id: String, actor: String, now: Int64) async throws -> Customer {
        let lock = database.dialect.forUpdate
        return try await database.transaction { db in
            guard let before = try await db.query("SELECT \(Self.customerColumns) FROM customers WHERE id = $1\(lock)", [.text(id)])
                .first.map(Self.customer)
            else { throw StoreError.notFound("customer \(id)") }
            guard before.archivedAt == nil else { return before }
            _ = try await db.query("UPDATE customers SET archived_at = $1 WHERE id = $2", [.int(now), .text(id)])
            try await Self.insertAudit(
                AuditEvent(
                    id: ResourceID.make("aud"), actor: actor, action: "customer.archived", target: id, oldValue: nil, newValue: nil, createdAt: now,
                    environment: before.environment),
                db)
            return Customer(
                id: before.id, externalID: before.externalID, email: before.email, metadata: before.metadata,
                derivationIndex: before.derivationIndex, createdAt: before.createdAt, archivedAt: now, environment: before.environment)
        }
    }

    /// The fields a merchant may change, as the audit log keeps them (encoded, never assembled).
    static func auditText(_ c: Customer) throws -> String {
        struct Fields: Encodable {
            let externalID: String?
            let email: String?
            let metadata: String?
            enum CodingKeys: String, CodingKey {
                case email, metadata
                case externalID = "external_id"
            }
            func encode(to encoder: any Encoder) throws {
                var k = encoder.container(keyedBy: CodingKeys.self)
                try k.encode(externalID, forKey: .externalID)
                try k.encode(email, forKey: .email)
                try k.encode(metadata, forKey: .metadata)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Fields(externalID: c.externalID, email: c.email, metadata: c.metadata)), as: UTF8.self)
    }
}
