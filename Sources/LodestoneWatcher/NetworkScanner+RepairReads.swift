public import LodestoneDomain
import LodestoneChains
public import LodestoneCore
import Logging

/// What `rescan` read and found.
public struct RescanReport: Sendable, Equatable {
    /// Blocks read.
    public var blocksRead: Int64 = 0
    /// Deposits recorded now (missed by the scan, or brought back).
    public var recorded: [Deposit] = []
    /// Transfers that were already recorded.
    public var alreadyRecorded = 0
    /// Transfers in blocks the scan stored with another hash (the node is on another branch).
    public var offScannedChain = 0

    /// An empty report.
    public init() {}
}

/// Failures of a repair read that the operator must correct.
public enum RepairReadError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The scan has not reached the first block asked for.
    case notScannedYet(network: NetworkID, from: Int64, cursor: Int64?)
    /// The source cannot look transactions up by hash.
    case noTransactionLookup(NetworkID)

    public var description: String {
        switch self {
        case .notScannedYet(let network, let from, let cursor):
            let at = cursor.map { "the scan is at block \($0)" } ?? "the scan has not started"
            return "\(network): block \(from) is not scanned yet (\(at)); the scan itself will read it"
        case .noTransactionLookup(let network):
            return "\(network): this source cannot look transactions up by hash"
        }
    }
}

// Repair reads run beside the scan (another process, or the API while the scanner runs): they
// read blocks again and record only through `recordRepairFinding`, which checks each transfer's
// block against the scanned chain under the cursor's lock. Nothing is counted twice: a transfer is
// keyed by (network, tx hash, position), as in the scan.
extension NetworkScanner {
    /// Reads blocks `from...to` again (to the scan's cursor at most) and records any deposit the
    /// scan missed.
    public func rescan(from: Int64, to: Int64?) async throws -> RescanReport {
        let cursor = try await ledger.scanCursor(network: network)?.number
        guard let ranges = RepairReadPlan.ranges(from: from, to: to, cursor: cursor, width: settings.blocksPerStep) else {
            throw RepairReadError.notScannedYet(network: network, from: from, cursor: cursor)
        }
        var report = RescanReport()
        try await watchList.refresh()
        for range in ranges {
            let scanned = try await source.pinned { try await source.scan(range, watching: watchList) }
            report.blocksRead += Int64(scanned.blocks.count)
            for (transfer, outcome) in try await record(scanned.transfers) {
                switch outcome {
                case .recorded(let deposit, true):
                    report.recorded.append(deposit)
                    logger.warning(
                        "rescan found a deposit the scan missed",
                        metadata: ["network": "\(network)", "deposit": "\(deposit.id)", "tx": "\(transfer.txHash)", "block": "\(transfer.blockNumber)"])
                case .recorded(_, false): report.alreadyRecorded += 1
                case .notYetScanned: continue
                case .offScannedChain: report.offScannedChain += 1
                }
            }
        }
        return report
    }

    /// Reads one transaction again and records any deposit it pays that the scan missed; `block`
    /// tells a node without a transaction index where to look.
    public func checkTransaction(_ hash: String, inBlock block: Int64? = nil) async throws -> TransactionCheck {
        guard let locating = source as? any TransactionLocating else { throw RepairReadError.noTransactionLookup(network) }
        try await watchList.refresh()
        switch try await locating.transaction(hash, inBlock: block, watching: watchList) {
        case .notFound:
            return TransactionCheck(network: network, txHash: hash, status: .notFound)
        case .unmined:
            return TransactionCheck(network: network, txHash: hash, status: .unmined)
        case .mined(let number, let blockHash, let succeeded, let transfers):
            var found: [TransactionCheck.Transfer] = []
            for (transfer, outcome) in try await record(transfers) {
                found.append(
                    TransactionCheck.Transfer(
                        assetID: transfer.assetID, amount: transfer.amount, address: addressText(transfer.recipient), position: transfer.position,
                        outcome: outcome))
                if case .recorded(let deposit, true) = outcome {
                    logger.warning(
                        "check-tx found a deposit the scan missed",
                        metadata: ["network": "\(network)", "deposit": "\(deposit.id)", "tx": "\(hash)", "block": "\(number)"])
                }
            }
            return TransactionCheck(
                network: network, txHash: hash, status: .mined, blockNumber: number, blockHash: blockHash, succeeded: succeeded, transfers: found)
        }
    }

    /// Records each transfer through the scanned-chain check; transfers to no owner are skipped
    /// (logged by `observations`).
    func record(_ transfers: [ObservedTransfer]) async throws -> [(ObservedTransfer, RepairRecording)] {
        var out: [(ObservedTransfer, RepairRecording)] = []
        for (transfer, deposit) in try await owned(transfers) {
            out.append((transfer, try await ledger.recordRepairFinding(deposit.observation, minimum: deposit.minimum, now: now())))
        }
        return out
    }
}
