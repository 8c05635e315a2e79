import BigInt
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import LodestoneWatcher
import Synchronization
import TestSupport
import Testing

/// A scan ledger and address directory, with what a test needs beside the ports: owners to pay,
/// and what the ledger credited. One in memory, one per SQL backend; each must pass the same tests.
struct ScanSubject: Sendable {
    enum Kind: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case memory, sqlite, postgres
        var testDescription: String { rawValue }
        static var available: [Kind] { [.memory] + Backend.available.map { $0 == .sqlite ? .sqlite : .postgres } }
    }

    let ledger: any ScanLedger
    let directory: any AddressDirectory
    /// A new customer and the 20 bytes of its Ethereum address.
    let customer: @Sendable () async throws -> (id: String, account: [UInt8], address: String)
    /// A customer's unapplied balance in an asset.
    let balance: @Sendable (_ customer: String, _ asset: String) async throws -> LedgerAmount
    /// The types of the events written so far, in order.
    let eventTypes: @Sendable () async throws -> [EventType]

    static func with(_ kind: Kind, _ body: @Sendable (ScanSubject) async throws -> Void) async throws {
        switch kind {
        case .memory:
            let ledger = InMemoryScanLedger()
            let directory = InMemoryAddressDirectory()
            let counter = Counter()
            try await body(
                ScanSubject(
                    ledger: ledger, directory: directory,
                    customer: {
                        let n = counter.next()
                        let derived = try TestKeys.issuer.derive(network: .ethereum, index: UInt32(n))
                        let record = CustomerAddress(
                            address: derived.address, network: NetworkID.ethereum.rawValue, customerID: "cus_\(n)", derivationPath: derived.path,
                            index: derived.index, createdAt: 0)
                        try directory.add(record)
                        return ("cus_\(n)", try AddressCodec.parse(derived.address, network: .ethereum).matchKey, derived.address)
                    },
                    balance: { customer, asset in ledger.balance(customer: customer, asset: asset) },
                    eventTypes: { ledger.eventTypes() }))
        case .sqlite, .postgres:
            try await StoreFixture.with(kind == .sqlite ? .sqlite : .postgres) { store in
                try await body(
                    ScanSubject(
                        ledger: store, directory: store,
                        customer: {
                            let c = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 0)
                            let (address, _) = try await store.issueAddress(customerID: c.id, network: .ethereum, now: 0) { n, i in
                                try TestKeys.issuer.derive(network: n, index: i)
                            }
                            return (c.id, try AddressCodec.parse(address.address, network: .ethereum).matchKey, address.address)
                        },
                        balance: { customer, asset in try await store.balances(customerID: customer)[asset] ?? .zero },
                        eventTypes: { try await store.events(page: 1, pageSize: 500).items.map(\.type) }))
            }
        }
    }

    final class Counter: Sendable {
        let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }
}

@Suite struct ScanLedgerContractTests {
    static func block(_ n: Int64, _ branch: Int = 0) -> ChainBlock {
        ChainBlock(
            number: n, hash: MemoryChainSource.hash(branch: branch, height: n), parentHash: MemoryChainSource.hash(branch: branch, height: n - 1))
    }

    static func scanned(
        _ customer: (id: String, account: [UInt8], address: String), amount: BigUInt, tx: String, block: ChainBlock, reason: String? = nil
    ) -> ScannedDeposit {
        ScannedDeposit(
            observation: DepositObservation(
                network: .ethereum, assetID: "ETH-Ethereum", address: customer.address, customerID: customer.id, amount: Amount(baseUnits: amount),
                txHash: tx, position: -1, blockNumber: block.number, blockHash: block.hash, sender: nil, ignoreReason: reason),
            minimum: Amount(baseUnits: 100))
    }

    /// A transfer seen in the mempool: in no block.
    static func unmined(_ customer: (id: String, account: [UInt8], address: String), amount: BigUInt, tx: String) -> DepositObservation {
        DepositObservation(
            network: .ethereum, assetID: "ETH-Ethereum", address: customer.address, customerID: customer.id, amount: Amount(baseUnits: amount),
            txHash: tx, position: -1, blockNumber: Deposit.unminedBlockNumber, blockHash: Deposit.unminedBlockHash)
    }

    static let tx1 = "0x" + String(repeating: "1", count: 64)
    static let tx2 = "0x" + String(repeating: "2", count: 64)

    @Test(arguments: ScanSubject.Kind.available)
    func aCommitMovesTheCursorOnceAndRecordsEachTransferOnce(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let alice = try await s.customer()
            let l = s.ledger
            #expect(try await l.scanCursor(network: .ethereum) == nil)
            _ = try await l.commitScan(ScanCommit(network: .ethereum, previous: nil, blocks: [Self.block(0)], deposits: []), now: 1)
            let created = try await l.commitScan(
                ScanCommit(
                    network: .ethereum, previous: Self.block(0), blocks: [Self.block(1), Self.block(2)],
                    deposits: [Self.scanned(alice, amount: 500, tx: Self.tx1, block: Self.block(2)), Self.scanned(alice, amount: 5, tx: Self.tx2, block: Self.block(2))]),
                now: 2)
            #expect(created.map(\.status) == [.pending, .ignored], "below the minimum is recorded as ignored")
            #expect(try await l.scanCursor(network: .ethereum) == Self.block(2))
            #expect(try await l.chainBlock(network: .ethereum, number: 1) == Self.block(1))
            // A second scanner that started from the old cursor loses.
            await #expect(throws: StoreError.scanCursorMoved("ethereum")) {
                try await l.commitScan(ScanCommit(network: .ethereum, previous: Self.block(0), blocks: [Self.block(1)], deposits: []), now: 3)
            }
            let (again, isNew) = try await l.recordDeposit(Self.scanned(alice, amount: 500, tx: Self.tx1, block: Self.block(2)).observation, minimum: .zero, now: 4)
            #expect(!isNew && again.id == created[0].id)
            #expect(try await l.pendingDeposits(network: .ethereum).map(\.id) == [created[0].id])
            try await l.setConfirmations(depositID: created[0].id, confirmations: 7, now: 5)
            #expect(try await l.pendingDeposits(network: .ethereum).map(\.confirmations) == [7])
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func aCreditHappensOnceAndAReorgReversesItAndARestoreCreditsItOnceMore(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let alice = try await s.customer()
            let l = s.ledger
            _ = try await l.commitScan(ScanCommit(network: .ethereum, previous: nil, blocks: [Self.block(0)], deposits: []), now: 1)
            let found = try await l.commitScan(
                ScanCommit(
                    network: .ethereum, previous: Self.block(0), blocks: [Self.block(1)],
                    deposits: [Self.scanned(alice, amount: 1_000, tx: Self.tx1, block: Self.block(1))]), now: 2)
            let id = try #require(found.first?.id)
            let credit = try #require(try await l.creditDeposit(id: id, now: 3))
            #expect(credit.toBalance == Amount(baseUnits: 1_000) && credit.appliedTo.isEmpty)
            #expect(try await l.creditDeposit(id: id, now: 4) == nil, "credited twice")
            #expect(try await s.balance(alice.id, "ETH-Ethereum") == LedgerAmount(value: 1_000))

            let rewind = try await l.rewind(network: .ethereum, to: Self.block(0), now: 5)
            #expect(rewind.reversed.map(\.id) == [id] && rewind.orphaned.isEmpty)
            #expect(try await l.scanCursor(network: .ethereum) == Self.block(0))
            #expect(try await l.chainBlock(network: .ethereum, number: 1) == nil)
            #expect(try await s.balance(alice.id, "ETH-Ethereum") == .zero)

            // Included again on another branch: the same deposit, pending, credited once more.
            let back = try await l.commitScan(
                ScanCommit(
                    network: .ethereum, previous: Self.block(0), blocks: [Self.block(1, 1), Self.block(2, 1)],
                    deposits: [Self.scanned(alice, amount: 1_000, tx: Self.tx1, block: Self.block(2, 1))]), now: 6)
            #expect(back.map(\.id) == [id] && back.map(\.status) == [.pending] && back.map(\.blockNumber) == [2])
            #expect(try await l.creditDeposit(id: id, now: 7) != nil)
            #expect(try await l.creditDeposit(id: id, now: 8) == nil)
            #expect(try await s.balance(alice.id, "ETH-Ethereum") == LedgerAmount(value: 1_000))
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func aPendingDepositReorgedOutIsOrphanedAndComesBackAsItself(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let alice = try await s.customer()
            let l = s.ledger
            _ = try await l.commitScan(ScanCommit(network: .ethereum, previous: nil, blocks: [Self.block(0)], deposits: []), now: 1)
            let found = try await l.commitScan(
                ScanCommit(
                    network: .ethereum, previous: Self.block(0), blocks: [Self.block(1)],
                    deposits: [
                        Self.scanned(alice, amount: 1_000, tx: Self.tx1, block: Self.block(1)),
                        Self.scanned(alice, amount: 1_000, tx: Self.tx2, block: Self.block(1), reason: "sent from an operator address"),
                    ]), now: 2)
            let rewind = try await l.rewind(network: .ethereum, to: Self.block(0), now: 3)
            #expect(rewind.orphaned.map(\.id) == [found[0].id], "the ignored one moved no money and is not reported")
            #expect(try await l.pendingDeposits(network: .ethereum).isEmpty)
            let (back, created) = try await l.recordDeposit(Self.scanned(alice, amount: 1_000, tx: Self.tx1, block: Self.block(1, 1)).observation, minimum: .zero, now: 4)
            #expect(created && back.id == found[0].id && back.status == .pending && back.blockHash == Self.block(1, 1).hash)
            // Seen again in the same block: nothing changes.
            let (same, createdAgain) = try await l.recordDeposit(Self.scanned(alice, amount: 1_000, tx: Self.tx1, block: Self.block(1, 1)).observation, minimum: .zero, now: 5)
            #expect(!createdAgain && same.id == back.id)
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func anUnminedDepositIsNeverCountedMovesIntoItsBlockAndIsWithdrawnOnlyWhileUnmined(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let alice = try await s.customer()
            let l = s.ledger
            _ = try await l.commitScan(ScanCommit(network: .ethereum, previous: nil, blocks: [Self.block(0)], deposits: []), now: 1)
            let (seen, created) = try await l.recordDeposit(Self.unmined(alice, amount: 1_000, tx: Self.tx1), minimum: .zero, now: 2)
            #expect(created && seen.status == .pending && seen.isUnmined && seen.blockHash.isEmpty)
            let (dust, _) = try await l.recordDeposit(Self.unmined(alice, amount: 5, tx: Self.tx2), minimum: Amount(baseUnits: 100), now: 2)
            #expect(dust.status == .ignored)
            #expect(Set(try await l.unminedDeposits(network: .ethereum).map(\.id)) == [seen.id, dust.id])
            #expect(try await l.unminedDeposits(network: .tron).isEmpty)
            // A block rollback never touches what is in no block.
            let rewind = try await l.rewind(network: .ethereum, to: Self.block(0), now: 3)
            #expect(rewind.orphaned.isEmpty && rewind.reversed.isEmpty)

            // Mined: the same deposit moves into its block; the mempool listing it late changes nothing.
            _ = try await l.commitScan(
                ScanCommit(
                    network: .ethereum, previous: Self.block(0), blocks: [Self.block(1)],
                    deposits: [Self.scanned(alice, amount: 1_000, tx: Self.tx1, block: Self.block(1))]), now: 4)
            let (late, lateCreated) = try await l.recordDeposit(Self.unmined(alice, amount: 1_000, tx: Self.tx1), minimum: .zero, now: 5)
            #expect(!lateCreated && late.id == seen.id && late.blockNumber == 1)
            #expect(try await l.unminedDeposits(network: .ethereum).map(\.id) == [dust.id])
            #expect(try await l.withdrawUnmined(depositID: seen.id, now: 6) == nil, "a mined deposit is not withdrawn")
            #expect(try await l.pendingDeposits(network: .ethereum).map(\.id) == [seen.id])

            // The dust left the mempool unmined: orphaned, and no money event for it.
            let gone = try await l.withdrawUnmined(depositID: dust.id, now: 7)
            #expect(gone?.status == .orphaned)
            #expect(try await l.unminedDeposits(network: .ethereum).isEmpty)
            #expect(try await s.eventTypes() == [.depositDetected])
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func aWithdrawnDetectionIsOrphanedAndEachReturnToTheMempoolIsDetectedAgain(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let alice = try await s.customer()
            let l = s.ledger
            let (seen, _) = try await l.recordDeposit(Self.unmined(alice, amount: 1_000, tx: Self.tx1), minimum: .zero, now: 1)
            let withdrawn = try #require(try await l.withdrawUnmined(depositID: seen.id, now: 2))
            #expect(withdrawn.status == .orphaned && withdrawn.orphanedReason?.contains("left the mempool") == true)
            #expect(try await l.withdrawUnmined(depositID: seen.id, now: 3) == nil, "withdrawn twice")
            #expect(try await l.pendingDeposits(network: .ethereum).isEmpty)
            // Back in the mempool (rebroadcast), gone again, back again: each time its own events.
            let (back, revived) = try await l.recordDeposit(Self.unmined(alice, amount: 1_000, tx: Self.tx1), minimum: .zero, now: 4)
            #expect(revived && back.id == seen.id && back.status == .pending)
            _ = try #require(try await l.withdrawUnmined(depositID: seen.id, now: 5))
            _ = try await l.recordDeposit(Self.unmined(alice, amount: 1_000, tx: Self.tx1), minimum: .zero, now: 6)
            #expect(
                try await s.eventTypes() == [.depositDetected, .depositOrphaned, .depositDetected, .depositOrphaned, .depositDetected])
            #expect(try await s.balance(alice.id, "ETH-Ethereum") == .zero, "nothing is credited from the mempool")
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func pruningForgetsOnlyBelowTheHeightAndMarkersKeepTheirValue(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let l = s.ledger
            _ = try await l.commitScan(ScanCommit(network: .ethereum, previous: nil, blocks: (0...9).map { Self.block($0) }, deposits: []), now: 1)
            try await l.pruneChainBlocks(network: .ethereum, below: 7)
            #expect(try await l.chainBlock(network: .ethereum, number: 6) == nil)
            #expect(try await l.chainBlock(network: .ethereum, number: 7) == Self.block(7))
            #expect(try await l.marker(name: "recheck.ethereum") == nil)
            try await l.setMarker(name: "recheck.ethereum", value: 42)
            try await l.setMarker(name: "recheck.ethereum", value: 43)
            #expect(try await l.marker(name: "recheck.ethereum") == 43)
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func theDirectoryListsNewAddressesInOrderAndFindsTheirOwners(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let alice = try await s.customer()
            let bob = try await s.customer()
            let all = try await s.directory.watchedAddresses(family: .evm, environment: .production, after: 0)
            #expect(all.map(\.matchKey) == [Hex.encode(alice.account), Hex.encode(bob.account)])
            let afterFirst = try await s.directory.watchedAddresses(family: .evm, environment: .production, after: all[0].sequence)
            #expect(afterFirst.map(\.matchKey) == [Hex.encode(bob.account)])
            #expect(try await s.directory.watchedAddresses(family: .tron, environment: .production, after: 0).isEmpty)
            let owner = try await s.directory.address(matching: try AddressCodec.parse(bob.address, network: .ethereum), environment: .production)
            #expect(owner?.customerID == bob.id)
            // The same key is found from any network of its family.
            let onBase = try await s.directory.address(matching: try AddressCodec.parse(bob.address, network: .base), environment: .production)
            #expect(onBase?.customerID == bob.id)
        }
    }
}
