import BigInt
import Foundation
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneStore
import LodestoneWatcher
import TestSupport
import Testing

/// The EVM scanner against a live JSON-RPC devnet: detection, confirmation, crediting, reorgs, restarts.
@Suite struct EVMScannerTests {
    static let backends = Backend.available
    static let token = ScanHarness.token

    @Test(arguments: backends)
    func depositsAreDetectedConfirmedAndCreditedOnce(_ backend: Backend) async throws {
        try await ScanHarness.with(backend) { h in
            let alice = try await h.customer()
            let bob = try await h.customer()
            let intent = try await h.intent(alice.id, address: alice.address, asset: "USDT-Ethereum", amount: "25", decimals: 6)
            let chain = DevChain(chainID: 1)
            await chain.mine([
                DevChain.native(to: alice.account, wei: wei("1.5")),
                DevChain.native(to: bob.account, wei: wei("2"), succeeded: false),  // reverted: never a deposit
                // Two transfers in one transaction are two deposits.
                DevChain.token(Self.token, [(alice.account, units("20")), (alice.account, units("5"))]),
                DevChain.token(Self.token, [(bob.account, 0)]),  // zero-value poisoning: recorded, ignored
                DevChain.token(Self.token, [(Array(repeating: 0x77, count: 20), units("9"))]),  // not ours
            ])
            try await DevnetServer.with(chain) { url in
                let scanner = await h.scanner(urls: [url])
                try await h.catchUp(scanner)
                let seen = try await h.deposits(alice.id)
                #expect(seen.count == 3 && seen.allSatisfy { $0.status == .pending })
                #expect(try await h.store.paymentIntent(id: intent)?.status == .processing)
                #expect(try await h.deposits(bob.id).map(\.status) == [.ignored])
                // Block 1 + 2 more = 3 confirmations.
                await chain.mine(empty: 1)
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).allSatisfy { $0.status == .pending && $0.confirmations == 2 })
                await chain.mine(empty: 1)
                try await h.catchUp(scanner)
                try await h.catchUp(scanner)
                let final = try await h.deposits(alice.id)
                #expect(final.count == 3 && final.allSatisfy { $0.status == .confirmed })
                let paid = try #require(try await h.store.paymentIntent(id: intent))
                #expect(paid.status == .succeeded && paid.amountReceived == amount("25", 6))
                #expect(try await h.store.balances(customerID: alice.id) == ["ETH-Ethereum": LedgerAmount(amount("1.5", 18))])
                let positions = final.filter { $0.assetID == "USDT-Ethereum" }.map(\.position).sorted()
                #expect(positions == [0, 1])
                #expect(final.filter { $0.assetID == "ETH-Ethereum" }.map(\.position) == [ObservedTransfer.nativePosition])
            }
        }
    }

    @Test func anEVMAddressIsWatchedOnEveryEVMNetwork() async throws {
        try await ScanHarness.with(.sqlite, networks: [.ethereum, .base]) { h in
            // Issued for ethereum, paid on base.
            let alice = try await h.customer(on: .ethereum)
            let chain = DevChain(chainID: 8453)
            await chain.mine([DevChain.token(Self.token, [(alice.account, units("7"))])])
            await chain.mine(empty: 3)
            _ = try await DevnetServer.with(chain) { url in
                try await h.catchUp(await h.scanner(.base, urls: [url]))
            }
            let deposits = try await h.deposits(alice.id)
            #expect(deposits.map(\.network) == [.base] && deposits.map(\.status) == [.confirmed])
            #expect(try await h.store.balances(customerID: alice.id) == ["USDT-Base": LedgerAmount(amount("7", 6))])
        }
    }

    @Test(arguments: backends)
    func aReorgOrphansADepositAndTheSameTransferComesBackAsTheSameDeposit(_ backend: Backend) async throws {
        try await ScanHarness.with(backend) { h in
            let alice = try await h.customer()
            let intent = try await h.intent(alice.id, address: alice.address, asset: "USDT-Ethereum", amount: "10", decimals: 6)
            let chain = DevChain(chainID: 1)
            await chain.mine(empty: 2)
            let payment = DevChain.token(Self.token, [(alice.account, units("10"))])
            await chain.mine([payment])  // block 3
            try await DevnetServer.with(chain) { url in
                let scanner = await h.scanner(urls: [url])
                try await h.catchUp(scanner)
                let first = try #require(try await h.deposits(alice.id).first)
                #expect(first.status == .pending && first.blockNumber == 3)
                // Branch B drops the payment and is longer.
                await chain.reorg(depth: 2)
                await chain.mine(empty: 3)
                let outcomes = try await h.catchUp(scanner)
                #expect(outcomes.contains(.reorged(depth: 2)))
                #expect(try await h.deposits(alice.id).map(\.status) == [.orphaned])
                #expect(try await h.store.paymentIntent(id: intent)?.status == .requiresPayment)
                // The transfer is mined again in a later block: same deposit, credited once.
                await chain.mine([payment])
                await chain.mine(empty: 2)
                try await h.catchUp(scanner)
                try await h.catchUp(scanner)
                let again = try await h.deposits(alice.id)
                #expect(again.count == 1 && again[0].id == first.id && again[0].status == .confirmed && again[0].blockNumber == 5)
                #expect(try await h.store.paymentIntent(id: intent)?.status == .succeeded)
                let types = try await h.store.events(page: 1, pageSize: 100).items.map(\.type)
                #expect(types.filter { $0 == .depositOrphaned }.count == 1)
                #expect(types.filter { $0 == .depositDetected }.count == 2)
                #expect(types.filter { $0 == .depositConfirmed }.count == 1)
            }
        }
    }

    @Test(arguments: backends)
    func aCreditedDepositReorgedOutIsReversedAndWhenItComesBackCreditedOnceMore(_ backend: Backend) async throws {
        try await ScanHarness.with(backend) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            let payment = DevChain.native(to: alice.account, wei: wei("3"))
            await chain.mine([payment])
            await chain.mine(empty: 3)
            try await DevnetServer.with(chain) { url in
                let scanner = await h.scanner(urls: [url])
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).map(\.status) == [.confirmed])
                #expect(try await h.store.balances(customerID: alice.id)["ETH-Ethereum"] == LedgerAmount(amount("3", 18)))
                // A → B: the credited transfer is gone; its credit is taken back.
                await chain.reorg(depth: 4)
                await chain.mine(empty: 6)
                try await h.catchUp(scanner)
                let after = try await h.deposits(alice.id)
                #expect(after.map(\.status) == [.reversed])
                #expect(try await h.store.balances(customerID: alice.id)["ETH-Ethereum"] == nil)
                var events = try await h.store.events(page: 1, pageSize: 100).items
                #expect(events.filter { $0.type == .depositReversed }.count == 1)
                #expect(events.first { $0.type == .depositReversed }?.data.contains(after[0].id) == true)
                // B → A: the same transaction is mined again; the deposit is restored and credited once more, never twice.
                await chain.mine([payment])
                await chain.mine(empty: 3)
                try await h.catchUp(scanner)
                try await h.catchUp(scanner)
                let back = try await h.deposits(alice.id)
                #expect(back.count == 1 && back[0].id == after[0].id && back[0].status == .confirmed)
                #expect(try await h.store.balances(customerID: alice.id)["ETH-Ethereum"] == LedgerAmount(amount("3", 18)))
                events = try await h.store.events(page: 1, pageSize: 100).items
                #expect(events.filter { $0.type == .depositRestored }.count == 1)
                #expect(events.filter { $0.type == .depositConfirmed }.count == 2)
                #expect(Set(events.map(\.id)).count == events.count)
                // Nothing changes on another pass.
                try await h.catchUp(scanner)
                #expect(try await h.store.balances(customerID: alice.id)["ETH-Ethereum"] == LedgerAmount(amount("3", 18)))
            }
        }
    }

    @Test(arguments: backends)
    func aRestartResumesAtTheCursorWithoutSkippingOrRepeating(_ backend: Backend) async throws {
        try await ScanHarness.with(backend) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            for i in 0..<30 { await chain.mine([DevChain.token(Self.token, [(alice.account, units("\(i + 1)"))])]) }
            try await DevnetServer.with(chain) { url in
                // A first process scans part of the way and stops.
                let first = await h.scanner(urls: [url])
                for _ in 0..<3 { _ = try await first.step() }
                let stoppedAt = try #require(try await h.store.scanCursor(network: .ethereum)).number
                #expect(stoppedAt > 1 && stoppedAt < 30)
                // A second process (new scanner, new watch list) carries on.
                try await h.catchUp(await h.scanner(urls: [url]))
                let deposits = try await h.deposits(alice.id)
                #expect(deposits.count == 30)
                #expect(Set(deposits.map(\.blockNumber)) == Set(1...30))
            }
        }
    }

    @Test func aScanThatLostTheRaceToAnotherInstanceCommitsNothing() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let chain = DevChain(chainID: 1)
            await chain.mine(empty: 3)
            try await DevnetServer.with(chain) { url in
                let scanner = await h.scanner(urls: [url])
                _ = try await scanner.step()
                let cursor = try #require(try await h.store.scanCursor(network: .ethereum))
                let next = try #require(await chain.block(cursor.number + 1))
                let block = ChainBlock(number: next.number, hash: next.hash, parentHash: next.parentHash)
                _ = try await h.store.commitScan(ScanCommit(network: .ethereum, previous: cursor, blocks: [block], deposits: []), now: 1)
                await #expect(throws: StoreError.self) {
                    _ = try await h.store.commitScan(ScanCommit(network: .ethereum, previous: cursor, blocks: [block], deposits: []), now: 2)
                }
            }
        }
    }

    @Test func aChangedThresholdAppliesToPendingDepositsAtOnce() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            await chain.mine([DevChain.native(to: alice.account, wei: wei("1"))])
            await chain.mine(empty: 1)
            try await DevnetServer.with(chain) { url in
                let scanner = await h.scanner(urls: [url])
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).map(\.status) == [.pending])
                await h.registry.setConfirmations(2, assetID: "ETH-Ethereum")
                try await scanner.track()
                #expect(try await h.deposits(alice.id).map(\.status) == [.confirmed])
            }
        }
    }

    @Test func aNetworkCanWaitForTheFinalizedTag() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            await chain.mine([DevChain.native(to: alice.account, wei: wei("1"))])
            await chain.mine(empty: 5)  // 6 confirmations: past the threshold of 3, not yet finalized (head − 10)
            try await DevnetServer.with(chain) { url in
                var settings = ScanSettings.test
                settings.finality = .finalized
                let scanner = await h.scanner(urls: [url], settings: settings)
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).map(\.status) == [.pending])
                await chain.mine(empty: 5)
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).map(\.status) == [.confirmed])
            }
        }
    }

    @Test func backUpPassFindsLogsAProviderLeftOut() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            await chain.mine(empty: 1)
            await chain.mine([DevChain.token(Self.token, [(alice.account, units("4"))])])  // block 2
            await chain.mine(empty: 10)
            let behaviour = EndpointBehaviour()
            behaviour.dropLogs(ofBlocks: [2])
            try await DevnetServer.with(chain, behaviour: behaviour) { url in
                var settings = ScanSettings.test
                settings.recheckDepth = 5
                let scanner = await h.scanner(urls: [url], settings: settings)
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).isEmpty)
                behaviour.dropLogs(ofBlocks: [])
                #expect(try await scanner.recheck() == 1)
                #expect(try await scanner.recheck() == 0)
                try await scanner.track()
                #expect(try await h.deposits(alice.id).map(\.status) == [.confirmed])
            }
        }
    }

    @Test(arguments: backends)
    func aReorgToAShorterBranchIsSeenAtOnce(_ backend: Backend) async throws {
        try await ScanHarness.with(backend) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            await chain.mine(empty: 2)
            await chain.mine([DevChain.native(to: alice.account, wei: wei("1"))])  // block 3
            await chain.mine(empty: 1)  // head 4: 2 of the 3 confirmations the test assets need
            try await DevnetServer.with(chain) { url in
                let scanner = await h.scanner(urls: [url], settings: .test)
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).map(\.status) == [.pending])
                // The new branch is shorter than the scanned one: its head (3) is below the cursor (4).
                await chain.reorg(depth: 2)
                await chain.mine(empty: 1)
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).map(\.status) == [.orphaned], "the reorg waited for the new branch to grow")
                #expect(try await h.store.scanCursor(network: .ethereum)?.hash == (await chain.head).hash)
            }
        }
    }

    @Test(arguments: backends)
    func theOperatorsOwnTransfersAreRecordedAsIgnoredNeverCredited(_ backend: Backend) async throws {
        try await ScanHarness.with(backend) { h in
            let alice = try await h.customer()
            let intent = try await h.intent(alice.id, address: alice.address, asset: "USDT-Ethereum", amount: "5", decimals: 6)
            let chain = DevChain(chainID: 1)
            // The devnet's transactions and token transfers come from 0x1111…: here, the operator's gas wallet.
            await chain.mine([
                DevChain.native(to: alice.account, wei: wei("0.01")), DevChain.token(Self.token, [(alice.account, units("5"))]),
            ])
            await chain.mine(empty: 4)
            var settings = ScanSettings.test
            settings.internalSenders = [Array(repeating: 0x11, count: 20)]
            try await DevnetServer.with(chain) { [settings] url in
                let scanner = await h.scanner(urls: [url], settings: settings)
                try await h.catchUp(scanner)
                try await h.catchUp(scanner)
            }
            let deposits = try await h.deposits(alice.id)
            #expect(deposits.count == 2 && deposits.allSatisfy { $0.status == .ignored })
            #expect(deposits.allSatisfy { $0.sender == "0x1111111111111111111111111111111111111111" })
            #expect(deposits.allSatisfy { $0.ignoredReason?.contains("internal_senders") == true })
            #expect(try await h.store.paymentIntent(id: intent)?.status == .requiresPayment)
            #expect(try await h.store.balances(customerID: alice.id).isEmpty)
        }
    }

    @Test func theBackUpPassFindsAWithheldLogEvenLongAfterTheScanPassedIt() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            await chain.mine(empty: 6)
            await chain.mine([DevChain.token(Self.token, [(alice.account, units("4"))])])  // block 7
            await chain.mine(empty: 140)
            let behaviour = EndpointBehaviour()
            behaviour.dropLogs(ofBlocks: [7])
            try await DevnetServer.with(chain, behaviour: behaviour) { url in
                var settings = ScanSettings.test
                settings.startBlock = 1
                settings.blocksPerStep = 4
                settings.reorgWindow = 10
                settings.recheckDepth = 5
                let scanner = await h.scanner(urls: [url], settings: settings)
                // The head scan runs far past block 7 (and past block 100, where pruning used to strike)
                // before the back-up pass gets its turn.
                try await h.catchUp(scanner)
                #expect(try await h.deposits(alice.id).isEmpty)
                behaviour.dropLogs(ofBlocks: [])
                var found = 0
                while try await h.store.marker(name: "recheck.ethereum") ?? 0 < 140 { found += try await scanner.recheck() }
                #expect(found == 1)
                #expect(try await h.deposits(alice.id).count == 1)
                // And the kept hashes shrink again behind the pass.
                await chain.mine(empty: 8)
                try await h.catchUp(scanner)
                #expect(try await h.store.chainBlock(network: .ethereum, number: 50) == nil)
            }
        }
    }

    @Test func backUpPassStaysWithinTheBlocksTheScanWatched() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            await chain.mine(empty: 3)
            await chain.mine([DevChain.token(Self.token, [(alice.account, units("4"))])])  // block 4, before the start
            await chain.mine(empty: 8)
            try await DevnetServer.with(chain) { url in
                var settings = ScanSettings.test
                settings.startBlock = 5
                settings.recheckDepth = 10
                let scanner = await h.scanner(urls: [url], settings: settings)
                try await h.catchUp(scanner)
                #expect(try await scanner.recheck() == 0)  // caught up, as the run loop does
                await chain.mine(empty: 20)
                try await h.catchUp(scanner)
                while try await h.store.marker(name: "recheck.ethereum") ?? 0 < 22 { #expect(try await scanner.recheck() == 0) }
                #expect(try await h.deposits(alice.id).isEmpty, "block 4 was before the configured start")
            }
        }
    }

    @Test func backUpPassWaitsOnAChainShorterThanItsDepth() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let chain = DevChain(chainID: 1)
            await chain.mine(empty: 6)
            try await DevnetServer.with(chain) { url in
                var settings = ScanSettings.test
                settings.recheckDepth = 300
                let scanner = await h.scanner(urls: [url], settings: settings)
                for _ in 0..<3 {
                    try await h.catchUp(scanner)
                    #expect(try await scanner.recheck() == 0)
                    await chain.mine(empty: 2)
                }
                #expect(try await h.store.marker(name: "recheck.ethereum") == 0)
            }
        }
    }
}
