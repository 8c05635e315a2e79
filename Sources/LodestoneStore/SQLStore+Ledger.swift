import LodestoneCore
import LodestoneDomain

// The store's side of the ledger: lock one customer's money in one asset, load what the ledger
// needs, ask it, and apply its plan, all in the caller's transaction. No money rule lives here.
extension SQLStore {
    static let ledgerDepositColumns = depositColumns + ", credits, reversals, seen_at"

    static func ledgerDeposit(_ row: SQLRow) throws -> LedgerDeposit {
        let deposit = try Self.deposit(row)
        return LedgerDeposit(
            deposit: deposit, credits: Int(try row.int(16)), reversals: Int(try row.int(17)), seenAt: try row.optionalInt(18) ?? deposit.createdAt)
    }

    /// Decides `fact` for one customer's `asset` and applies the plan. `deposit` and `intent` name
    /// the fact's own rows, loaded even when they are no longer pending or open.
    @discardableResult
    static func ledger(
        _ fact: LedgerFact, customer: String, asset: String, deposit: String? = nil, intent: String? = nil, lock: String, now: Int64,
        _ db: any SQLExecutor
    ) async throws -> (plan: LedgerPlan, account: LedgerAccount) {
        // Every change of this money serializes on one row, created on first use.
        _ = try await db.query(
            "INSERT INTO ledger_accounts (customer_id, asset_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [.text(customer), .text(asset)])
        _ = try await db.query(
            "SELECT customer_id FROM ledger_accounts WHERE customer_id = $1 AND asset_id = $2\(lock)", [.text(customer), .text(asset)])
        let account = try await loadAccount(customer: customer, asset: asset, deposit: deposit, intent: intent, db)
        let plan: LedgerPlan
        do { plan = try Ledger.decide(fact, on: account) } catch { throw StoreError.invalidState(error.description) }
        if let refusal = plan.refusal { throw StoreError.invalidState(refusal) }
        try await apply(plan, account: account, now: now, db)
        return (plan, account)
    }

    static func loadAccount(customer: String, asset: String, deposit: String?, intent: String?, _ db: any SQLExecutor) async throws
        -> LedgerAccount
    {
        guard let decimals = try await assetDecimals(asset, db) else { throw StoreError.invalidState("unknown asset \(asset)") }
        let intents = try await db.query(
            """
            SELECT \(intentColumns) FROM payment_intents
            WHERE customer_id = $1 AND asset_id = $2 AND (status IN ('requires_payment', 'processing') OR id = $3)
            ORDER BY seq
            """, [.text(customer), .text(asset), .text(intent ?? "")]
        ).map(Self.intent)
        let deposits = try await db.query(
            """
            SELECT \(ledgerDepositColumns) FROM deposits
            WHERE customer_id = $1 AND asset_id = $2 AND (status = 'pending' OR id = $3)
            ORDER BY seen_at, id
            """, [.text(customer), .text(asset), .text(deposit ?? "")]
        ).map(Self.ledgerDeposit)
        return LedgerAccount(
            customerID: customer, assetID: asset, decimals: decimals, intents: intents, deposits: deposits,
            balance: try await balance(customer: customer, asset: asset, db))
    }

    /// The sum of a customer's balance entries in one asset.
    static func balance(customer: String, asset: String, _ db: any SQLExecutor) async throws -> LedgerAmount {
        try await db.query(
            "SELECT amount FROM ledger_entries WHERE customer_id = $1 AND asset_id = $2 AND target = 'balance'",
            [.text(customer), .text(asset)]
        ).reduce(LedgerAmount.zero) { sum, row in
            guard let amount = LedgerAmount(text: try row.text(0)) else { throw StoreError.corrupt("ledger amount") }
            return sum + amount
        }
    }

    static func apply(_ plan: LedgerPlan, account: LedgerAccount, now: Int64, _ db: any SQLExecutor) async throws {
        for d in plan.deposits {
            _ = try await db.query(
                """
                UPDATE deposits SET status = $1, credits = $2, reversals = $3, seen_at = $4, updated_at = $5,
                    credited_at = CASE WHEN $2 > credits THEN $5 ELSE credited_at END
                WHERE id = $6
                """,
                [.text(d.status.rawValue), .int(Int64(d.credits)), .int(Int64(d.reversals)), .int(d.seenAt), .int(now), .text(d.id)])
        }
        for i in plan.intents {
            _ = try await db.query(
                "UPDATE payment_intents SET status = $1, amount_received = $2 WHERE id = $3",
                [.text(i.status.rawValue), .text(i.amountReceived.description), .text(i.id)])
        }
        for e in plan.entries {
            _ = try await db.query(
                """
                INSERT INTO ledger_entries (key, customer_id, asset_id, target, amount, deposit_id, intent_id, reason, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING
                """,
                [
                    .text(e.key), .text(account.customerID), .text(account.assetID), .text(e.target), .text(e.amount.description),
                    e.depositID.sql, e.intentID.sql, .text(e.reason), .int(now),
                ])
        }
        guard !plan.events.isEmpty else { return }
        let environment = try await customerEnvironment(account.customerID, db)
        for event in plan.events { try await emit(event.type, key: event.key, event.payload, environment: environment, now: now, db) }
    }
}
