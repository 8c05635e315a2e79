public import LodestoneCore
public import LodestoneDomain

// Cursors, block hashes and reorgs: what lets a scanner resume exactly where it stopped.
extension SQLStore {
    public func scanCursor(network: NetworkID) async throws -> ChainBlock? {
        try await database.read { db in
            try await db.query(
                "SELECT block_number, block_hash, parent_hash FROM scan_cursors WHERE network = $1", [.text(network.rawValue)]
            ).first.map(Self.block)
        }
    }

    public func chainBlock(network: NetworkID, number: Int64) async throws -> ChainBlock? {
        try await database.read { db in
            try await db.query(
                "SELECT block_number, block_hash, parent_hash FROM chain_blocks WHERE network = $1 AND block_number = $2",
                [.text(network.rawValue), .int(number)]
            ).first.map(Self.block)
        }
    }

    static func block(_ row: SQLRow) throws -> ChainBlock {
        ChainBlock(number: try row.int(0), hash: try row.text(1), parentHash: try row.text(2))
    }

    public func commitScan(_ commit: ScanCommit, now: Int64) async throws -> [Deposit] {
        guard let last = commit.blocks.last else { return [] }
        let lock = database.dialect.forUpdate
        let network = commit.network.rawValue
        return try await database.transaction { db in
            let current = try await db.query(
                "SELECT block_number, block_hash, parent_hash FROM scan_cursors WHERE network = $1\(lock)", [.text(network)]
            ).first.map(Self.block)
            // Two scanners of one network (two instances) cannot both advance the same cursor.
            guard current == commit.previous else { throw StoreError.scanCursorMoved(network) }
            var found: [Deposit] = []
            for scanned in commit.deposits {
                let (deposit, created) = try await Self.record(
                    scanned.observation, minimum: scanned.minimum, lock: lock, now: now, db)
                if created { found.append(deposit) }
            }
            for block in commit.blocks {
                _ = try await db.query(
                    """
                    INSERT INTO chain_blocks (network, block_number, block_hash, parent_hash) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (network, block_number) DO UPDATE SET block_hash = excluded.block_hash, parent_hash = excluded.parent_hash
                    """, [.text(network), .int(block.number), .text(block.hash), .text(block.parentHash)])
            }
            try await Self.setCursor(network, last, now: now, db)
            return found
        }
    }

    static func setCursor(_ network: String, _ block: ChainBlock, now: Int64, _ db: any SQLExecutor) async throws {
        _ = try await db.query(
            """
            INSERT INTO scan_cursors (network, block_number, block_hash, parent_hash, updated_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (network) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash,
                parent_hash = excluded.parent_hash, updated_at = excluded.updated_at
            """, [.text(network), .int(block.number), .text(block.hash), .text(block.parentHash), .int(now)])
    }

    public func rewind(network: NetworkID, to ancestor: ChainBlock, now: Int64) async throws -> RewindOutcome {
        let lock = database.dialect.forUpdate
        let net = network.rawValue
        return try await database.transaction { db in
            let rows = try await db.query(
                """
                SELECT \(Self.depositColumns) FROM deposits
                WHERE network = $1 AND block_number > $2
                ORDER BY block_number, id\(lock)
                """, [.text(net), .int(ancestor.number)])
            var orphaned: [Deposit] = []
            var reversed: [Deposit] = []
            for row in rows {
                let deposit = try Self.deposit(row)
                let cause = deposit.blockHash
                switch DepositRecording.rollback(deposit) {
                case .orphanIgnored:
                    _ = try await db.query(
                        "UPDATE deposits SET status = $1, updated_at = $2 WHERE id = $3",
                        [.text(DepositStatus.orphaned.rawValue), .int(now), .text(deposit.id)])
                case .orphan:
                    try await Self.ledger(
                        .orphaned(depositID: deposit.id, cause: cause, at: now), customer: deposit.customerID, asset: deposit.assetID,
                        deposit: deposit.id, lock: lock, now: now, db)
                    orphaned.append(deposit.with(status: .orphaned))
                case .reverse:
                    // Credited money left the chain: the ledger takes the credit back and says so.
                    try await Self.ledger(
                        .reversed(depositID: deposit.id, cause: cause, at: now), customer: deposit.customerID, asset: deposit.assetID,
                        deposit: deposit.id, lock: lock, now: now, db)
                    reversed.append(deposit.with(status: .reversed))
                case .none:
                    continue
                }
            }
            _ = try await db.query(
                "DELETE FROM chain_blocks WHERE network = $1 AND block_number > $2", [.text(net), .int(ancestor.number)])
            try await Self.setCursor(net, ancestor, now: now, db)
            return RewindOutcome(orphaned: orphaned, reversed: reversed)
        }
    }

    public func pruneChainBlocks(network: NetworkID, below number: Int64) async throws {
        _ = try await database.read { db in
            try await db.query(
                "DELETE FROM chain_blocks WHERE network = $1 AND block_number < $2", [.text(network.rawValue), .int(number)])
        }
    }

    public func pendingDeposits(network: NetworkID) async throws -> [Deposit] {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.depositColumns) FROM deposits WHERE network = $1 AND status = 'pending' ORDER BY block_number, id",
                [.text(network.rawValue)]
            ).map(Self.deposit)
        }
    }

    public func unminedDeposits(network: NetworkID) async throws -> [Deposit] {
        try await database.read { db in
            try await db.query(
                """
                SELECT \(Self.depositColumns) FROM deposits
                WHERE network = $1 AND block_number < 0 AND status IN ('pending', 'ignored') ORDER BY id
                """, [.text(network.rawValue)]
            ).map(Self.deposit)
        }
    }

    public func withdrawUnmined(depositID: String, now: Int64) async throws -> Deposit? {
        let lock = database.dialect.forUpdate
        return try await database.transaction { db in
            guard let row = try await db.query("SELECT \(Self.depositColumns) FROM deposits WHERE id = $1\(lock)", [.text(depositID)]).first
            else { throw StoreError.notFound("deposit") }
            let deposit = try Self.deposit(row)
            switch DepositRecording.withdrawal(deposit) {
            case .orphanIgnored:
                _ = try await db.query(
                    "UPDATE deposits SET status = $1, updated_at = $2 WHERE id = $3",
                    [.text(DepositStatus.orphaned.rawValue), .int(now), .text(deposit.id)])
            case .orphan:
                try await Self.ledger(
                    .orphaned(depositID: deposit.id, cause: DepositRecording.withdrawalCause(at: now), at: now), customer: deposit.customerID,
                    asset: deposit.assetID, deposit: deposit.id, lock: lock, now: now, db)
            case .reverse, .none:
                return nil
            }
            return deposit.with(status: .orphaned)
        }
    }

    public func setConfirmations(depositID: String, confirmations: Int, now: Int64) async throws {
        _ = try await database.read { db in
            try await db.query(
                "UPDATE deposits SET confirmations = $1, updated_at = $2 WHERE id = $3 AND status = 'pending'",
                [.int(Int64(confirmations)), .int(now), .text(depositID)])
        }
    }

    public func watchedAddresses(family: ChainFamily, environment: DeploymentEnvironment, after sequence: Int64) async throws -> [(
        matchKey: String, sequence: Int64
    )] {
        try await database.read { db in
            try await db.query(
                """
                SELECT a.match_key, a.seq FROM addresses a JOIN customers c ON c.id = a.customer_id
                WHERE a.family = $1 AND c.environment = $2 AND a.seq > $3 ORDER BY a.seq
                """,
                [.text(family.rawValue), .text(environment.rawValue), .int(sequence)]
            ).map { (try $0.text(0), try $0.int(1)) }
        }
    }
}

extension SQLStore {
    public func marker(name: String) async throws -> Int64? {
        try await database.read { db in
            try await db.query("SELECT value FROM counters WHERE name = $1", [.text("marker." + name)]).first?.int(0)
        }
    }

    public func setMarker(name: String, value: Int64) async throws {
        _ = try await database.read { db in
            try await db.query(
                "INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                [.text("marker." + name), .int(value)])
        }
    }
}
