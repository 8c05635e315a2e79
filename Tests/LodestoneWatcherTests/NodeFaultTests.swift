import Synchronization
import AsyncHTTPClient
import NIOCore
import HummingbirdTesting
import Hummingbird
import Foundation
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneStore
import LodestoneWatcher
import TestSupport
import Testing

/// Endpoints misbehave the way providers do; the scanner fails over and loses nothing.
@Suite struct NodeFaultTests {
    static let token = ScanHarness.token

    /// A chain with one token deposit in each of blocks 1…10 to one customer.
    static func chain(paying account: [UInt8]) async -> DevChain {
        let chain = DevChain(chainID: 1)
        for i in 1...10 { await chain.mine([DevChain.token(token, [(account, units("\(i)"))])]) }
        return chain
    }

    @Test(arguments: [Fault.status(500), .status(429), .status(503), .malformed, .hang])
    func aFailingPrimaryFailsOverAndNothingIsLost(_ fault: Fault) async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = await Self.chain(paying: alice.account)
            let primary = EndpointBehaviour()
            primary.fail(fault, fault, fault, fault, fault, fault)
            _ = try await DevnetServer.with(chain, behaviour: primary) { bad in
                try await DevnetServer.with(chain) { good in
                    try await h.catchUp(await h.scanner(urls: [bad, good], timeout: .milliseconds(500)))
                }
            }
            #expect(try await h.deposits(alice.id).count == 10)
        }
    }

    @Test func aWrongChainIDStopsTheNetworkAndSaysWhy() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let chain = DevChain(chainID: 56)
            try await DevnetServer.with(chain) { url in
                let scanner = await h.scanner(urls: [url])
                await #expect {
                    try await scanner.run()
                } throws: { error in
                    "\(error)".contains("serves chain id 56; expected chain id 1 (ethereum)")
                }
            }
            #expect(try await h.store.scanCursor(network: .ethereum) == nil)
        }
    }

    @Test func anEndpointDownAtStartIsCheckedBeforeItsFirstUse() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = await Self.chain(paying: alice.account)
            let primary = EndpointBehaviour()
            primary.fail(.status(503), .status(503), .status(503))
            try await DevnetServer.with(chain, behaviour: primary) { p in
                try await DevnetServer.with(chain) { backup in
                    let scanner = await h.scanner(urls: [p, backup], cooldown: .milliseconds(200))
                    try await scanner.verify()  // the primary is down: only the backup is checked
                    // What comes back at the primary's URL is a node of another chain.
                    primary.chainID(56)
                    try await h.catchUp(scanner)
                    // Past any cool-down, the primary is checked (once) and refused; after that it is never asked again.
                    try await Task.sleep(for: .milliseconds(300))
                    await chain.mine(empty: 3)
                    try await h.catchUp(scanner)
                    let refusedAt = primary.requests
                    try await Task.sleep(for: .milliseconds(300))
                    await chain.mine(empty: 3)
                    try await h.catchUp(scanner)
                    #expect(primary.requests == refusedAt, "a node of another chain was used")
                }
            }
            #expect(try await h.deposits(alice.id).count == 10)
        }
    }

    @Test func anEndpointIsCheckedAgainWhenItRecovers() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = await Self.chain(paying: alice.account)
            let primary = EndpointBehaviour()
            try await DevnetServer.with(chain, behaviour: primary) { p in
                try await DevnetServer.with(chain) { backup in
                    let source = EVMSource(
                        network: .ethereum, client: h.client(.ethereum, [p, backup], cooldown: .seconds(2)), nativeAssetID: "ETH-Ethereum",
                        tokens: [:], maxHeadAgeSeconds: 86_400, now: { Int64(Date().timeIntervalSince1970 * 1000) }, logger: ScanHarness.logger)
                    try await source.verifyChain()
                    #expect(try await source.head().block.number == 10)
                    // The primary fails into a cool-down; what answers after it is on another chain.
                    primary.fail(.status(502), .status(502), .status(502))
                    for _ in 0..<3 { _ = try await source.head() }  // served by the backup meanwhile
                    #expect(await source.endpointHealth().first?.healthy == false)
                    primary.chainID(56)
                    try await Task.sleep(for: .milliseconds(2_200))
                    let before = primary.requests
                    for _ in 0..<5 { #expect(try await source.head().block.number == 10) }
                    // One identity check, refused, and nothing else.
                    #expect(primary.requests == before + 1)
                    #expect(await source.endpointHealth().first?.problem?.contains("chain id 56") == true)
                }
            }
        }
    }

    @Test func oneStepAsksOneNode() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let chain = DevChain(chainID: 1)
            await chain.mine(empty: 3)
            let primary = EndpointBehaviour()
            let backup = EndpointBehaviour()
            try await DevnetServer.with(chain, behaviour: primary) { p in
                try await DevnetServer.with(chain, behaviour: backup) { b in
                    let client = h.client(.ethereum, [p, b])
                    let byBackup = backup.requests
                    // Pinned: the first answer picks the primary; when it fails, the run fails instead
                    // of asking the backup, whose answers could disagree.
                    await #expect(throws: RPCError.self) {
                        try await client.pinned {
                            _ = try await client.call("eth_blockNumber", [], as: String.self)
                            primary.fail(.status(500), .status(500), .status(500), .status(500), .status(500), .status(500))
                            _ = try await client.call("eth_blockNumber", [], as: String.self)
                        }
                    }
                    #expect(backup.requests == byBackup, "a pinned run asked a second node")
                    // Not pinned: the usual failover.
                    primary.fail(.status(500))
                    _ = try await client.call("eth_blockNumber", [], as: String.self)
                    #expect(backup.requests > byBackup)
                    // A pinned run whose first call had to fail over stays with the node that answered.
                    let before = (primary.requests, backup.requests)
                    primary.fail(.status(500))
                    try await client.pinned {
                        for _ in 0..<5 { _ = try await client.call("eth_blockNumber", [], as: String.self) }
                    }
                    // (The primary may still be cooling down from the failures above: asked once at most.)
                    #expect(primary.requests - before.0 <= 1 && backup.requests == before.1 + 5)
                }
            }
        }
    }

    @Test func aStaleEndpointIsLeftForAFreshOne() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = await Self.chain(paying: alice.account)
            // The primary says it is synced but its head is 5 blocks and an hour old.
            let stale = EndpointBehaviour()
            stale.lag(5)
            stale.stale(seconds: 3600)
            let board = ScanProgressBoard()
            try await DevnetServer.with(chain, behaviour: stale) { bad in
                try await DevnetServer.with(chain) { good in
                    let scanner = await h.scanner(urls: [bad, good], progress: board)
                    try await h.catchUp(scanner)
                }
            }
            // Each endpoint's own head, as the operator sees it: the stale one 5 behind and marked.
            let endpoints = try #require(await board.progress(of: .ethereum)?.endpoints)
            #expect(endpoints.map(\.head) == [5, 10] && endpoints.map(\.stale) == [true, false], "\(endpoints)")
            #expect(endpoints.map(\.healthy) == [false, true])
            #expect(try await h.store.scanCursor(network: .ethereum)?.number == 10)
            #expect(try await h.deposits(alice.id).count == 10)
        }
    }

    @Test func logRangesShrinkToWhatTheProviderAccepts() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = await Self.chain(paying: alice.account)
            let limited = EndpointBehaviour()
            limited.maxLogRange(2)
            try await DevnetServer.with(chain, behaviour: limited) { url in
                var settings = ScanSettings.test
                settings.blocksPerStep = 10
                try await h.catchUp(await h.scanner(urls: [url], settings: settings, maxLogRange: 10))
            }
            #expect(try await h.deposits(alice.id).count == 10)
        }
    }

    @Test func aBrokenAnswerIsRetriedNeverSkipped() async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            let chain = await Self.chain(paying: alice.account)
            let flaky = EndpointBehaviour()
            try await DevnetServer.with(chain, behaviour: flaky) { url in
                let scanner = await h.scanner(urls: [url])
                _ = try await scanner.step()
                // Every try of the next step fails: the step throws and the cursor stays.
                let before = try await h.store.scanCursor(network: .ethereum)
                flaky.fail(.status(502), .status(502), .status(502), .status(502), .status(502), .status(502), .status(502))
                await #expect(throws: RPCError.self) { _ = try await scanner.step() }
                #expect(try await h.store.scanCursor(network: .ethereum) == before)
                try await h.catchUp(scanner)
            }
            #expect(try await h.deposits(alice.id).count == 10)
        }
    }

    /// A node that answers, but with nothing usable (java-tron's `{}` for a block it lacks), is said
    /// to be that, not unreachable; a closed port is unreachable; both together say both.
    @Test func anEndpointThatAnswersWithSomethingUnusableIsNotCalledUnreachable() async throws {
        // A port that was just closed: connecting is refused at once.
        let closedPort = Mutex(0)
        try await Application(router: Router(), configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            closedPort.withLock { $0 = client.port ?? 0 }
        }
        let router = Router()
        router.post("/wallet/getblockbynum") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let answering = "http://127.0.0.1:\(try #require(client.port))"
            let closed = "http://127.0.0.1:\(closedPort.withLock { $0 })"
            func problem(_ urls: [String]) async -> String {
                let node = NodeClient(
                    network: "tron", endpoints: urls.map { RPCEndpoint(url: $0, requestsPerSecond: 0) }, http: .shared, timeout: .seconds(5),
                    retry: RetryPolicy(attempts: 1, baseDelay: .milliseconds(1), maxDelay: .milliseconds(1)), cooldown: .milliseconds(1),
                    logger: ScanHarness.logger)
                let source = TronSource(client: node, nativeAssetID: "TRX-Tron", tokens: [:], maxHeadAgeSeconds: 120, now: { 0 }, logger: ScanHarness.logger)
                do {
                    try await source.verifyChain()
                    return "verified"
                } catch {
                    return NetworkScanner.endpointProblem(error)
                }
            }
            #expect(await problem([answering]) == "every endpoint answers, but with something unusable")
            #expect(await problem([closed]) == "cannot reach any endpoint")
            #expect(await problem([answering, closed]) == "no endpoint is usable: 1 answer with something unusable, 1 cannot be reached")
        }
    }
}
