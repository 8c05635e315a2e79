import BigInt
import LodestoneCore
import LodestoneDomain
import LodestoneWatcher
import TestSupport
import Testing

/// `rescan` and `check-tx` beside the scan, over an in-memory chain whose block scans can leave a
/// transaction out (a provider's incomplete answer), on every scan ledger.
@Suite struct RepairReadTests {
    static let tx = "0x" + String(repeating: "a", count: 64)

    /// A chain of 10 blocks scanned to its tip, then a block paying `customer` 5,000 wei that the
    /// scan did not see, and 3 more blocks scanned.
    static func missedDeposit(_ s: ScanSubject) async throws -> (MemoryChainSource, NetworkScanner, (id: String, account: [UInt8], address: String)) {
        let alice = try await s.customer()
        let chain = MemoryChainSource(length: 10)
        let scanner = ScannerWithoutIOTests.scanner(s, chain)
        _ = try await ScannerWithoutIOTests.catchUp(scanner)
        chain.hide(tx)
        chain.mine(1, paying: [ScannerWithoutIOTests.pay(alice.account, 5_000, tx: "a")])
        chain.mine(3)
        _ = try await ScannerWithoutIOTests.catchUp(scanner)
        #expect(try await s.ledger.pendingDeposits(network: .ethereum).isEmpty, "the scan missed it")
        return (chain, scanner, alice)
    }

    @Test(arguments: ScanSubject.Kind.available)
    func rescanRecordsTheMissedDepositOnceAndItIsCreditedOnce(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let (chain, scanner, alice) = try await Self.missedDeposit(s)
            chain.reveal()
            let first = try await scanner.rescan(from: 5, to: nil)
            #expect(first.blocksRead == 10, "blocks 5…14: the scan's cursor is the end")
            #expect(first.recorded.map(\.txHash) == [Self.tx])
            #expect(first.recorded.first?.blockNumber == 11)
            let again = try await scanner.rescan(from: 11, to: 11)
            #expect(again.recorded.isEmpty && again.alreadyRecorded == 1, "a second rescan counts nothing twice")
            _ = try await ScannerWithoutIOTests.catchUp(scanner)
            #expect(try await s.balance(alice.id, "ETH-Ethereum") == LedgerAmount(value: 5_000), "credited once the threshold of 3 is passed")
            _ = try await scanner.rescan(from: 1, to: 14)
            try await scanner.track()
            #expect(try await s.balance(alice.id, "ETH-Ethereum") == LedgerAmount(value: 5_000))
            #expect(try await s.eventTypes().filter { $0 == .depositConfirmed }.count == 1)
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func rescanRefusesARangeTheScanHasNotReached(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let (_, scanner, _) = try await Self.missedDeposit(s)
            await #expect(throws: RepairReadError.notScannedYet(network: .ethereum, from: 15, cursor: 14)) {
                _ = try await scanner.rescan(from: 15, to: 20)
            }
            #expect(try await scanner.rescan(from: 13, to: 99).blocksRead == 2, "clamped to the cursor")
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func checkTransactionRecordsTheMissedDepositAndSaysWhat(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let (_, scanner, alice) = try await Self.missedDeposit(s)
            // The block scan still leaves it out; the lookup by hash does not.
            let check = try await scanner.checkTransaction(Self.tx)
            #expect(check.status == .mined && check.blockNumber == 11)
            #expect(check.transfers.count == 1)
            guard case .recorded(let deposit, created: true) = check.transfers.first?.outcome else {
                Issue.record("not recorded: \(check.transfers)")
                return
            }
            #expect(deposit.customerID == alice.id && deposit.amount == Amount(baseUnits: 5_000))
            #expect(check.explanation == "1 missed deposit(s) recorded now")
            let again = try await scanner.checkTransaction(Self.tx)
            #expect(again.transfers.first?.outcome == .recorded(deposit, created: false))
            #expect(again.explanation == "1 already recorded")
            let unknown = try await scanner.checkTransaction("0x" + String(repeating: "b", count: 64))
            #expect(unknown.status == .notFound && unknown.transfers.isEmpty)
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func aTransferAboveTheCursorOrOnAnotherBranchIsNotRecorded(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let (chain, scanner, alice) = try await Self.missedDeposit(s)
            // Mined but not scanned yet: the scan will read it.
            chain.mine(1, paying: [ScannerWithoutIOTests.pay(alice.account, 7_000, tx: "c")])
            let ahead = try await scanner.checkTransaction("0x" + String(repeating: "c", count: 64))
            #expect(ahead.transfers.map(\.outcome) == [.notYetScanned])
            // The node moved to another branch where the missed payment sits in a new block 11.
            chain.reorg(depth: 5, length: 6, paying: [ScannerWithoutIOTests.pay(alice.account, 5_000, tx: "a")])
            let off = try await scanner.checkTransaction(Self.tx)
            #expect(off.transfers.map(\.outcome) == [.offScannedChain(storedHash: MemoryChainSource.hash(branch: 0, height: 11))])
            #expect(try await s.ledger.pendingDeposits(network: .ethereum).isEmpty, "nothing from a branch the scan does not follow")
        }
    }
}
