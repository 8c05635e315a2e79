import LodestoneCore
import LodestoneDomain
import LodestoneStore
import LodestoneWatcher
import Synchronization

/// A scan ledger kept in memory, executing the same decisions as the SQL store (`DepositRecording`
/// and `Ledger`), so the scanner's tests run without a database. It passes the same contract.
final class InMemoryScanLedger: ScanLedger {
    struct State {
        var cursors: [NetworkID: ChainBlock] = [:]
        var blocks: [NetworkID: [Int64: ChainBlock]] = [:]
        /// Deposits in the order they were recorded, with the ledger's counters.
        var deposits: [LedgerDeposit] = []
        var balances: [String: LedgerAmount] = [:]
        var markers: [String: Int64] = [:]
        var events: [LedgerPlan.Event] = []
        var nextID = 0
    }

    let state = Mutex(State())

    /// The unapplied balance of `customer` in `asset`.
    func balance(customer: String, asset: String) -> LedgerAmount {
        state.withLock { $0.balances["\(customer)/\(asset)"] ?? .zero }
    }

    /// Every deposit, in recording order.
    func allDeposits() -> [Deposit] { state.withLock { $0.deposits.map(\.deposit) } }

    /// Types of the events the ledger raised, in order.
    func eventTypes() -> [EventType] { state.withLock { $0.events.map(\.type) } }

    func scanCursor(network: NetworkID) async throws -> ChainBlock? { state.withLock { $0.cursors[network] } }

    func chainBlock(network: NetworkID, number: Int64) async throws -> ChainBlock? {
        state.withLock { $0.blocks[network]?[number] }
    }

    func commitScan(_ commit: ScanCommit, now: Int64) async throws -> [Deposit] {
        guard let last = commit.blocks.last else { return [] }
        return try state.withLock { s in
            guard s.cursors[commit.network] == commit.previous else { throw StoreError.scanCursorMoved(commit.network.rawValue) }
            var working = s
            var found: [Deposit] = []
            for scanned in commit.deposits {
                let (deposit, created) = try Self.record(scanned.observation, minimum: scanned.minimum, now: now, &working)
                if created { found.append(deposit) }
            }
            for block in commit.blocks { working.blocks[commit.network, default: [:]][block.number] = block }
            working.cursors[commit.network] = last
            s = working
            return found
        }
    }

    func rewind(network: NetworkID, to ancestor: ChainBlock, now: Int64) async throws -> RewindOutcome {
        try state.withLock { s in
            var working = s
            var orphaned: [Deposit] = []
            var reversed: [Deposit] = []
            let abandoned = working.deposits.map(\.deposit)
                .filter { $0.network == network && $0.blockNumber > ancestor.number }
                .sorted { ($0.blockNumber, $0.id) < ($1.blockNumber, $1.id) }
            for d in abandoned {
                switch DepositRecording.rollback(d) {
                case .orphanIgnored:
                    Self.update(&working, d.id) { $0.deposit = $0.deposit.with(status: .orphaned) }
                case .orphan:
                    try Self.ledger(.orphaned(depositID: d.id, cause: d.blockHash, at: now), d, &working)
                    orphaned.append(d.with(status: .orphaned))
                case .reverse:
                    try Self.ledger(.reversed(depositID: d.id, cause: d.blockHash, at: now), d, &working)
                    reversed.append(d.with(status: .reversed))
                case .none:
                    continue
                }
            }
            working.blocks[network] = working.blocks[network]?.filter { $0.key <= ancestor.number }
            working.cursors[network] = ancestor
            s = working
            return RewindOutcome(orphaned: orphaned, reversed: reversed)
        }
    }

    func pruneChainBlocks(network: NetworkID, below number: Int64) async throws {
        state.withLock { s in s.blocks[network] = s.blocks[network]?.filter { $0.key >= number } }
    }

    func pendingDeposits(network: NetworkID) async throws -> [Deposit] {
        state.withLock { s in
            s.deposits.map(\.deposit).filter { $0.network == network && $0.status == .pending }
                .sorted { ($0.blockNumber, $0.id) < ($1.blockNumber, $1.id) }
        }
    }

    func setConfirmations(depositID: String, confirmations: Int, now: Int64) async throws {
        state.withLock { s in
            Self.update(&s, depositID) { d in
                if d.deposit.status == .pending { d.deposit = d.deposit.with(status: .pending, confirmations: confirmations) }
            }
        }
    }

    func creditDeposit(id: String, now: Int64) async throws -> CreditOutcome? {
        try state.withLock { s in
            guard let d = s.deposits.first(where: { $0.deposit.id == id })?.deposit else { throw StoreError.notFound("deposit") }
            guard d.status == .pending else { return nil }
            var working = s
            let plan = try Self.ledger(.confirmed(depositID: id, at: now), d, &working)
            guard plan.deposits.contains(where: { $0.id == id && $0.status == .confirmed }) else { return nil }
            s = working
            let toBalance = plan.entries.filter { $0.target == "balance" && $0.depositID == id }.reduce(LedgerAmount.zero) { $0 + $1.amount }
            return CreditOutcome(
                deposit: d.with(status: .confirmed), appliedTo: plan.entries.compactMap { $0.target == "balance" ? nil : $0.intentID },
                toBalance: toBalance.nonNegative ?? .zero)
        }
    }

    func recordDeposit(_ observation: DepositObservation, minimum: Amount, now: Int64) async throws -> (Deposit, created: Bool) {
        try state.withLock { s in
            var working = s
            let result = try Self.record(observation, minimum: minimum, now: now, &working)
            s = working
            return result
        }
    }

    func recordRepairFinding(_ observation: DepositObservation, minimum: Amount, now: Int64) async throws -> RepairRecording {
        try state.withLock { s in
            let verdict = RepairReadPlan.verdict(
                number: observation.blockNumber, hash: observation.blockHash, cursor: s.cursors[observation.network],
                stored: s.blocks[observation.network]?[observation.blockNumber])
            switch verdict {
            case .notYetScanned: return .notYetScanned
            case .offScannedChain(let hash): return .offScannedChain(storedHash: hash)
            case .record:
                var working = s
                let (deposit, created) = try Self.record(observation, minimum: minimum, now: now, &working)
                s = working
                return .recorded(deposit, created: created)
            }
        }
    }

    func unminedDeposits(network: NetworkID) async throws -> [Deposit] {
        state.withLock { s in
            s.deposits.map(\.deposit).filter { $0.network == network && $0.isUnmined && ($0.status == .pending || $0.status == .ignored) }
        }
    }

    func withdrawUnmined(depositID: String, now: Int64) async throws -> Deposit? {
        try state.withLock { s in
            guard let deposit = s.deposits.first(where: { $0.deposit.id == depositID })?.deposit else { throw StoreError.notFound("deposit") }
            var working = s
            switch DepositRecording.withdrawal(deposit) {
            case .orphanIgnored:
                Self.update(&working, depositID) { $0.deposit = deposit.with(status: .orphaned) }
            case .orphan:
                try Self.ledger(.orphaned(depositID: depositID, cause: DepositRecording.withdrawalCause(at: now), at: now), deposit, &working)
            case .reverse, .none:
                return nil
            }
            s = working
            return deposit.with(status: .orphaned)
        }
    }

    func marker(name: String) async throws -> Int64? { state.withLock { $0.markers[name] } }

    func setMarker(name: String, value: Int64) async throws { state.withLock { $0.markers[name] = value } }

    // MARK: - The same decisions the SQL store executes

    static func record(_ o: DepositObservation, minimum: Amount, now: Int64, _ s: inout State) throws -> (Deposit, created: Bool) {
        let existing = s.deposits.first {
            $0.deposit.network == o.network && $0.deposit.txHash == o.txHash && $0.deposit.position == o.position
        }?.deposit
        switch DepositRecording.decide(o, minimum: minimum, existing: existing) {
        case .insert(let status, let reason):
            s.nextID += 1
            let deposit = Deposit(
                id: "dep_mem\(s.nextID)", network: o.network, assetID: o.assetID, address: o.address, customerID: o.customerID, amount: o.amount,
                txHash: o.txHash, position: o.position, blockNumber: o.blockNumber, blockHash: o.blockHash, confirmations: 0, status: status,
                createdAt: now, sender: o.sender, ignoredReason: reason, minimumConfirmations: o.minimumConfirmations)
            s.deposits.append(LedgerDeposit(deposit: deposit, credits: 0, reversals: 0, seenAt: now))
            if status == .pending { try ledger(.detected(depositID: deposit.id, cause: deposit.id, at: now), deposit, &s) }
            return (deposit, true)
        case .unchanged:
            return (existing!, false)
        case .move:
            let moved = existing!.moved(to: o, status: existing!.status)
            update(&s, moved.id) { $0.deposit = moved }
            return (moved, false)
        case .revive(let status, let reason):
            var moved = existing!.moved(to: o, status: status)
            moved.ignoredReason = reason
            update(&s, moved.id) { $0.deposit = moved }
            if status == .pending {
                try ledger(
                    .detected(depositID: moved.id, cause: DepositRecording.cause(depositID: moved.id, observation: o, at: now), at: now), moved, &s)
            }
            return (moved, true)
        case .restore:
            let moved = existing!.moved(to: o, status: .reversed)
            update(&s, moved.id) { $0.deposit = moved }
            try ledger(
                .restored(depositID: moved.id, cause: DepositRecording.cause(depositID: moved.id, observation: o, at: now), at: now), moved, &s)
            return (moved.with(status: .pending), true)
        }
    }

    /// Decides `fact` on the account of `deposit`'s customer and asset and applies the plan.
    @discardableResult
    static func ledger(_ fact: LedgerFact, _ deposit: Deposit, _ s: inout State) throws -> LedgerPlan {
        let key = "\(deposit.customerID)/\(deposit.assetID)"
        guard let decimals = AssetCatalog.decimals(ofAssetID: deposit.assetID) else { throw StoreError.invalidState("unknown asset") }
        let deposits = s.deposits.filter {
            $0.deposit.customerID == deposit.customerID && $0.deposit.assetID == deposit.assetID
                && ($0.deposit.status == .pending || $0.deposit.id == deposit.id)
        }
        let account = LedgerAccount(
            customerID: deposit.customerID, assetID: deposit.assetID, decimals: decimals, intents: [], deposits: deposits,
            balance: s.balances[key] ?? .zero)
        let plan = try Ledger.decide(fact, on: account)
        if let refusal = plan.refusal { throw StoreError.invalidState(refusal) }
        let after = account.applying(plan)
        for d in after.deposits { update(&s, d.deposit.id) { $0 = d } }
        s.balances[key] = after.balance
        s.events += plan.events
        return plan
    }

    static func update(_ s: inout State, _ id: String, _ change: (inout LedgerDeposit) -> Void) {
        guard let i = s.deposits.firstIndex(where: { $0.deposit.id == id }) else { return }
        change(&s.deposits[i])
    }
}

/// Issued addresses kept in memory.
final class InMemoryAddressDirectory: AddressDirectory {
    let records = Mutex<[(address: CustomerAddress, matchKey: [UInt8], family: ChainFamily)]>([])

    /// Adds an address, as issuing would.
    func add(_ address: CustomerAddress) throws {
        guard let network = NetworkID(rawValue: address.network) else { throw StoreError.invalidState("unknown network") }
        let key = try AddressCodec.parse(address.address, network: network).matchKey
        records.withLock { $0.append((address, key, network.family)) }
    }

    /// A customer's environment is that of the networks it has addresses on.
    static func environment(_ a: CustomerAddress) -> DeploymentEnvironment? { NetworkID(rawValue: a.network)?.environment }

    func watchedAddresses(family: ChainFamily, environment: DeploymentEnvironment, after sequence: Int64) async throws -> [(
        matchKey: String, sequence: Int64
    )] {
        records.withLock { records in
            records.enumerated().compactMap { i, r in
                let seq = Int64(i + 1)
                return r.family == family && Self.environment(r.address) == environment && seq > sequence ? (Hex.encode(r.matchKey), seq) : nil
            }
        }
    }

    func address(matching parsed: ParsedAddress, environment: DeploymentEnvironment) async throws -> CustomerAddress? {
        records.withLock { records in
            records.first { $0.matchKey == parsed.matchKey && $0.family == parsed.family && Self.environment($0.address) == environment }?.address
        }
    }
}
