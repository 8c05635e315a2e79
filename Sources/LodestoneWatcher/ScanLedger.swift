public import LodestoneCore
public import LodestoneDomain
import LodestoneStore

/// What a network's scanner keeps: its cursor and recent block hashes, the deposits it found, their
/// confirmations and credits, and the back-up pass's progress. Each call is one transaction.
public protocol ScanLedger: Sendable {
    /// The last block the network's scan committed, nil before its first step.
    func scanCursor(network: NetworkID) async throws -> ChainBlock?
    /// The stored block at `number` on `network`, if it is still kept.
    func chainBlock(network: NetworkID, number: Int64) async throws -> ChainBlock?
    /// Stores a step's deposits (each once), block hashes and cursor together; `invalidState` if the
    /// cursor is no longer `commit.previous`. Returns the deposits this step created or revived.
    func commitScan(_ commit: ScanCommit, now: Int64) async throws -> [Deposit]
    /// Rolls a network back to `ancestor`: deposits above it are orphaned (pending) or reversed
    /// (credited), their hashes dropped, the cursor set to `ancestor`.
    func rewind(network: NetworkID, to ancestor: ChainBlock, now: Int64) async throws -> RewindOutcome
    /// Forgets block hashes below `number`.
    func pruneChainBlocks(network: NetworkID, below number: Int64) async throws
    /// Pending deposits on `network`, oldest block first.
    func pendingDeposits(network: NetworkID) async throws -> [Deposit]
    /// Records the confirmations counted for a pending deposit.
    func setConfirmations(depositID: String, confirmations: Int, now: Int64) async throws
    /// Credits a pending deposit once; nil when it was already credited or is not pending.
    func creditDeposit(id: String, now: Int64) async throws -> CreditOutcome?
    /// Records a deposit once per (network, tx hash, position); a repeat returns the stored one.
    func recordDeposit(_ observation: DepositObservation, minimum: Amount, now: Int64) async throws -> (Deposit, created: Bool)
    /// Records a transfer a repair read found, in one transaction with the scan's cursor: only when
    /// `RepairReadPlan` says its block is on the scanned chain (a repeat returns the stored deposit).
    func recordRepairFinding(_ observation: DepositObservation, minimum: Amount, now: Int64) async throws -> RepairRecording
    /// Deposits on `network` seen in the mempool and in no block yet (pending or ignored).
    func unminedDeposits(network: NetworkID) async throws -> [Deposit]
    /// Withdraws the detection of an unmined deposit whose transaction left the mempool unmined:
    /// orphaned (by the ledger when pending). Nil when it is no longer unmined and pending or ignored.
    func withdrawUnmined(depositID: String, now: Int64) async throws -> Deposit?
    /// A named progress marker, nil if never set.
    func marker(name: String) async throws -> Int64?
    /// Sets a named progress marker.
    func setMarker(name: String, value: Int64) async throws
}

/// The issued addresses, as scanners need them: new ones in creation order, and the owner of one.
public protocol AddressDirectory: Sendable {
    /// Match keys (hex) of the addresses of `family` whose sequence number is above `sequence`, in
    /// sequence order; numbers follow commit order, so none is ever left behind.
    func watchedAddresses(family: ChainFamily, environment: DeploymentEnvironment, after sequence: Int64) async throws -> [(
        matchKey: String, sequence: Int64
    )]
    /// The address record whose match key is `parsed`'s, on any network of its family.
    func address(matching parsed: ParsedAddress, environment: DeploymentEnvironment) async throws -> CustomerAddress?
}

/// Which instance scans a network when several share one database: a lease the holder renews.
public protocol ScanLeases: Sendable {
    /// Takes or renews the lease of `network` for `holder`; false while another holds a valid one.
    func acquireScanLease(network: NetworkID, holder: String, ttlMillis: Int64) async throws -> Bool
    /// Gives the lease up when `holder` holds it.
    func releaseScanLease(network: NetworkID, holder: String) async throws
}

/// How a scanner shares its network with other instances.
public struct ScanLease: Sendable {
    /// The leases.
    public let leases: any ScanLeases
    /// This instance's name in the lease row.
    public let holder: String
    /// How long a lease lasts unless renewed (renewed before every step).
    public let ttl: Duration
    /// How often a standby asks for the lease.
    public let standbyPoll: Duration

    /// A lease setting.
    public init(leases: any ScanLeases, holder: String, ttl: Duration = .seconds(10), standbyPoll: Duration = .seconds(1)) {
        self.leases = leases
        self.holder = holder
        self.ttl = ttl
        self.standbyPoll = standbyPoll
    }
}

extension SQLStore: ScanLedger {}
extension SQLStore: ScanLeases {}
extension SQLStore: AddressDirectory {}
