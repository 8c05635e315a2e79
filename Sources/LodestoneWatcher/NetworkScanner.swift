import Foundation
import LodestoneChains
import LodestoneRPC
import LodestoneStore
public import LodestoneCore
public import LodestoneDomain
public import Logging

/// Follows one network: reads blocks after its cursor, commits what it finds with the cursor in one
/// transaction, walks back to the common ancestor on a reorg, and credits deposits once they are
/// confirmed. One instance per network; every step can be repeated after a crash without effect.
/// Every decision is taken by a pure type (`ScanStepMachine`, `ConfirmationPlan`, `BackUpPassPlan`,
/// `ScanSchedule`); this is the shell that performs what they ask.
public struct NetworkScanner: Sendable {
    /// What a step did.
    public typealias Outcome = ScanOutcome

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
    /// The source's mempool, when it has one and the network follows it.
    let mempool: (any MempoolSource)?
    let ledger: any ScanLedger
    let directory: any AddressDirectory
    let watchList: AddressWatchList
    let assets: AssetRegistry
    let minimums: [String: Amount]
    let settings: ScanSettings
    let now: @Sendable () -> Int64
    let logger: Logger
    /// Where the scanner reports its head, scanned height and endpoints after every step.
    let progress: ScanProgressBoard?

    /// A scanner keeping what it finds in `ledger` and finding owners in `directory`.
    public init(
        source: any ChainSource, ledger: any ScanLedger, directory: any AddressDirectory, watchList: AddressWatchList, assets: AssetRegistry,
        minimums: [String: Amount], settings: ScanSettings, now: @escaping @Sendable () -> Int64, logger: Logger,
        progress: ScanProgressBoard? = nil
    ) {
        self.progress = progress
        self.source = ValidatedChainSource(inner: source)
        mempool = settings.watchMempool ? source as? any MempoolSource : nil
        self.ledger = ledger
        self.directory = directory
        self.watchList = watchList
        self.assets = assets
        self.minimums = minimums
        self.settings = settings
        self.now = now
        self.logger = logger
    }

    /// A scanner over one store that is both ledger and directory.
    public init(
        source: any ChainSource, store: some ScanLedger & AddressDirectory, watchList: AddressWatchList, assets: AssetRegistry,
        minimums: [String: Amount], settings: ScanSettings, now: @escaping @Sendable () -> Int64, logger: Logger,
        progress: ScanProgressBoard? = nil
    ) {
        self.init(
            source: source, ledger: store, directory: store, watchList: watchList, assets: assets, minimums: minimums, settings: settings,
            now: now, logger: logger, progress: progress)
    }

    var network: NetworkID { source.network }
    /// The store marker holding the last block the back-up pass has re-read.
    var recheckMarker: String { "recheck.\(network.rawValue)" }
    /// The store marker holding the scan's anchor: below it nothing was ever stored or watched.
    var startMarker: String { "start.\(network.rawValue)" }

    var machineSettings: ScanStepMachine.Settings {
        ScanStepMachine.Settings(
            startBlock: settings.startBlock, blocksPerStep: settings.blocksPerStep, reorgWindow: settings.reorgWindow,
            backUpPass: settings.recheckDepth != nil)
    }

    /// One step: anchor, advance, or roll back; every node call of it goes to one endpoint.
    public func step(lease: ScanProgress.LeaseState? = nil) async throws -> Outcome {
        var head: Int64? = nil
        let outcome: Outcome
        do {
            outcome = try await source.pinned { try await unpinnedStep(head: &head) }
        } catch {
            // An endpoint that just failed must show as failed, not as it was at the last good step.
            if let progress { await progress.recordEndpoints(await endpoints(), for: network) }
            throw error
        }
        try await report(head: head, lease: lease)
        return outcome
    }

    /// Tells the progress board where the scan stands (a standby reports the store's cursor only).
    func report(head: Int64?, lease: ScanProgress.LeaseState?) async throws {
        guard let progress else { return }
        let scanned = try await ledger.scanCursor(network: network)?.number
        await progress.record(
            ScanProgress(headHeight: head, scannedHeight: scanned, updatedAt: now(), endpoints: await endpoints(), lease: lease), for: network)
    }

    /// Each endpoint's health, last problem and last reported head.
    func endpoints() async -> [ScanProgress.Endpoint] {
        let heads = await source.endpointHeads()
        return await source.endpointHealth().map {
            ScanProgress.Endpoint(
                label: $0.label, healthy: $0.healthy, problem: $0.problem, head: heads[$0.label]?.head, stale: heads[$0.label]?.stale ?? false)
        }
    }

    func unpinnedStep(head: inout Int64?) async throws -> Outcome {
        var machine = ScanStepMachine(settings: machineSettings)
        var action = machine.start()
        // The transfers of the range being committed, kept between the scan and its commit.
        var transfers: [ObservedTransfer] = []
        var blockTimes: [Int64: Int64] = [:]
        while true {
            switch action {
            case .readHead:
                let block = try await source.head().block
                head = block.number
                action = machine.headRead(block)
            case .readCursor:
                let cursor = try await ledger.scanCursor(network: network)
                action = machine.cursorRead(cursor, scanStart: cursor == nil ? nil : try await ledger.marker(name: startMarker))
            case .readNodeBlock(let n):
                action = machine.nodeBlockRead(try await source.block(at: n))
            case .readStoredBlock(let n):
                action = machine.storedBlockRead(try await ledger.chainBlock(network: network, number: n))
            case .scan(let range):
                // Refreshed after the head was read: every block up to it was made after these addresses existed.
                try await watchList.refresh()
                let scanned = try await source.scan(range, watching: watchList)
                transfers = scanned.transfers
                blockTimes = scanned.blockTimes
                action = machine.scanned(blocks: scanned.blocks)
            case .commitAnchor(let anchor):
                // Markers first: a crash before the commit anchors again and sets them again.
                // The back-up pass starts where the scan starts: earlier blocks were never watched.
                try await ledger.setMarker(name: recheckMarker, value: anchor.number)
                try await ledger.setMarker(name: startMarker, value: anchor.number)
                _ = try await ledger.commitScan(ScanCommit(network: network, previous: nil, blocks: [anchor], deposits: []), now: now())
                logger.info("scanning starts", metadata: ["network": "\(network)", "block": "\(anchor.number + 1)"])
                action = machine.committed(deposits: 0)
            case .commit(let previous, let blocks):
                let deposits = try await observations(transfers)
                let found = try await ledger.commitScan(
                    ScanCommit(network: network, previous: previous, blocks: blocks, deposits: deposits), now: now())
                for d in found {
                    if let time = blockTimes[d.blockNumber] { WatcherMetrics.detected(network: network.rawValue, after: now() / 1000 - time) }
                    logger.info(
                        "deposit detected",
                        metadata: [
                            "network": "\(network)", "deposit": "\(d.id)", "asset": "\(d.assetID)", "amount": "\(d.amount)",
                            "status": "\(d.status.rawValue)", "block": "\(d.blockNumber)",
                        ])
                }
                action = machine.committed(deposits: found.count)
            case .readBackUpMarker:
                action = machine.backUpMarkerRead(try await ledger.marker(name: recheckMarker))
            case .prune(let below):
                try await ledger.pruneChainBlocks(network: network, below: below)
                action = machine.pruned()
            case .rewind(let ancestor, let depth):
                let outcome = try await ledger.rewind(network: network, to: ancestor, now: now())
                WatcherMetrics.reorg(network: network.rawValue, depth: depth)
                logger.warning(
                    "reorg: rolled back to the common ancestor",
                    metadata: [
                        "network": "\(network)", "ancestor": "\(ancestor.number)", "depth": "\(depth)",
                        "orphaned": "\(outcome.orphaned.map(\.id))",
                    ])
                for d in outcome.reversed {
                    WatcherMetrics.reversed(network: network.rawValue)
                    logger.error(
                        "a credited deposit left the chain: its credit was taken back from the customer's balance (deposit.reversed)",
                        metadata: ["network": "\(network)", "deposit": "\(d.id)", "amount": "\(d.amount)", "block": "\(d.blockNumber)"])
                }
                action = machine.rewound()
            case .finish(let outcome):
                return outcome
            case .reorgBeyondWindow(let cursor):
                WatcherMetrics.reorgBeyondWindow(network: network.rawValue)
                logger.critical("reorg deeper than the kept block hashes", metadata: ["network": "\(network)", "cursor": "\(cursor)"])
                throw Alarm.reorgBeyondWindow(network: network, from: settings.reorgWindow)
            }
        }
    }

    /// Ties transfers to the customers that own their recipients.
    func observations(_ transfers: [ObservedTransfer]) async throws -> [ScannedDeposit] {
        try await owned(transfers).map(\.1)
    }

    /// Each transfer whose recipient has an owner, with its deposit observation.
    func owned(_ transfers: [ObservedTransfer]) async throws -> [(ObservedTransfer, ScannedDeposit)] {
        // Looked up once per recipient: the address text on this network and its owner, if any.
        var owners: [[UInt8]: (address: String, owner: CustomerAddress?)] = [:]
        var out: [(ObservedTransfer, ScannedDeposit)] = []
        for t in transfers {
            if owners[t.recipient] == nil {
                let text = addressText(t.recipient)
                var owner: CustomerAddress? = nil
                if let parsed = try? AddressCodec.parse(text, network: network) { owner = try await directory.address(matching: parsed, environment: network.environment) }
                owners[t.recipient] = (text, owner)
            }
            guard let (address, found) = owners[t.recipient], let owner = found else {
                logger.error("transfer to a watched account without an owner", metadata: ["network": "\(network)", "tx": "\(t.txHash)"])
                continue
            }
            // A refused token (its contract contradicts its definition) is not read at all.
            guard await assets.asset(id: t.assetID) != nil else { continue }
            let fromOperator = t.sender.map { settings.internalSenders.contains($0) } ?? false
            let observation = DepositObservation(
                network: network, assetID: t.assetID, address: address,
                customerID: owner.customerID, amount: t.amount, txHash: t.txHash, position: t.position, blockNumber: t.blockNumber,
                blockHash: t.blockHash, sender: t.sender.map { addressText(network.family == .tron ? [0x41] + $0 : $0) },
                ignoreReason: fromOperator ? "sent from an operator address (networks.\(network.rawValue).internal_senders)" : nil,
                minimumConfirmations: t.minimumConfirmations)
            out.append((t, ScannedDeposit(observation: observation, minimum: minimums[t.assetID] ?? .zero)))
        }
        return out
    }

    /// The address text of a recipient: an EVM or Tron account, a Bitcoin output script, a Solana key.
    func addressText(_ key: [UInt8]) -> String {
        switch network.family {
        case .tron: return TronAddress.encode(raw: key)
        case .bitcoin: return network.bitcoinParameters.flatMap { BitcoinAddress.address(script: key, parameters: $0) } ?? Hex.encode(key)
        case .solana: return key.count == 32 ? SolanaAddress.encode(key) : Hex.encode(key)
        case .evm: return EVMAddress.checksummed(key)
        }
    }

    /// Counts confirmations of pending deposits up to the scanned tip and credits those that reached
    /// their asset's current threshold for their amount (or the node's finalized height, when it is
    /// on the scanned chain). Returns how many were credited.
    @discardableResult
    public func track() async throws -> Int {
        guard let tip = try await ledger.scanCursor(network: network) else { return 0 }
        let pending = try await ledger.pendingDeposits(network: network)
        guard !pending.isEmpty else { return 0 }
        var finality = ConfirmationPlan.Finality.counting
        if let tag = settings.finality, pending.contains(where: { !settings.countedAssets.contains($0.assetID) }) {
            let height = min(try await source.finalizedHeight(tag), tip.number)
            // The node's tag must name the chain the scan stored: otherwise it is a tag of another
            // branch, and nothing is credited by it until the scan has followed the reorg.
            if let stored = try await ledger.chainBlock(network: network, number: height),
                try await source.block(at: height).hash == stored.hash
            {
                finality = .tagged(height)
            } else {
                logger.warning(
                    "the node's \(tag.rawValue) block is not on the scanned chain; crediting by it waits",
                    metadata: ["network": "\(network)", "height": "\(height)"])
                // Nothing is final by the tag yet; assets that count blocks still move on.
                finality = .tagged(-1)
            }
        }
        var thresholds: [String: ConfirmationThreshold] = [:]
        for id in Set(pending.map(\.assetID)) { thresholds[id] = await assets.asset(id: id)?.threshold }
        var credited = 0
        for step in ConfirmationPlan.decide(
            tip: tip.number, pending: pending, thresholds: thresholds, finality: finality, counted: settings.countedAssets)
        {
            if let confirmations = step.confirmations {
                try await ledger.setConfirmations(depositID: step.depositID, confirmations: confirmations, now: now())
            }
            guard step.credit, let outcome = try await ledger.creditDeposit(id: step.depositID, now: now()) else { continue }
            credited += 1
            WatcherMetrics.credited(network: network.rawValue, after: now() - outcome.deposit.createdAt)
            logger.info(
                "deposit credited",
                metadata: [
                    "network": "\(network)", "deposit": "\(step.depositID)", "amount": "\(outcome.deposit.amount)",
                    "intents": "\(outcome.appliedTo)", "to_balance": "\(outcome.toBalance)",
                ])
        }
        return credited
    }

    /// The back-up pass: re-reads token transfers of one range that is final by now and records any
    /// the head scan missed (providers sometimes return incomplete logs). Returns how many it found.
    @discardableResult
    public func recheck() async throws -> Int {
        guard let depth = settings.recheckDepth, let tip = try await ledger.scanCursor(network: network) else { return 0 }
        let done = try await ledger.marker(name: recheckMarker)
        switch BackUpPassPlan.next(done: done, tip: tip.number, depth: depth, blocksPerStep: settings.blocksPerStep) {
        case .wait:
            return 0
        case .begin(let at):
            try await ledger.setMarker(name: recheckMarker, value: at)
            return 0
        case .read(let range):
            try await watchList.refresh()
            var onScannedChain: [ObservedTransfer] = []
            for t in try await source.rescan(range, watching: watchList) {
                let stored = try await ledger.chainBlock(network: network, number: t.blockNumber)
                switch BackUpPassPlan.verdict(blockHash: t.blockHash, stored: stored) {
                case .onScannedChain:
                    onScannedChain.append(t)
                case .unverifiable:
                    logger.error(
                        "back-up pass cannot check a transfer: its block's hash is no longer kept",
                        metadata: ["network": "\(network)", "block": "\(t.blockNumber)", "tx": "\(t.txHash)"])
                case .conflicting:
                    throw ChainSourceError.inconsistent("back-up pass read block \(t.blockNumber) with another hash")
                }
            }
            var found = 0
            for scanned in try await observations(onScannedChain) {
                let (deposit, created) = try await ledger.recordDeposit(scanned.observation, minimum: scanned.minimum, now: now())
                guard created else { continue }
                found += 1
                logger.warning(
                    "back-up pass found a deposit the head scan missed",
                    metadata: ["network": "\(network)", "deposit": "\(deposit.id)", "tx": "\(deposit.txHash)"])
            }
            try await ledger.setMarker(name: recheckMarker, value: range.upperBound)
            return found
        }
    }

    /// Scans until cancelled on the system's continuous clock.
    public func run() async throws {
        try await run(clock: ContinuousClock())
    }

    /// Scans until cancelled: steps while behind, tracks confirmations, rechecks when idle, and backs
    /// off (logging why) when a step fails; `clock` paces it. With a `lease`, only while this
    /// instance holds the network's lease (renewed before every step; given up on the way out).
    /// Returns only on cancellation or an alarm.
    public func run<C: Clock>(clock: C, lease: ScanLease? = nil) async throws where C.Duration == Duration {
        var holding = false
        do {
            try await loop(clock: clock, lease: lease, holding: &holding)
        } catch {
            await release(lease, if: holding)
            throw error
        }
        await release(lease, if: holding)
    }

    /// Gives the lease up so a standby takes over at once; done even when the task was cancelled.
    func release(_ lease: ScanLease?, if holding: Bool) async {
        guard let lease, holding else { return }
        let network = network
        // Awaited to its end, outside the cancelled task: a cancelled query would leave the lease to expire.
        let released = await Task.detached { () -> Bool in
            (try? await lease.leases.releaseScanLease(network: network, holder: lease.holder)) != nil
        }.value
        logger.info("scan lease released", metadata: ["network": "\(network)", "released": "\(released)"])
    }

    func loop<C: Clock>(clock: C, lease: ScanLease?, holding: inout Bool) async throws where C.Duration == Duration {
        try await verify(clock: clock)
        var schedule = ScanSchedule(pollInterval: settings.pollInterval, retryDelay: settings.retryDelay)
        var mempoolWatch = MempoolWatch<ObservedTransfer>()
        while !Task.isCancelled {
            do {
                if let lease {
                    let held = try await lease.leases.acquireScanLease(network: network, holder: lease.holder, ttlMillis: lease.ttl.milliseconds)
                    if held != holding {
                        logger.notice(
                            held ? "this instance holds the scan lease: scanning" : "another instance holds the scan lease: standing by",
                            metadata: ["network": "\(network)"])
                        // A new holder starts from what the store says, not from a stale mempool view.
                        mempoolWatch = MempoolWatch<ObservedTransfer>()
                    }
                    holding = held
                    guard held else {
                        try await report(head: nil, lease: .standby)
                        try await clock.sleep(for: lease.standbyPoll)
                        continue
                    }
                }
                let outcome = try await step(lease: lease == nil ? nil : .held)
                try await track()
                if case .idle(let pause) = schedule.succeeded(outcome) {
                    try await pollMempool(&mempoolWatch)
                    try await recheck()
                    try await clock.sleep(for: pause)
                }
            } catch let alarm as Alarm {
                throw alarm
            } catch is CancellationError {
                return
            } catch StoreError.scanCursorMoved {
                // Another instance's scanner committed first: nothing is wrong and nothing is lost
                // (its commit holds the same blocks); the next step starts from its cursor.
                logger.info("another scanner advanced this network first; this step's work is dropped", metadata: ["network": "\(network)"])
            } catch {
                let delay = schedule.failed()
                logger.error(
                    "scan step failed; retrying", metadata: ["network": "\(network)", "error": "\(error)", "failures": "\(schedule.failures)"])
                try await clock.sleep(for: delay)
            }
        }
    }

    /// Checks the endpoints on the system's continuous clock.
    public func verify() async throws {
        try await verify(clock: ContinuousClock())
    }

    /// Reads each operator-defined token's decimals (and symbol) from its contract and refuses
    /// those that contradict their definition, before anything of them can be credited. A node
    /// that cannot be asked fails the check, which is retried like the endpoint check.
    func verifyTokens() async throws {
        guard !settings.tokensToVerify.isEmpty else { return }
        guard let reader = (source as? ValidatedChainSource)?.tokenReader ?? (source as? any TokenMetadataReading) else {
            for asset in settings.tokensToVerify {
                await assets.refuse(id: asset.id, reason: "\(network) cannot read token contracts")
                logger.critical("assets.\(asset.id): this network's source cannot read token contracts: the asset is refused", metadata: ["network": "\(network)"])
            }
            return
        }
        for asset in settings.tokensToVerify {
            guard let contract = asset.contract, await assets.asset(id: asset.id) != nil else { continue }
            let problem: String?
            do {
                problem = TokenCheck.problem(asset, onChain: try await reader.tokenMetadata(contract: contract))
            } catch let unreadable as TokenReadProblem {
                problem = "assets.\(asset.id): \(unreadable.description): the asset is refused and nothing of it is credited"
            }
            if let problem {
                await assets.refuse(id: asset.id, reason: problem)
                logger.critical("\(problem)", metadata: ["network": "\(network)", "asset": "\(asset.id)"])
            } else {
                logger.info("token matches its contract", metadata: ["network": "\(network)", "asset": "\(asset.id)"])
            }
        }
    }

    /// What stops the endpoint check, said precisely: endpoints that cannot be reached are not
    /// endpoints that answer with something unusable (a node whose block 0 comes back as `{}`).
    public static func endpointProblem(_ error: any Error) -> String {
        let failures: [RPCError]
        switch error {
        case RPCError.exhausted(let all): failures = all
        case let one as RPCError: failures = [one]
        default: return "cannot check the endpoints"
        }
        let unusable = failures.filter(\.isUnusableAnswer).count
        if unusable == 0 { return "cannot reach any endpoint" }
        if unusable == failures.count { return "every endpoint answers, but with something unusable" }
        return "no endpoint is usable: \(unusable) answer with something unusable, \(failures.count - unusable) cannot be reached"
    }

    /// Checks the endpoints serve this network, retrying while none answers; a wrong chain stops it.
    public func verify<C: Clock>(clock: C) async throws where C.Duration == Duration {
        var failures = 0
        while true {
            do {
                try await source.verifyChain()
                try await verifyTokens()
                return
            } catch let error as ChainSourceError {
                logger.critical("network refuses to run", metadata: ["network": "\(network)", "reason": "\(error)"])
                throw error
            } catch {
                failures += 1
                logger.error("\(Self.endpointProblem(error))", metadata: ["network": "\(network)", "error": "\(error)"])
                try await clock.sleep(for: ScanSchedule.backoff(settings.retryDelay, attempt: failures + 1))
            }
        }
    }
}
