import Foundation
import LodestoneCore
public import LodestoneDomain

extension SQLStore {
    static let intentColumns = """
        id, status, asset_id, network, amount, amount_received, deposit_address, confirmations_required, \
        customer_id, merchant_order_id, metadata, expires_at, created_at, request_hash, seq
        """

    static func intent(_ row: SQLRow) throws -> PaymentIntent {
        guard let status = PaymentIntentStatus(rawValue: try row.text(1)) else { throw StoreError.corrupt("intent status") }
        guard let network = NetworkID(rawValue: try row.text(3)) else { throw StoreError.corrupt("intent network") }
        return PaymentIntent(
            id: try row.text(0), status: status, assetID: try row.text(2), network: network,
            amount: try Self.amount(try row.text(4)), amountReceived: try Self.amount(try row.text(5)),
            depositAddress: try row.text(6), confirmationsRequired: Int(try row.int(7)), customerID: try row.text(8),
            merchantOrderID: try row.optionalText(9), metadata: try row.optionalText(10), expiresAt: try row.int(11),
            createdAt: try row.int(12), sequence: try row.optionalInt(14) ?? 0)
    }

    static func amount(_ text: String) throws -> Amount {
        do { return try Amount(baseUnitString: text) } catch { throw StoreError.corrupt("amount '\(text)'") }
    }

    public func createPaymentIntent(_ new: NewPaymentIntent, now: Int64) async throws -> (PaymentIntent, created: Bool) {
        let intent = PaymentIntent(
            id: ResourceID.make("pi"), status: .requiresPayment, assetID: new.asset.id, network: new.asset.network,
            amount: new.amount, amountReceived: .zero, depositAddress: new.depositAddress,
            confirmationsRequired: new.asset.threshold.required(for: new.amount), customerID: new.customerID,
            merchantOrderID: new.merchantOrderID, metadata: new.metadata, expiresAt: now + new.expiresIn * 1000,
            createdAt: now)
        let insertBinds: [SQLValue] = [
            .text(intent.id), .text(intent.status.rawValue), .text(intent.assetID), .text(intent.network.rawValue),
            .text(intent.amount.description), .text("0"), .text(intent.depositAddress),
            .int(Int64(intent.confirmationsRequired)), .text(intent.customerID), intent.merchantOrderID.sql,
            intent.metadata.sql, .int(intent.expiresAt), .int(intent.createdAt), .text(new.requestHash),
            new.idempotencyKey.sql,
        ]
        if new.idempotencyKey == nil {
            // Without a key there is nothing to look up first: a sequence number and one insert,
            // with the foreign key standing guard for the customer.
            var created = intent
            do {
                let lock = database.dialect.forUpdate
                created = try await database.transaction { db in
                    var stored = intent
                    stored.sequence = try await Self.nextSequence("payment_intents", db)
                    _ = try await db.query(Self.insertIntent, insertBinds + [.int(stored.sequence)])
                    // Money already on its way makes a new intent processing at once.
                    let (plan, _) = try await Self.ledger(
                        .intentCreated(intentID: intent.id, at: now), customer: intent.customerID, asset: intent.assetID, intent: intent.id,
                        lock: lock, now: now, db)
                    stored.status = plan.intents.first { $0.id == intent.id }?.status ?? stored.status
                    return stored
                }
            } catch StoreError.backend {
                guard try await customer(id: new.customerID) != nil else { throw StoreError.notFound("customer") }
                throw StoreError.backend("payment intent insert failed")
            }
            return (created, true)
        }
        do {
            return try await database.transaction { db in
                if let key = new.idempotencyKey, let prior = try await Self.intent(idempotencyKey: key, db) {
                    guard prior.hash == new.requestHash else { throw StoreError.idempotencyMismatch }
                    return (prior.intent, false)
                }
                guard try await !db.query("SELECT id FROM customers WHERE id = $1", [.text(new.customerID)]).isEmpty else {
                    throw StoreError.notFound("customer")
                }
                var created = intent
                created.sequence = try await Self.nextSequence("payment_intents", db)
                _ = try await db.query(Self.insertIntent, insertBinds + [.int(created.sequence)])
                let (plan, _) = try await Self.ledger(
                    .intentCreated(intentID: intent.id, at: now), customer: intent.customerID, asset: intent.assetID, intent: intent.id,
                    lock: database.dialect.forUpdate, now: now, db)
                created.status = plan.intents.first { $0.id == intent.id }?.status ?? created.status
                return (created, true)
            }
        } catch StoreError.backend(let why) {
            // A concurrent request with the same key won the race: answer as its retry would be answered.
            if let key = new.idempotencyKey,
                let prior = try await database.read({ db in try await Self.intent(idempotencyKey: key, db) })
            {
                guard prior.hash == new.requestHash else { throw StoreError.idempotencyMismatch }
                return (prior.intent, false)
            }
            throw StoreError.backend(why)
        }
    }

    static let insertIntent = """
        INSERT INTO payment_intents (\(intentColumns), idempotency_key)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, $15)
        """

    static func intent(idempotencyKey: String, _ db: any SQLExecutor) async throws -> (intent: PaymentIntent, hash: String)? {
        guard
            let row = try await db.query(
                "SELECT \(intentColumns) FROM payment_intents WHERE idempotency_key = $1", [.text(idempotencyKey)]
            ).first
        else { return nil }
        return (try intent(row), try row.optionalText(13) ?? "")
    }

    public func paymentIntent(id: String) async throws -> PaymentIntent? {
        try await database.read { db in
            try await db.query("SELECT \(Self.intentColumns) FROM payment_intents WHERE id = $1", [.text(id)])
                .first.map(Self.intent)
        }
    }

    public func paymentIntents(_ filter: PaymentIntentFilter, page: Int, pageSize: Int) async throws -> Page<PaymentIntent> {
        try await self.page(
            from: "payment_intents", columns: Self.intentColumns, filter: Self.sqlFilter(filter), order: "seq DESC",
            page: page, pageSize: pageSize, decode: Self.intent)
    }

    public func paymentIntents(_ filter: PaymentIntentFilter, from cursor: PageCursor, pageSize: Int) async throws -> CursorPage<PaymentIntent>? {
        try await cursorPage(
            from: "payment_intents", columns: Self.intentColumns, filter: Self.sqlFilter(filter), order: [.int("seq")], descending: true,
            cursor: cursor, pageSize: pageSize, decode: Self.intent)
    }

    static func sqlFilter(_ filter: PaymentIntentFilter) -> SQLFilter {
        var where_ = SQLFilter()
        where_.equal("customer_id", filter.customerID)
        where_.equal("status", filter.status?.rawValue)
        where_.equal("merchant_order_id", filter.merchantOrderID)
        where_.oneOf("network", filter.environment.map { e in NetworkID.allCases.filter { $0.environment == e }.map(\.rawValue) })
        where_.atLeast("created_at", filter.createdGTE)
        where_.atMost("created_at", filter.createdLTE)
        return where_
    }

    public func cancelPaymentIntent(id: String, now: Int64) async throws -> PaymentIntent {
        let lock = database.dialect.forUpdate
        return try await database.transaction { db in
            guard let row = try await db.query("SELECT \(Self.intentColumns) FROM payment_intents WHERE id = $1", [.text(id)]).first
            else { throw StoreError.notFound("payment intent") }
            let intent = try Self.intent(row)
            let (plan, _) = try await Self.ledger(
                .intentCanceled(intentID: id, at: now), customer: intent.customerID, asset: intent.assetID, intent: id, lock: lock, now: now, db)
            var result = intent
            if let change = plan.intents.first(where: { $0.id == id }) { result.status = change.status }
            return result
        }
    }

    public func expirePaymentIntents(now: Int64) async throws -> [PaymentIntent] {
        let lock = database.dialect.forUpdate
        // The accounts holding an open intent past its expiry; the ledger decides each.
        let due = try await database.read { db in
            try await db.query(
                """
                SELECT DISTINCT customer_id, asset_id FROM payment_intents
                WHERE status IN ('requires_payment', 'processing') AND expires_at <= $1
                """, [.int(now)]
            ).map { (try $0.text(0), try $0.text(1)) }
        }
        var expired: [PaymentIntent] = []
        for (customer, asset) in due {
            let (plan, account) = try await database.transaction { db in
                try await Self.ledger(.timePassed(at: now), customer: customer, asset: asset, lock: lock, now: now, db)
            }
            for change in plan.intents where change.status == .expired {
                guard var intent = account.intents.first(where: { $0.id == change.id }) else { continue }
                intent.status = .expired
                expired.append(intent)
            }
        }
        return expired
    }

    public func updatePaymentIntent(id: String, _ change: PaymentIntentChange, actor: String, now: Int64) async throws -> PaymentIntent {
        let lock = database.dialect.forUpdate
        return try await database.transaction { db in
            guard let before = try await db.query("SELECT \(Self.intentColumns) FROM payment_intents WHERE id = $1\(lock)", [.text(id)])
                .first.map(Self.intent)
            else { throw StoreError.notFound("payment intent \(id)") }
            switch change.refusal(for: before, now: now) {
            case .state(let why)?: throw StoreError.invalidState(why)
            case .value(let field, let why)?: throw StoreError.refused(field: field, why)
            case nil: break
            }
            let after = change.applied(to: before)
            guard after.merchantOrderID != before.merchantOrderID || after.metadata != before.metadata || after.expiresAt != before.expiresAt
            else { return before }
            _ = try await db.query(
                "UPDATE payment_intents SET merchant_order_id = $1, metadata = $2, expires_at = $3 WHERE id = $4",
                [after.merchantOrderID.sql, after.metadata.sql, .int(after.expiresAt), .text(id)])
            try await Self.insertAudit(
                AuditEvent(
                    id: ResourceID.make("aud"), actor: actor, action: "payment_intent.updated", target: id,
                    oldValue: try Self.auditText(before), newValue: try Self.auditText(after), createdAt: now,
                    environment: before.network.environment), db)
            return after
        }
    }

    /// The fields a merchant may change, as the audit log keeps them (encoded, never assembled).
    static func auditText(_ i: PaymentIntent) throws -> String {
        struct Fields: Encodable {
            let merchantOrderID: String?
            let metadata: String?
            let expiresAt: Int64
            enum CodingKeys: String, CodingKey {
                case metadata
                case merchantOrderID = "merchant_order_id", expiresAt = "expires_at"
            }
            func encode(to encoder: any Encoder) throws {
                var k = encoder.container(keyedBy: CodingKeys.self)
                try k.encode(merchantOrderID, forKey: .merchantOrderID)
                try k.encode(metadata, forKey: .metadata)
                try k.encode(expiresAt, forKey: .expiresAt)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(
            decoding: try encoder.encode(Fields(merchantOrderID: i.merchantOrderID, metadata: i.metadata, expiresAt: i.expiresAt)), as: UTF8.self)
    }
}
