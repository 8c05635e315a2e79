public import LodestoneCore
public import LodestoneDomain

// Transfers found by a repair read (rescan, check-tx) join the scanned chain only where the scan
// stored that block: decided by `RepairReadPlan` under the cursor's row lock, so a reorg committed
// at the same moment cannot slip an orphan in.
extension SQLStore {
    public func recordRepairFinding(_ o: DepositObservation, minimum: Amount, now: Int64) async throws -> RepairRecording {
        let lock = database.dialect.forUpdate
        let network = o.network.rawValue
        return try await database.transaction { db in
            let cursor = try await db.query(
                "SELECT block_number, block_hash, parent_hash FROM scan_cursors WHERE network = $1\(lock)", [.text(network)]
            ).first.map(Self.block)
            let stored = try await db.query(
                "SELECT block_number, block_hash, parent_hash FROM chain_blocks WHERE network = $1 AND block_number = $2",
                [.text(network), .int(o.blockNumber)]
            ).first.map(Self.block)
            switch RepairReadPlan.verdict(number: o.blockNumber, hash: o.blockHash, cursor: cursor, stored: stored) {
            case .notYetScanned:
                return .notYetScanned
            case .offScannedChain(let storedHash):
                return .offScannedChain(storedHash: storedHash)
            case .record:
                let (deposit, created) = try await Self.record(o, minimum: minimum, lock: lock, now: now, db)
                return .recorded(deposit, created: created)
            }
        }
    }
}
