import Foundation
public import LodestoneCore
public import LodestoneDomain

// Deposits in, credits out: every write here is keyed so that repeating it changes nothing.
extension SQLStore {
    public func recordDeposit(_ o: DepositObservation, minimum: Amount, now: Int64) async throws -> (Deposit, created: Bool) {
        let lock = database.dialect.forUpdate
        return try await database.transaction { db in try await Self.record(o, minimum: minimum, lock: lock, now: now, db) }
    }

    /// Records one transfer inside the caller's transaction, executing `DepositRecording`'s decision:
    /// a transfer seen again is the same deposit (moved to its new block after a reorg, brought back
    /// with `created == true` if the reorg had taken it off the chain).
    static func record(_ o: DepositObservation, minimum: Amount, lock: String, now: Int64, _ db: any SQLExecutor) async throws
        -> (Deposit, created: Bool)
    {
        let existing = try await db.query(
            "SELECT \(Self.depositColumns) FROM deposits WHERE network = $1 AND tx_hash = $2 AND position = $3\(lock)",
            [.text(o.network.rawValue), .text(o.txHash), .int(Int64(o.position))]
        ).first.map(Self.deposit)
        switch DepositRecording.decide(o, minimum: minimum, existing: existing) {
        case .insert(let status, let reason):
            let inserted = try await db.query(
                """
                INSERT INTO deposits (id, network, asset_id, address, customer_id, amount, tx_hash, position, block_number,
                                      block_hash, confirmations, status, created_at, updated_at, seen_at, sender, ignored_reason,
                                      min_confirmations)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $12, $12, $13, $14, $15)
                ON CONFLICT (network, tx_hash, position) DO NOTHING
                RETURNING \(Self.depositColumns)
                """,
                [
                    .text(ResourceID.make("dep")), .text(o.network.rawValue), .text(o.assetID), .text(o.address), .text(o.customerID),
                    .text(o.amount.description), .text(o.txHash), .int(Int64(o.position)), .int(o.blockNumber),
                    .text(o.blockHash), .text(status.rawValue), .int(now), o.sender.sql, reason.sql, .int(Int64(o.minimumConfirmations)),
                ])
            // Another transaction recorded it first (SQLite has no row to lock before it exists): theirs stands.
            guard let row = inserted.first else { return try await record(o, minimum: minimum, lock: lock, now: now, db) }
            let deposit = try Self.deposit(row)
            if status == .pending {
                try await Self.ledger(
                    .detected(depositID: deposit.id, cause: deposit.id, at: now), customer: deposit.customerID, asset: deposit.assetID,
                    deposit: deposit.id, lock: lock, now: now, db)
            }
            return (deposit, true)
        case .unchanged:
            return (existing!, false)
        case .move:
            try await move(existing!, to: o, now: now, db)
            return (existing!.moved(to: o, status: existing!.status), false)
        case .revive(let status, let reason):
            let existing = existing!
            try await move(existing, to: o, now: now, db)
            _ = try await db.query(
                "UPDATE deposits SET status = $1, ignored_reason = $2 WHERE id = $3", [.text(status.rawValue), reason.sql, .text(existing.id)])
            if status == .pending {
                try await Self.ledger(
                    .detected(depositID: existing.id, cause: DepositRecording.cause(depositID: existing.id, observation: o, at: now), at: now),
                    customer: existing.customerID, asset: existing.assetID, deposit: existing.id, lock: lock, now: now, db)
            }
            return (existing.moved(to: o, status: status), true)
        case .restore:
            let existing = existing!
            try await move(existing, to: o, now: now, db)
            try await Self.ledger(
                .restored(depositID: existing.id, cause: DepositRecording.cause(depositID: existing.id, observation: o, at: now), at: now),
                customer: existing.customerID, asset: existing.assetID, deposit: existing.id, lock: lock, now: now, db)
            return (existing.moved(to: o, status: .pending), true)
        }
    }

    /// Points a stored deposit at the block it was seen in now; its confirmations start again.
    static func move(_ d: Deposit, to o: DepositObservation, now: Int64, _ db: any SQLExecutor) async throws {
        _ = try await db.query(
            "UPDATE deposits SET block_number = $1, block_hash = $2, confirmations = 0, updated_at = $3 WHERE id = $4",
            [.int(o.blockNumber), .text(o.blockHash), .int(now), .text(d.id)])
    }

    public func creditDeposit(id: String, now: Int64) async throws -> CreditOutcome? {
        let lock = database.dialect.forUpdate
        return try await database.transaction { db in
            guard
                let row = try await db.query("SELECT \(Self.depositColumns) FROM deposits WHERE id = $1", [.text(id)]).first
            else { throw StoreError.notFound("deposit") }
            let deposit = try Self.deposit(row)
            guard deposit.status == .pending else { return nil }
            let (plan, _) = try await Self.ledger(
                .confirmed(depositID: id, at: now), customer: deposit.customerID, asset: deposit.assetID, deposit: id, lock: lock, now: now, db)
            // The ledger credits only a pending deposit not yet credited this time: a repeat changes nothing.
            guard plan.deposits.contains(where: { $0.id == id && $0.status == .confirmed }) else { return nil }
            let toBalance = plan.entries.filter { $0.target == "balance" && $0.depositID == id }.reduce(LedgerAmount.zero) { $0 + $1.amount }
            return CreditOutcome(
                deposit: deposit.with(status: .confirmed), appliedTo: plan.entries.compactMap { $0.target == "balance" ? nil : $0.intentID },
                toBalance: toBalance.nonNegative ?? .zero)
        }
    }

    /// Writes an event whose id is derived from what caused it, so a repeat cannot add a second one,
    /// and owes it to every endpoint subscribed to its type (same transaction: the outbox).
    /// An amount as event data carries it: a decimal string in the asset's unit, as the API writes it.
    /// Only endpoints of the event's environment are owed it.
    static func emit(
        _ type: EventType, key: String, _ data: String, environment: DeploymentEnvironment, now: Int64, _ db: any SQLExecutor
    ) async throws {
        let id = "evt_\(type.rawValue).\(key)"
        guard try await db.query("SELECT id FROM events WHERE id = $1", [.text(id)]).isEmpty else { return }
        let inserted = try await db.query(
            """
            INSERT INTO events (id, type, data, created_at, seq, environment) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO NOTHING RETURNING id
            """,
            [.text(id), .text(type.rawValue), .text(data), .int(now), .int(try await Self.nextSequence("events", db)), .text(environment.rawValue)])
        guard !inserted.isEmpty else { return }
        _ = try await db.query(
            """
            INSERT INTO webhook_deliveries (event_id, endpoint_id, status, attempts, next_attempt_at, created_at, updated_at)
            SELECT $1, id, 'pending', 0, $2, $2, $2 FROM webhook_endpoints WHERE deleted_at IS NULL AND events LIKE $3 AND environment = $4
            """, [.text(id), .int(now), .text("%,\(type.rawValue),%"), .text(environment.rawValue)])
    }

    /// The environment a customer belongs to.
    static func customerEnvironment(_ customerID: String, _ db: any SQLExecutor) async throws -> DeploymentEnvironment {
        guard let row = try await db.query("SELECT environment FROM customers WHERE id = $1", [.text(customerID)]).first,
            let environment = DeploymentEnvironment(rawValue: try row.text(0))
        else { throw StoreError.corrupt("customer \(customerID) has no environment") }
        return environment
    }

    public func balances(customerID: String) async throws -> [String: LedgerAmount] {
        try await database.read { db in
            var out: [String: LedgerAmount] = [:]
            for row in try await db.query(
                "SELECT asset_id, amount FROM ledger_entries WHERE customer_id = $1 AND target = 'balance'", [.text(customerID)])
            {
                guard let amount = LedgerAmount(text: try row.text(1)) else { throw StoreError.corrupt("ledger amount") }
                out[try row.text(0), default: .zero] = out[try row.text(0), default: .zero] + amount
            }
            return out.filter { $0.value != .zero }
        }
    }

    public func events(page: Int, pageSize: Int) async throws -> Page<OutboxEvent> {
        try await events(EventFilter(), page: page, pageSize: pageSize)
    }

    public func events(_ filter: EventFilter, page: Int, pageSize: Int) async throws -> Page<OutboxEvent> {
        try await self.page(
            from: "events", columns: Self.eventColumns, filter: Self.sqlFilter(filter), order: "seq", page: page, pageSize: pageSize,
            decode: Self.outboxEvent)
    }

    public func events(_ filter: EventFilter, from cursor: PageCursor, pageSize: Int) async throws -> CursorPage<OutboxEvent>? {
        try await cursorPage(
            from: "events", columns: Self.eventColumns, filter: Self.sqlFilter(filter), order: [.int("seq")], descending: false,
            cursor: cursor, pageSize: pageSize, decode: Self.outboxEvent)
    }

    static func sqlFilter(_ filter: EventFilter) -> SQLFilter {
        var where_ = SQLFilter()
        where_.equal("type", filter.type?.rawValue)
        where_.equal("environment", filter.environment?.rawValue)
        where_.atLeast("created_at", filter.createdGTE)
        where_.atMost("created_at", filter.createdLTE)
        return where_
    }

    static let eventColumns = "id, type, data, created_at, environment"

    /// An event from the first five columns of a row, in `eventColumns` order.
    static func outboxEvent(_ r: SQLRow) throws -> OutboxEvent {
        guard let type = EventType(rawValue: try r.text(1)) else { throw StoreError.corrupt("event type") }
        guard let environment = DeploymentEnvironment(rawValue: try r.text(4)) else { throw StoreError.corrupt("event environment") }
        return OutboxEvent(id: try r.text(0), type: type, data: try r.text(2), createdAt: try r.int(3), environment: environment)
    }
}
