import Foundation
import LodestoneChains
public import LodestoneCore
public import LodestoneDomain
public import LodestoneStore
public import Logging

/// Follows one network: reads blocks after its cursor, commits what it finds with the cursor in one
/// transaction, walks back to the common ancestor on a reorg, and credits deposits once they are
/// confirmed. One instance per network; every step can be repeated after a crash without effect.
public struct NetworkScanner: Sendable {
    /// What a step did.
    public enum Outcome: Sendable, Equatable {
        /// Committed blocks up to this height, creating these deposits.
        case advanced(to: Int64, deposits: Int)
        /// Nothing new.
        case caughtUp
        /// Rolled back this many blocks.
        case reorged(depth: Int64)
    }

    /// Failures that need an operator.
    public enum Alarm: Error, CustomStringConvertible {
        /// The chain changed deeper than the kept block hashes reach.
        case reorgBeyondWindow(network: NetworkID, from: Int64)

        public var description: String {
            switch self {
            case .reorgBeyondWindow(let n, let from):
                return "\(n): reorg reaches below the \(from) blocks of kept hashes; scanning stopped"
            }
        }
    }

    let source: any ChainSource
    let store: any Store
    let watchList: AddressWatchList
    let assets: AssetRegistry
    let minimums: [String: Amount]
    let settings: ScanSettings
    let now: @Sendable () -> Int64
    let logger: Logger

    /// A scanner.
    public init(
        source: any ChainSource, store: any Store, watchList: AddressWatchList, assets: AssetRegistry, minimums: [String: Amount],
        settings: ScanSettings, now: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.source = ValidatedChainSource(inner: source)
        self.store = store
        self.watchList = watchList
        self.assets = assets
        self.minimums = minimums
        self.settings = settings
        self.now = now
        self.logger = logger
    }

    var network: NetworkID { source.network }
    /// The store marker holding the last block the back-up pass has re-read.
    var recheckMarker: String { "recheck.\(network.rawValue)" }

    /// One step: anchor, advance, or roll back; every node call of it goes to one endpoint.
    public func step() async throws -> Outcome {
        try await source.pinned { try await unpinnedStep() }
    }

    func unpinnedStep() async throws -> Outcome {
        let head = try await source.head()
        guard let cursor = try await store.scanCursor(network: network) else {
            let start = max(1, settings.startBlock ?? head.block.number)
            let anchor = try await source.block(at: start - 1)
            _ = try await store.commitScan(ScanCommit(network: network, previous: nil, blocks: [anchor], deposits: []), now: now())
            // The back-up pass starts where the scan starts: earlier blocks were never watched.
            try await store.setMarker(name: recheckMarker, value: anchor.number)
            logger.info("scanning starts", metadata: ["network": "\(network)", "block": "\(start)"])
            return .advanced(to: anchor.number, deposits: 0)
        }
        guard cursor.number < head.block.number else {
            // A head at or below the cursor is still compared: a reorg to a shorter or equal branch
            // shows as another hash at the head's height.
            let stored = head.block.number == cursor.number ? cursor : try await store.chainBlock(network: network, number: head.block.number)
            if let stored, stored.hash != head.block.hash { return try await rollBack(from: cursor, nodeHead: head.block.number) }
            return .caughtUp
        }
        // Refreshed after the head was read: every block up to it was made after these addresses existed.
        try await watchList.refresh()
        let range = (cursor.number + 1)...min(head.block.number, cursor.number + max(1, settings.blocksPerStep))
        let scanned = try await source.scan(range, watching: watchList)
        guard let first = scanned.blocks.first else { return .caughtUp }
        guard first.parentHash == cursor.hash else { return try await rollBack(from: cursor, nodeHead: head.block.number) }
        let deposits = try await observations(scanned.transfers)
        let found = try await store.commitScan(
            ScanCommit(network: network, previous: cursor, blocks: scanned.blocks, deposits: deposits), now: now())
        for d in found {
            logger.info(
                "deposit detected",
                metadata: [
                    "network": "\(network)", "deposit": "\(d.id)", "asset": "\(d.assetID)", "amount": "\(d.amount)",
                    "status": "\(d.status.rawValue)", "block": "\(d.blockNumber)",
                ])
        }
        // By height, every step: hashes older than the reorg window go, but never one the back-up
        // pass has still to re-read.
        var keepFrom = range.upperBound - settings.reorgWindow
        if settings.recheckDepth != nil, let done = try await store.marker(name: recheckMarker) { keepFrom = min(keepFrom, done + 1) }
        try await store.pruneChainBlocks(network: network, below: keepFrom)
        return .advanced(to: range.upperBound, deposits: found.count)
    }

    /// Walks back from `cursor` (or the node's head, when its branch is shorter) to the last stored
    /// block the node still has, and rolls the store back to it.
    func rollBack(from cursor: ChainBlock, nodeHead: Int64) async throws -> Outcome {
        var n = min(cursor.number, nodeHead)
        while true {
            guard n >= cursor.number - settings.reorgWindow, let stored = try await store.chainBlock(network: network, number: n) else {
                logger.critical("reorg deeper than the kept block hashes", metadata: ["network": "\(network)", "cursor": "\(cursor.number)"])
                throw Alarm.reorgBeyondWindow(network: network, from: settings.reorgWindow)
            }
            if try await source.block(at: n).hash == stored.hash {
                let outcome = try await store.rewind(network: network, to: stored, now: now())
                let depth = cursor.number - stored.number
                logger.warning(
                    "reorg: rolled back to the common ancestor",
                    metadata: [
                        "network": "\(network)", "ancestor": "\(stored.number)", "depth": "\(depth)",
                        "orphaned": "\(outcome.orphaned.map(\.id))",
                    ])
                for d in outcome.reversed {
                    logger.error(
                        "a credited deposit left the chain: its credit was taken back from the customer's balance (deposit.reversed)",
                        metadata: ["network": "\(network)", "deposit": "\(d.id)", "amount": "\(d.amount)", "block": "\(d.blockNumber)"])
                }
                return .reorged(depth: depth)
            }
            n -= 1
        }
    }

    /// Ties transfers to the customers that own their recipients.
    func observations(_ transfers: [ObservedTransfer]) async throws -> [ScannedDeposit] {
        // Looked up once per recipient: the address text on this network and its owner, if any.
        var owners: [[UInt8]: (address: String, owner: CustomerAddress?)] = [:]
        var out: [ScannedDeposit] = []
        for t in transfers {
            if owners[t.recipient] == nil {
                let text = Self.addressText(t.recipient, family: network.family)
                var owner: CustomerAddress? = nil
                if let parsed = try? AddressCodec.parse(text, network: network) { owner = try await store.address(matching: parsed) }
                owners[t.recipient] = (text, owner)
            }
            guard let (address, found) = owners[t.recipient], let owner = found else {
                logger.error("transfer to a watched account without an owner", metadata: ["network": "\(network)", "tx": "\(t.txHash)"])
                continue
            }
            let fromOperator = t.sender.map { settings.internalSenders.contains($0) } ?? false
            let observation = DepositObservation(
                network: network, assetID: t.assetID, address: address,
                customerID: owner.customerID, amount: t.amount, txHash: t.txHash, position: t.position, blockNumber: t.blockNumber,
                blockHash: t.blockHash, sender: t.sender.map { Self.addressText(network.family == .tron ? [0x41] + $0 : $0, family: network.family) },
                ignoreReason: fromOperator ? "sent from an operator address (networks.\(network.rawValue).internal_senders)" : nil)
            out.append(ScannedDeposit(observation: observation, minimum: minimums[t.assetID] ?? .zero))
        }
        return out
    }

    static func addressText(_ key: [UInt8], family: ChainFamily) -> String {
        switch family {
        case .tron: return TronAddress.encode(raw: key)
        default: return EVMAddress.checksummed(key)
        }
    }

    /// Counts confirmations of pending deposits up to the scanned tip and credits those that reached
    /// their asset's current threshold (or the node's finalized height). Returns how many were credited.
    @discardableResult
    public func track() async throws -> Int {
        guard let tip = try await store.scanCursor(network: network) else { return 0 }
        let pending = try await store.pendingDeposits(network: network)
        guard !pending.isEmpty else { return 0 }
        // Only blocks the scan has linked by parent hash count: the tip, not the node's head.
        var finalized: Int64? = nil
        if let tag = settings.finality {
            let height = min(try await source.finalizedHeight(tag), tip.number)
            // The node's tag must name the chain the scan stored: otherwise it is a tag of another
            // branch, and nothing is credited by it until the scan has followed the reorg.
            if let stored = try await store.chainBlock(network: network, number: height),
                try await source.block(at: height).hash == stored.hash
            {
                finalized = height
            } else {
                logger.warning(
                    "the node's \(tag.rawValue) block is not on the scanned chain; crediting by it waits",
                    metadata: ["network": "\(network)", "height": "\(height)"])
                return 0
            }
        }
        var credited = 0
        for d in pending where d.blockNumber <= tip.number {
            let confirmations = ConfirmationRule.confirmations(head: tip.number, height: d.blockNumber)
            if confirmations != d.confirmations {
                try await store.setConfirmations(depositID: d.id, confirmations: confirmations, now: now())
            }
            let ready: Bool
            if let finalized {
                ready = d.blockNumber <= min(finalized, tip.number)
            } else {
                guard let threshold = await assets.asset(id: d.assetID)?.confirmations else { continue }
                ready = ConfirmationRule.isConfirmed(head: tip.number, height: d.blockNumber, threshold: threshold)
            }
            guard ready, let outcome = try await store.creditDeposit(id: d.id, now: now()) else { continue }
            credited += 1
            logger.info(
                "deposit credited",
                metadata: [
                    "network": "\(network)", "deposit": "\(d.id)", "amount": "\(d.amount)",
                    "intents": "\(outcome.appliedTo)", "to_balance": "\(outcome.toBalance)",
                ])
        }
        return credited
    }

    /// The back-up pass: re-reads token transfers of one range that is final by now and records any
    /// the head scan missed (providers sometimes return incomplete logs). Returns how many it found.
    @discardableResult
    public func recheck() async throws -> Int {
        guard let depth = settings.recheckDepth, let tip = try await store.scanCursor(network: network) else { return 0 }
        let finalTip = tip.number - depth
        guard let done = try await store.marker(name: recheckMarker) else {
            // Scanning began before this marker existed: start at the final tip (never below block 0).
            try await store.setMarker(name: recheckMarker, value: max(0, finalTip))
            return 0
        }
        guard done < finalTip else { return 0 }
        try await watchList.refresh()
        let range = (done + 1)...min(finalTip, done + max(1, settings.blocksPerStep) * 4)
        let transfers = try await source.rescan(range, watching: watchList)
        var onScannedChain: [ObservedTransfer] = []
        for t in transfers {
            // Every block it re-reads is kept for it (pruning waits for the pass); one that is not
            // cannot be checked against the scanned chain, and that is said loudly, never skipped quietly.
            guard let stored = try await store.chainBlock(network: network, number: t.blockNumber) else {
                logger.error(
                    "back-up pass cannot check a transfer: its block's hash is no longer kept",
                    metadata: ["network": "\(network)", "block": "\(t.blockNumber)", "tx": "\(t.txHash)"])
                continue
            }
            guard stored.hash == t.blockHash else {
                throw ChainSourceError.inconsistent("back-up pass read block \(t.blockNumber) with another hash")
            }
            onScannedChain.append(t)
        }
        var found = 0
        for scanned in try await observations(onScannedChain) {
            let (deposit, created) = try await store.recordDeposit(scanned.observation, minimum: scanned.minimum, now: now())
            if created {
                found += 1
                logger.warning(
                    "back-up pass found a deposit the head scan missed",
                    metadata: ["network": "\(network)", "deposit": "\(deposit.id)", "tx": "\(deposit.txHash)"])
            }
        }
        try await store.setMarker(name: recheckMarker, value: range.upperBound)
        return found
    }

    /// Scans until cancelled: steps while behind, tracks confirmations, rechecks when idle, and backs
    /// off (logging why) when a step fails. Returns only on cancellation or an alarm.
    public func run() async throws {
        try await verify()
        var failures = 0
        while !Task.isCancelled {
            do {
                let outcome = try await step()
                try await track()
                failures = 0
                if outcome == .caughtUp {
                    try await recheck()
                    try await Task.sleep(for: settings.pollInterval)
                }
            } catch let alarm as Alarm {
                throw alarm
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                logger.error("scan step failed; retrying", metadata: ["network": "\(network)", "error": "\(error)", "failures": "\(failures)"])
                let delay = min(settings.retryDelay * (1 << min(failures - 1, 6)), .seconds(60))
                try await Task.sleep(for: delay)
            }
        }
    }

    /// Checks the endpoints serve this network, retrying while none answers; a wrong chain stops it.
    public func verify() async throws {
        var failures = 0
        while true {
            do {
                try await source.verifyChain()
                return
            } catch let error as ChainSourceError {
                logger.critical("network refuses to run", metadata: ["network": "\(network)", "reason": "\(error)"])
                throw error
            } catch {
                failures += 1
                logger.error("cannot reach any endpoint", metadata: ["network": "\(network)", "error": "\(error)"])
                try await Task.sleep(for: min(settings.retryDelay * (1 << min(failures, 6)), .seconds(60)))
            }
        }
    }
}
