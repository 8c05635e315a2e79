public import LodestoneCore

/// Repair reads (`lodestone rescan`, `check-tx`): whether a transfer read again, outside the scan,
/// may be recorded. The scan owns the chain it stored; a repair read only fills in what the scan
/// missed on that chain, so nothing is counted twice and nothing from another branch gets in.
public enum RepairReadPlan {
    /// What becomes of one transfer found by a repair read.
    public enum Verdict: Sendable, Equatable {
        /// Its block is the scanned one, or deeper than the kept hashes (final): record it.
        case record
        /// The scan has not reached its block yet: the scan will read it.
        case notYetScanned
        /// The scan stored another block at its height: it is on a branch the scan does not follow.
        case offScannedChain(storedHash: String)
    }

    /// The verdict for a transfer in block `number`/`hash`, given the scan's `cursor` and the stored
    /// block at that height (nil when its hash is no longer kept, or the scan started above it).
    public static func verdict(number: Int64, hash: String, cursor: ChainBlock?, stored: ChainBlock?) -> Verdict {
        guard let cursor, number <= cursor.number else { return .notYetScanned }
        guard let stored else { return .record }
        return stored.hash == hash ? .record : .offScannedChain(storedHash: stored.hash)
    }

    /// The ranges a rescan of `from...to` reads, `width` blocks at a time, never above the scan's
    /// cursor; nil when the scan has not reached `from`.
    public static func ranges(from: Int64, to: Int64?, cursor: Int64?, width: Int64) -> [ClosedRange<Int64>]? {
        guard let cursor, from <= cursor else { return nil }
        let end = min(to ?? cursor, cursor)
        guard from <= end else { return [] }
        let step = max(1, width)
        return stride(from: from, through: end, by: Int(step)).map { $0...min(end, $0 + step - 1) }
    }
}

/// What a repair read did with one transfer it found.
public enum RepairRecording: Sendable, Equatable {
    /// Recorded now: the deposit, new (or brought back) when `created`.
    case recorded(Deposit, created: Bool)
    /// Left to the scan, which has not reached its block.
    case notYetScanned
    /// Refused: its block is not the one the scan stored at that height.
    case offScannedChain(storedHash: String)

    /// The outcome's name in the API and the command line.
    public var name: String {
        switch self {
        case .recorded(_, let created): return created ? "recorded" : "already_recorded"
        case .notYetScanned: return "not_yet_scanned"
        case .offScannedChain: return "off_scanned_chain"
        }
    }

    /// The deposit, when the transfer is recorded.
    public var deposit: Deposit? {
        if case .recorded(let d, _) = self { return d }
        return nil
    }
}

/// The answer to "what does this transaction pay, and was it recorded?" for one transaction.
public struct TransactionCheck: Sendable, Equatable {
    /// Where the node has the transaction.
    public enum Status: String, Sendable {
        /// In a block.
        case mined
        /// Known to the node but in no block yet: the scan records it once it is mined.
        case unmined
        /// The node does not know it.
        case notFound = "not_found"
    }

    /// One transfer the transaction makes to an issued address, and what the check did with it.
    public struct Transfer: Sendable, Equatable {
        /// Asset id.
        public let assetID: String
        /// Base units.
        public let amount: Amount
        /// Recipient address.
        public let address: String
        /// Position within the transaction.
        public let position: Int
        /// What the check did.
        public let outcome: RepairRecording

        /// A transfer found.
        public init(assetID: String, amount: Amount, address: String, position: Int, outcome: RepairRecording) {
            self.assetID = assetID
            self.amount = amount
            self.address = address
            self.position = position
            self.outcome = outcome
        }
    }

    /// Network id.
    public let network: NetworkID
    /// The transaction hash as the chain writes it.
    public let txHash: String
    /// Where the node has it.
    public let status: Status
    /// Its block, when mined.
    public let blockNumber: Int64?
    /// Its block's hash, when mined.
    public let blockHash: String?
    /// Whether it succeeded, when the chain says so (a failed transaction pays nothing).
    public let succeeded: Bool?
    /// Transfers to issued addresses.
    public let transfers: [Transfer]

    /// A check's result.
    public init(
        network: NetworkID, txHash: String, status: Status, blockNumber: Int64? = nil, blockHash: String? = nil, succeeded: Bool? = nil,
        transfers: [Transfer] = []
    ) {
        self.network = network
        self.txHash = txHash
        self.status = status
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.succeeded = succeeded
        self.transfers = transfers
    }

    /// One sentence saying what was found and why, for a person.
    public var explanation: String {
        switch status {
        case .notFound:
            return "the node does not know this transaction (on Bitcoin without -txindex, give its block)"
        case .unmined:
            return "the transaction is in no block yet; the scan records it once it is mined"
        case .mined:
            if succeeded == false { return "the transaction failed on chain: it pays nothing" }
            if transfers.isEmpty { return "the transaction pays no address issued by this service" }
            let created = transfers.filter { if case .recorded(_, true) = $0.outcome { return true } else { return false } }.count
            let known = transfers.filter { if case .recorded(_, false) = $0.outcome { return true } else { return false } }.count
            let ahead = transfers.filter { $0.outcome == .notYetScanned }.count
            let off = transfers.count - created - known - ahead
            var parts: [String] = []
            if created > 0 { parts.append("\(created) missed deposit(s) recorded now") }
            if known > 0 { parts.append("\(known) already recorded") }
            if ahead > 0 { parts.append("\(ahead) in a block the scan has not reached yet") }
            if off > 0 { parts.append("\(off) in a block that is not on the scanned chain") }
            return parts.joined(separator: "; ")
        }
    }
}
