import LodestoneCore
import LodestoneDomain
import LodestoneStore
import LodestoneWatcher
import TestSupport
import Testing

/// One active scanner per network across instances: the lease on both stores, and scanners that
/// hand a network over on a graceful stop and take it over when a holder vanishes.
@Suite struct ScanLeaseTests {
    @Test(arguments: Backend.available)
    func aLeaseHasOneHolderUntilItExpiresOrIsReleased(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            #expect(try await store.acquireScanLease(network: .ethereum, holder: "a", ttlMillis: 10_000))
            #expect(try await store.acquireScanLease(network: .ethereum, holder: "b", ttlMillis: 10_000) == false)
            #expect(try await store.acquireScanLease(network: .tron, holder: "b", ttlMillis: 10_000), "each network has its own")
            #expect(try await store.scanLeaseHolder(network: .ethereum) == "a")
            #expect(try await store.acquireScanLease(network: .ethereum, holder: "a", ttlMillis: 300), "the holder renews")
            // The holder vanished: its lease runs out on the database's clock and another takes it.
            try await Task.sleep(for: .seconds(1))
            #expect(try await store.scanLeaseHolder(network: .ethereum) == nil)
            #expect(try await store.acquireScanLease(network: .ethereum, holder: "b", ttlMillis: 10_000))
            #expect(try await store.acquireScanLease(network: .ethereum, holder: "a", ttlMillis: 10_000) == false, "a lost it")
            // Released: taken at once.
            try await store.releaseScanLease(network: .ethereum, holder: "a")  // not the holder: nothing happens
            #expect(try await store.scanLeaseHolder(network: .ethereum) == "b")
            try await store.releaseScanLease(network: .ethereum, holder: "b")
            #expect(try await store.acquireScanLease(network: .ethereum, holder: "a", ttlMillis: 10_000))
        }
    }

    static func scanner(_ store: SQLStore, _ chain: MemoryChainSource) -> NetworkScanner {
        var settings = ScanSettings()
        settings.blocksPerStep = 5
        settings.recheckDepth = nil
        settings.pollInterval = .milliseconds(20)
        settings.retryDelay = .milliseconds(20)
        return NetworkScanner(
            source: chain, store: store, watchList: AddressWatchList(family: .evm, environment: .production, directory: store), assets: ScannerWithoutIOTests.registry,
            minimums: [:], settings: settings, now: { 1_000 }, logger: ScanHarness.logger)
    }

    static func waitFor(_ what: String, seconds: Double = 10, _ check: () async throws -> Bool) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < .seconds(seconds) {
            if try await check() { return clock.now - start }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting for \(what)")
        return .seconds(seconds)
    }

    @Test(arguments: Backend.available)
    func aStandbyTakesOverOnAGracefulStopAndWhenAHolderVanishes(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let chain = MemoryChainSource(length: 10)
            let lease: @Sendable (String) -> ScanLease = { ScanLease(leases: store, holder: $0, ttl: .seconds(5), standbyPoll: .milliseconds(20)) }
            let first = Task { try await Self.scanner(store, chain).run(clock: ContinuousClock(), lease: lease("first")) }
            _ = try await Self.waitFor("first to scan") { try await store.scanCursor(network: .ethereum)?.number == 10 }
            let second = Task { try await Self.scanner(store, chain).run(clock: ContinuousClock(), lease: lease("second")) }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await store.scanLeaseHolder(network: .ethereum) == "first", "the standby waits")
            // A graceful stop gives the lease up: the standby scans within its poll.
            first.cancel()
            _ = try? await first.value
            chain.mine(3)
            let handover = try await Self.waitFor("second to scan") { try await store.scanCursor(network: .ethereum)?.number == 13 }
            #expect(try await store.scanLeaseHolder(network: .ethereum) == "second")
            // The holder vanishes (a crash: nothing given up): another takes over once the lease ran out.
            second.cancel()
            _ = try? await second.value
            #expect(try await store.acquireScanLease(network: .ethereum, holder: "crashed", ttlMillis: 3_000))
            let third = Task { try await Self.scanner(store, chain).run(clock: ContinuousClock(), lease: lease("third")) }
            chain.mine(2)
            // While the vanished holder's lease lasts, nobody scans.
            #expect(try await store.scanLeaseHolder(network: .ethereum) == "crashed")
            #expect(try await store.scanCursor(network: .ethereum)?.number == 13)
            let takeover = try await Self.waitFor("third to scan") { try await store.scanCursor(network: .ethereum)?.number == 15 }
            #expect(try await store.scanLeaseHolder(network: .ethereum) == "third")
            // Figures, not assertions (timing belongs to measurements): the vanished lease 3 s, standby poll 20 ms.
            print("scan lease: graceful handover \(handover), takeover after a vanished holder \(takeover)")
            third.cancel()
            _ = try? await third.value
            #expect(try await store.scanLeaseHolder(network: .ethereum) == nil, "released on the way out")
        }
    }
}
