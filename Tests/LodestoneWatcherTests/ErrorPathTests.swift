import AsyncHTTPClient
import Foundation
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneStore
import LodestoneWatcher
import TestSupport
import Testing

/// What the watcher does when nodes, chains or receivers misbehave in ways no retry fixes by itself.
@Suite struct ErrorPathTests {
    static let token = ScanHarness.token

    @Test func aNodeThatRefusesBatchesIsCalledOneRequestAtATime() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            await chain.mine([DevChain.native(to: alice.account, wei: wei("0.5"))])
            await chain.mine([DevChain.token(Self.token, [(alice.account, units("7"))])])
            await chain.mine(empty: 12)
            let behaviour = EndpointBehaviour()
            behaviour.refuseBatches()
            try await DevnetServer.with(chain, behaviour: behaviour) { url in
                let scanner = await h.scanner(urls: [url])
                try await h.catchUp(scanner)
                let deposits = try await h.deposits(alice.id)
                #expect(deposits.map(\.amount).sorted() == [Amount(baseUnits: units("7")), Amount(baseUnits: wei("0.5"))])
                #expect(deposits.allSatisfy { $0.status == .confirmed })
                #expect(behaviour.refusedBatches >= 1, "the node was asked for a batch first")
            }
        }
    }

    @Test func aReorgDeeperThanTheKeptHashesStopsWithAnAlarm() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            await chain.mine([DevChain.native(to: alice.account, wei: wei("1"))])
            await chain.mine(empty: 5)
            try await DevnetServer.with(chain) { url in
                var settings = ScanSettings.test
                settings.reorgWindow = 2
                let scanner = await h.scanner(urls: [url], settings: settings)
                try await h.catchUp(scanner)
                let before = try await h.store.scanCursor(network: .ethereum)
                let depositsBefore = try await h.deposits(alice.id)
                await chain.reorg(depth: 4)
                await chain.mine(empty: 6)
                await #expect(throws: NetworkScanner.Alarm.self) { _ = try await scanner.step() }
                // Nothing was rolled back on a guess.
                #expect(try await h.store.scanCursor(network: .ethereum) == before)
                #expect(try await h.deposits(alice.id) == depositsBefore)
                #expect(try await h.store.events(page: 1, pageSize: 50).items.allSatisfy { $0.type != .depositReversed })
            }
        }
    }

    @Test func logsFromAnotherBranchAreRefusedUntilTheNodeAgreesWithItself() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = DevChain(chainID: 1)
            await chain.mine([DevChain.token(Self.token, [(alice.account, units("3"))])])
            await chain.mine(empty: 3)
            let behaviour = EndpointBehaviour()
            try await DevnetServer.with(chain, behaviour: behaviour) { url in
                let scanner = await h.scanner(urls: [url])
                _ = try await scanner.step()
                behaviour.wrongLogBlockHash(true)
                await #expect(throws: ChainSourceError.self) { _ = try await scanner.step() }
                #expect(try await h.store.scanCursor(network: .ethereum)?.number == 0)
                behaviour.wrongLogBlockHash(false)
                try await h.catchUp(scanner)
            }
            #expect(try await h.deposits(alice.id).map(\.status) == [.confirmed])
        }
    }

    @Test func aReceiverThatCannotBeReachedIsRetriedWithTheErrorRecorded() async throws {
        try await StoreFixture.with(.sqlite) { store in
            let clock = TestClock(3_000)
            // Port 9 on loopback: nothing listens, the connection is refused.
            _ = try await store.createWebhookEndpoint(url: "http://127.0.0.1:9/hook", events: [.depositConfirmed], secret: "whsec_x", environment: .production, now: 0)
            _ = try await WebhookTests.someEvents(store)
            let deliverer = WebhookDeliverer(
                store: store, egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: true), timeout: .seconds(2)), now: clock.now,
                logger: ScanHarness.logger)
            #expect(try await deliverer.deliverDue() == 1)
            let id = try #require(try await store.events(page: 1, pageSize: 50).items.first { $0.type == .depositConfirmed }?.id)
            let record = try #require(try await store.deliveries(eventID: id).first)
            #expect(record.status == .pending && record.attempts.count == 1)
            #expect(record.attempts[0].statusCode == nil && record.attempts[0].error?.isEmpty == false)
            #expect((record.nextAttemptAt ?? 0) > clock.now())
        }
    }

    @Test func aHostThatDoesNotResolveIsRefused() async {
        let problem = await HostResolver.system.problem(with: "https://no-such-host.invalid/hook", policy: WebhookURLPolicy(allowPrivate: false))
        #expect(problem?.contains("does not resolve") == true)
        #expect(await HostResolver.system.problem(with: "https://8.8.8.8/hook", policy: WebhookURLPolicy(allowPrivate: false)) == nil)
    }
}
