import Foundation
public import LodestoneCore
public import LodestoneDomain

// Deposits in, credits out: every write here is keyed so that repeating it changes nothing.
extension SQLStore {
    public func recordDeposit(_ o: DepositObservation, minimum: Amount, now: Int64) async throws -> (Deposit, created: Bool) {
        let lock = database.dialect.forUpdate
        return try await database.transaction { db in try await Self.record(o, minimum: minimum, lock: lock, now: now, db) }
    }

    /// Records one transfer inside the caller's transaction. A transfer seen again is the same
    /// deposit: unchanged if nothing moved, moved to its new block after a reorg, and brought back
    /// (`created == true`) if the reorg had orphaned it.
    static func record(_ o: DepositObservation, minimum: Amount, lock: String, now: Int64, _ db: any SQLExecutor) async throws
        -> (Deposit, created: Bool)
    {
        let status: DepositStatus = o.amount < minimum || o.amount == .zero ? .ignored : .pending
        let inserted = try await db.query(
            """
            INSERT INTO deposits (id, network, asset_id, address, customer_id, amount, tx_hash, position, block_number,
                                  block_hash, confirmations, status, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $12)
            ON CONFLICT (network, tx_hash, position) DO NOTHING
            RETURNING \(Self.depositColumns)
            """,
            [
                .text(ResourceID.make("dep")), .text(o.network.rawValue), .text(o.assetID), .text(o.address), .text(o.customerID),
                .text(o.amount.description), .text(o.txHash), .int(Int64(o.position)), .int(o.blockNumber),
                .text(o.blockHash), .text(status.rawValue), .int(now),
            ])
        if let row = inserted.first {
            let deposit = try Self.deposit(row)
            if status == .pending { try await detected(deposit, key: deposit.id, now: now, db) }
            return (deposit, true)
        }
        let existing = try Self.deposit(
            try await db.query(
                "SELECT \(Self.depositColumns) FROM deposits WHERE network = $1 AND tx_hash = $2 AND position = $3\(lock)",
                [.text(o.network.rawValue), .text(o.txHash), .int(Int64(o.position))]
            ).first ?? { throw StoreError.corrupt("deposit conflict without row") }())
        if existing.status == .orphaned {
            _ = try await db.query(
                """
                UPDATE deposits SET status = $1, block_number = $2, block_hash = $3, confirmations = 0, updated_at = $4
                WHERE id = $5
                """, [.text(status.rawValue), .int(o.blockNumber), .text(o.blockHash), .int(now), .text(existing.id)])
            let revived = existing.moved(to: o, status: status)
            if status == .pending { try await detected(revived, key: "\(revived.id).\(o.blockHash)", now: now, db) }
            return (revived, true)
        }
        if existing.blockHash != o.blockHash {
            // Re-included by a new branch (a credited one clears its reversal flag).
            _ = try await db.query(
                "UPDATE deposits SET block_number = $1, block_hash = $2, reversed_at = NULL, updated_at = $3 WHERE id = $4",
                [.int(o.blockNumber), .text(o.blockHash), .int(now), .text(existing.id)])
            return (existing.moved(to: o, status: existing.status), false)
        }
        return (existing, false)
    }

    /// A pending deposit was seen: announce it, and its open intents now have money on the way.
    static func detected(_ deposit: Deposit, key: String, now: Int64, _ db: any SQLExecutor) async throws {
        try await Self.emit(.depositDetected, key: key, try Self.depositEventData(deposit), now: now, db)
        let moved = try await db.query(
            """
            UPDATE payment_intents SET status = 'processing'
            WHERE customer_id = $1 AND asset_id = $2 AND status = 'requires_payment'
            RETURNING id
            """, [.text(deposit.customerID), .text(deposit.assetID)])
        for intent in moved {
            let intentID = try intent.text(0)
            try await Self.emit(
                .paymentIntentProcessing, key: "\(intentID).\(key)",
                try EventPayload.encode(IntentProcessingEventData(paymentIntent: intentID, deposit: deposit.id)), now: now, db)
        }
    }

    public func creditDeposit(id: String, now: Int64) async throws -> CreditOutcome? {
        let lock = database.dialect.forUpdate
        return try await database.transaction { db in
            guard
                let row = try await db.query(
                    "SELECT \(Self.depositColumns), credited_at FROM deposits WHERE id = $1\(lock)", [.text(id)]
                ).first
            else { throw StoreError.notFound("deposit") }
            let deposit = try Self.deposit(row)
            // The guard that makes crediting exactly-once: only a pending, uncredited deposit moves on.
            guard deposit.status == .pending, try row.optionalInt(13) == nil else { return nil }
            let intents = try await db.query(
                """
                SELECT \(Self.intentColumns) FROM payment_intents
                WHERE customer_id = $1 AND asset_id = $2 AND status IN ('requires_payment', 'processing')
                ORDER BY seq\(lock)
                """, [.text(deposit.customerID), .text(deposit.assetID)]
            ).map(Self.intent)
            let allocation = CreditAllocation.allocate(deposit.amount, to: intents)
            for application in allocation.applications {
                _ = try await db.query(
                    "UPDATE payment_intents SET amount_received = $1, status = $2 WHERE id = $3",
                    [.text(application.amountReceived.description), .text(application.status.rawValue), .text(application.intentID)])
                try await Self.apply(deposit.id, target: application.intentID, amount: application.applied, now: now, db)
                if application.status == .succeeded {
                    try await Self.emit(
                        .paymentIntentSucceeded, key: application.intentID,
                        try EventPayload.encode(
                            IntentSucceededEventData(
                                paymentIntent: application.intentID,
                                amountReceived: try Self.decimal(application.amountReceived, deposit.assetID))),
                        now: now, db)
                }
            }
            if allocation.unapplied > .zero {
                let current = try await db.query(
                    "SELECT amount FROM customer_balances WHERE customer_id = $1 AND asset_id = $2\(lock)",
                    [.text(deposit.customerID), .text(deposit.assetID)]
                ).first.map { try Self.amount(try $0.text(0)) } ?? .zero
                guard let total = current.adding(allocation.unapplied) else { throw StoreError.invalidState("balance overflow") }
                _ = try await db.query(
                    """
                    INSERT INTO customer_balances (customer_id, asset_id, amount, updated_at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (customer_id, asset_id) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at
                    """, [.text(deposit.customerID), .text(deposit.assetID), .text(total.description), .int(now)])
                try await Self.apply(deposit.id, target: "balance", amount: allocation.unapplied, now: now, db)
                try await Self.emit(
                    .customerBalanceCredited, key: deposit.id,
                    try EventPayload.encode(
                        BalanceCreditedEventData(
                            customer: deposit.customerID, asset: deposit.assetID,
                            amount: try Self.decimal(allocation.unapplied, deposit.assetID), balance: try Self.decimal(total, deposit.assetID),
                            deposit: deposit.id)),
                    now: now, db)
            }
            // Intents waiting on this deposit and left unpaid go back to waiting for payment,
            // unless another deposit of theirs is still on its way.
            _ = try await db.query(
                """
                UPDATE payment_intents SET status = 'requires_payment'
                WHERE customer_id = $1 AND asset_id = $2 AND status = 'processing'
                  AND NOT EXISTS (SELECT 1 FROM deposits d WHERE d.customer_id = $1 AND d.asset_id = $2
                                  AND d.status = 'pending' AND d.id <> $3)
                """, [.text(deposit.customerID), .text(deposit.assetID), .text(deposit.id)])
            _ = try await db.query(
                "UPDATE deposits SET status = 'confirmed', credited_at = $1, updated_at = $1 WHERE id = $2",
                [.int(now), .text(deposit.id)])
            let confirmed = deposit.with(status: .confirmed)
            try await Self.emit(.depositConfirmed, key: deposit.id, try Self.depositEventData(confirmed), now: now, db)
            return CreditOutcome(deposit: confirmed, allocation: allocation)
        }
    }

    static func apply(_ depositID: String, target: String, amount: Amount, now: Int64, _ db: any SQLExecutor) async throws {
        _ = try await db.query(
            "INSERT INTO deposit_applications (deposit_id, target, amount, created_at) VALUES ($1, $2, $3, $4)",
            [.text(depositID), .text(target), .text(amount.description), .int(now)])
    }

    /// Writes an event whose id is derived from what caused it, so a repeat cannot add a second one,
    /// and owes it to every endpoint subscribed to its type (same transaction: the outbox).
    /// An amount as event data carries it: a decimal string in the asset's unit, as the API writes it.
    static func decimal(_ amount: Amount, _ assetID: String) throws -> String {
        guard let decimals = AssetCatalog.decimals(ofAssetID: assetID) else { throw StoreError.invalidState("unknown asset \(assetID)") }
        return amount.decimalString(decimals: decimals)
    }

    static func emit(_ type: EventType, key: String, _ data: String, now: Int64, _ db: any SQLExecutor) async throws {
        let id = "evt_\(type.rawValue).\(key)"
        guard try await db.query("SELECT id FROM events WHERE id = $1", [.text(id)]).isEmpty else { return }
        let inserted = try await db.query(
            "INSERT INTO events (id, type, data, created_at, seq) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id",
            [.text(id), .text(type.rawValue), .text(data), .int(now), .int(try await Self.nextSequence("events", db))])
        guard !inserted.isEmpty else { return }
        _ = try await db.query(
            """
            INSERT INTO webhook_deliveries (event_id, endpoint_id, status, attempts, next_attempt_at, created_at, updated_at)
            SELECT $1, id, 'pending', 0, $2, $2, $2 FROM webhook_endpoints WHERE deleted_at IS NULL AND events LIKE $3
            """, [.text(id), .int(now), .text("%,\(type.rawValue),%")])
    }

    static func depositEventData(_ d: Deposit) throws -> String {
        guard let decimals = AssetCatalog.decimals(ofAssetID: d.assetID) else { throw StoreError.invalidState("unknown asset \(d.assetID)") }
        return try EventPayload.encode(DepositEventData(d, decimals: decimals))
    }

    public func balances(customerID: String) async throws -> [String: Amount] {
        try await database.read { db in
            var out: [String: Amount] = [:]
            for row in try await db.query(
                "SELECT asset_id, amount FROM customer_balances WHERE customer_id = $1", [.text(customerID)])
            {
                out[try row.text(0)] = try Self.amount(try row.text(1))
            }
            return out
        }
    }

    public func events(page: Int, pageSize: Int) async throws -> Page<OutboxEvent> {
        try await self.page(from: "events", columns: "id, type, data, created_at", order: "seq", page: page, pageSize: pageSize) { r in
            guard let type = EventType(rawValue: try r.text(1)) else { throw StoreError.corrupt("event type") }
            return OutboxEvent(id: try r.text(0), type: type, data: try r.text(2), createdAt: try r.int(3))
        }
    }
}
