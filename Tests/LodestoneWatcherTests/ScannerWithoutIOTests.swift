import BigInt
import LodestoneCore
import LodestoneDomain
import LodestoneWatcher
import TestSupport
import Testing

/// The scanner's shell over an in-memory chain and each scan ledger: reorgs, the cursor, the anchor
/// and the loop's pace, in milliseconds.
@Suite struct ScannerWithoutIOTests {
    static let registry = AssetRegistry(assets: [Asset(network: .ethereum, symbol: "ETH", decimals: 18, contract: nil, confirmations: 3)])

    static func scanner(_ s: ScanSubject, _ chain: MemoryChainSource, start: Int64? = nil) -> NetworkScanner {
        var settings = ScanSettings()
        settings.blocksPerStep = 5
        settings.startBlock = start
        settings.recheckDepth = nil
        settings.retryDelay = .seconds(1)
        settings.pollInterval = .seconds(3)
        return NetworkScanner(
            source: chain, ledger: s.ledger, directory: s.directory, watchList: AddressWatchList(family: .evm, environment: .production, directory: s.directory),
            assets: registry, minimums: [:], settings: settings, now: { 1_000 }, logger: ScanHarness.logger)
    }

    /// Steps and tracks until caught up; fails instead of looping forever.
    static func catchUp(_ scanner: NetworkScanner) async throws -> [ScanOutcome] {
        var outcomes: [ScanOutcome] = []
        for _ in 0..<100 {
            let outcome = try await scanner.step()
            try await scanner.track()
            outcomes.append(outcome)
            if outcome == .caughtUp { return outcomes }
        }
        Issue.record("never caught up: \(outcomes)")
        return outcomes
    }

    static func pay(_ account: [UInt8], _ wei: BigUInt, tx: Character) -> MemoryChainSource.Payment {
        .init(recipient: account, amount: Amount(baseUnits: wei), txHash: "0x" + String(repeating: tx, count: 64))
    }

    @Test(arguments: ScanSubject.Kind.available)
    func aDepositReorgedOutAndBackIsOneDepositCreditedOnce(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let alice = try await s.customer()
            let chain = MemoryChainSource(length: 10)
            let scanner = Self.scanner(s, chain)
            #expect(try await Self.catchUp(scanner).first == .advanced(to: 9, deposits: 0))
            chain.mine(1, paying: [Self.pay(alice.account, 1_000, tx: "a")])
            _ = try await Self.catchUp(scanner)
            let first = try #require(try await s.ledger.pendingDeposits(network: .ethereum).first)
            #expect(first.blockNumber == 11)

            chain.reorg(depth: 1, length: 2)
            #expect(try await Self.catchUp(scanner).contains(.reorged(depth: 1)))
            #expect(try await s.ledger.pendingDeposits(network: .ethereum).isEmpty, "the orphaned deposit is not pending")

            chain.mine(1, paying: [Self.pay(alice.account, 1_000, tx: "a")])
            _ = try await Self.catchUp(scanner)
            let back = try #require(try await s.ledger.pendingDeposits(network: .ethereum).first)
            #expect(back.id == first.id && back.blockNumber == 13 && back.blockHash == chain.tip.hash)

            chain.mine(2)
            _ = try await Self.catchUp(scanner)
            #expect(try await s.ledger.pendingDeposits(network: .ethereum).isEmpty)
            #expect(try await s.balance(alice.id, "ETH-Ethereum") == LedgerAmount(value: 1_000))
            chain.mine(5)
            _ = try await Self.catchUp(scanner)
            #expect(try await s.balance(alice.id, "ETH-Ethereum") == LedgerAmount(value: 1_000), "credited twice")
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func aReorgUnderTheAnchorRightAfterTheFirstStartIsFollowedNotAlarmed(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let alice = try await s.customer()
            let chain = MemoryChainSource(length: 10)
            let scanner = Self.scanner(s, chain)
            _ = try await Self.catchUp(scanner)  // anchored on block 9, scanned block 10
            // Blocks 8, 9 and 10 are replaced; the new branch pays Alice at height 9.
            chain.reorg(depth: 3, length: 1)
            chain.mine(1, paying: [Self.pay(alice.account, 7_000, tx: "b")])
            chain.mine(3)
            let outcomes = try await Self.catchUp(scanner)
            #expect(outcomes.contains(.reorged(depth: 2)), "re-anchored on the node's block 8")
            #expect(try await s.ledger.scanCursor(network: .ethereum) == chain.tip)
            #expect(try await s.balance(alice.id, "ETH-Ethereum") == LedgerAmount(value: 7_000))
        }
    }

    @Test(arguments: ScanSubject.Kind.available)
    func aLargeDepositWaitsForItsTierWhileASmallOneIsCredited(_ kind: ScanSubject.Kind) async throws {
        try await ScanSubject.with(kind) { s in
            let alice = try await s.customer()
            let bob = try await s.customer()
            // Up to 1,000 wei: 2 confirmations; more: 6.
            var eth = Asset(network: .ethereum, symbol: "ETH", decimals: 18, contract: nil, confirmations: 6)
            eth.threshold = try ConfirmationThreshold(confirmations: 6, tiers: [.init(upTo: Amount(baseUnits: 1_000), confirmations: 2)])
            let chain = MemoryChainSource(length: 10)
            var settings = ScanSettings()
            settings.recheckDepth = nil
            let scanner = NetworkScanner(
                source: chain, ledger: s.ledger, directory: s.directory, watchList: AddressWatchList(family: .evm, environment: .production, directory: s.directory),
                assets: AssetRegistry(assets: [eth]), minimums: [:], settings: settings, now: { 0 }, logger: ScanHarness.logger)
            _ = try await Self.catchUp(scanner)
            chain.mine(1, paying: [Self.pay(alice.account, 1_000, tx: "c"), Self.pay(bob.account, 1_001, tx: "d")])
            chain.mine(1)
            _ = try await Self.catchUp(scanner)  // 2 confirmations
            #expect(try await s.balance(alice.id, "ETH-Ethereum") == LedgerAmount(value: 1_000))
            #expect(try await s.balance(bob.id, "ETH-Ethereum") == .zero)
            chain.mine(3)
            _ = try await Self.catchUp(scanner)  // 5
            #expect(try await s.balance(bob.id, "ETH-Ethereum") == .zero)
            chain.mine(1)
            _ = try await Self.catchUp(scanner)  // 6
            #expect(try await s.balance(bob.id, "ETH-Ethereum") == LedgerAmount(value: 1_001))
        }
    }

    @Test func everyStepReportsTheHeadTheScannedHeightAndTheEndpoints() async throws {
        try await ScanSubject.with(.memory) { s in
            let chain = MemoryChainSource(length: 10)
            let board = ScanProgressBoard()
            var settings = ScanSettings()
            settings.blocksPerStep = 5
            settings.recheckDepth = nil
            let scanner = NetworkScanner(
                source: chain, ledger: s.ledger, directory: s.directory, watchList: AddressWatchList(family: .evm, environment: .production, directory: s.directory),
                assets: Self.registry, minimums: [:], settings: settings, now: { 42 }, logger: ScanHarness.logger, progress: board)
            _ = try await Self.catchUp(scanner)
            var progress = try #require(await board.progress(of: .ethereum))
            #expect(progress.headHeight == 10 && progress.scannedHeight == 10 && progress.lag == 0 && progress.updatedAt == 42)
            #expect(progress.endpoints == [.init(label: "memory://chain", healthy: true, problem: nil)])
            chain.mine(12)
            _ = try await scanner.step()
            progress = try #require(await board.progress(of: .ethereum))
            #expect(progress.headHeight == 22 && progress.scannedHeight == 15 && progress.lag == 7)
        }
    }

    @Test func theLoopBacksOffOnItsClockAndPollsWhenCaughtUp() async throws {
        try await ScanSubject.with(.memory) { s in
            let chain = MemoryChainSource(length: 10)
            // Three failures, the anchor, block 10, caught up, one failure, caught up.
            chain.scriptHeads([true, true, true, false, false, false, true, false])
            let clock = ScriptedClock(limit: 6)
            let scanner = Self.scanner(s, chain)
            try await Self.within(seconds: 20) {
                do { try await scanner.run(clock: clock) } catch is CancellationError {}
            }
            #expect(clock.sleeps == [1, 2, 4, 3, 1, 3].map { Duration.seconds($0) })
            #expect(try await s.ledger.scanCursor(network: .ethereum) == chain.tip)
        }
    }

    @Test func aReorgBeyondTheWindowStopsTheLoopWithTheAlarm() async throws {
        try await ScanSubject.with(.memory) { s in
            let chain = MemoryChainSource(length: 10)
            var settings = ScanSettings()
            settings.startBlock = 1
            settings.reorgWindow = 4
            settings.recheckDepth = nil
            settings.blocksPerStep = 100
            let scanner = NetworkScanner(
                source: chain, ledger: s.ledger, directory: s.directory, watchList: AddressWatchList(family: .evm, environment: .production, directory: s.directory),
                assets: Self.registry, minimums: [:], settings: settings, now: { 0 }, logger: ScanHarness.logger)
            _ = try await Self.catchUp(scanner)
            chain.reorg(depth: 6, length: 7)
            try await Self.within(seconds: 20) {
                await #expect(throws: NetworkScanner.Alarm.self) { try await scanner.run(clock: ScriptedClock(limit: 50)) }
            }
        }
    }

    /// Runs `body`, failing the test if it has not finished within `seconds` of real time.
    static func within(seconds: Int, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return false
            }
            let finished = try await group.next() ?? false
            group.cancelAll()
            #expect(finished, "did not finish within \(seconds) s")
        }
    }
}
