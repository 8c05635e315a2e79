import AsyncHTTPClient
import BigInt
import Foundation
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneStore
import LodestoneWatcher
import Logging
import TestSupport
import Testing

/// A store with customers and addresses, a registry with a dev token, and scanners over dev endpoints.
struct ScanHarness: Sendable {
    static let token: [UInt8] = Array(repeating: 0xD0, count: 20)
    static let logger: Logger = {
        var l = Logger(label: "lodestone.test.scan")
        l.logLevel = ProcessInfo.processInfo.environment["LODESTONE_TEST_LOG"] == nil ? .critical : .debug
        return l
    }()

    let store: SQLStore
    let registry: AssetRegistry
    let clock: TestClock

    /// Native asset and dev token on `network`, threshold 3, token minimum 0.01.
    static func assets(_ network: NetworkID, confirmations: Int = 3) -> [Asset] {
        let native = AssetCatalog.defaults(for: network)[0]
        return [
            Asset(network: network, symbol: native.symbol, decimals: 18, contract: nil, confirmations: confirmations),
            Asset(network: network, symbol: "USDT", decimals: 6, contract: EVMAddress.checksummed(token), confirmations: confirmations),
        ]
    }

    static func with(_ backend: Backend, networks: [NetworkID] = [.ethereum], _ body: @Sendable (ScanHarness) async throws -> Void)
        async throws
    {
        try await StoreFixture.with(backend) { store in
            let harness = ScanHarness(
                store: store, registry: AssetRegistry(assets: networks.flatMap { assets($0) }),
                clock: TestClock(Int64(Date().timeIntervalSince1970) * 1000))
            try await body(harness)
        }
    }

    /// A new customer and its address on `network`, as 20 account bytes.
    func customer(on network: NetworkID = .ethereum) async throws -> (id: String, account: [UInt8], address: String) {
        let c = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: network.environment, now: clock.now())
        let (address, _) = try await store.issueAddress(customerID: c.id, network: network, now: clock.now()) { n, i in
            try TestKeys.issuer.derive(network: n, index: i)
        }
        return (c.id, try AddressCodec.parse(address.address, network: network).matchKey, address.address)
    }

    func intent(_ customer: String, address: String, asset: String, amount: String, decimals: Int) async throws -> String {
        let asset = try #require(await registry.asset(id: asset))
        return try await store.createPaymentIntent(
            NewPaymentIntent(
                asset: asset, amount: try Amount(decimal: amount, decimals: decimals), customerID: customer, depositAddress: address,
                merchantOrderID: nil, metadata: nil, expiresIn: 3600, idempotencyKey: nil, requestHash: ""), now: clock.now()
        ).0.id
    }

    func client(_ network: NetworkID, _ urls: [String], timeout: Duration = .seconds(2), cooldown: Duration = .seconds(30)) -> NodeClient {
        NodeClient(
            network: network.rawValue, endpoints: urls.map { RPCEndpoint(url: $0, requestsPerSecond: 0) }, http: .shared, timeout: timeout,
            retry: RetryPolicy(attempts: 6, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20)), cooldown: cooldown,
            logger: Self.logger)
    }

    func scanner(
        _ network: NetworkID = .ethereum, urls: [String], settings: ScanSettings = .test, watchList: AddressWatchList? = nil,
        maxLogRange: Int64 = 2000, timeout: Duration = .seconds(2), cooldown: Duration = .seconds(30), progress: ScanProgressBoard? = nil
    ) async -> NetworkScanner {
        let assets = await registry.all().filter { $0.network == network }
        let source = EVMSource(
            network: network, client: client(network, urls, timeout: timeout, cooldown: cooldown), nativeAssetID: assets[0].id,
            tokens: TokenContracts.byAccount(assets),
            maxHeadAgeSeconds: 120, maxLogRange: maxLogRange, now: clock.now, logger: Self.logger)
        let minimums = Dictionary(uniqueKeysWithValues: assets.map { ($0.id, AssetCatalog.defaultMinimum($0)) })
        return NetworkScanner(
            source: source, store: store, watchList: watchList ?? AddressWatchList(family: .evm, environment: .production, directory: store), assets: registry,
            minimums: minimums, settings: settings, now: clock.now, logger: Self.logger, progress: progress)
    }

    /// Steps and tracks until the scanner reports it is caught up.
    @discardableResult
    func catchUp(_ scanner: NetworkScanner, limit: Int = 200) async throws -> [NetworkScanner.Outcome] {
        var outcomes: [NetworkScanner.Outcome] = []
        for _ in 0..<limit {
            let outcome = try await scanner.step()
            try await scanner.track()
            outcomes.append(outcome)
            if outcome == .caughtUp { return outcomes }
        }
        throw HarnessError.neverCaughtUp
    }

    enum HarnessError: Error { case neverCaughtUp }

    func deposits(_ customer: String) async throws -> [Deposit] {
        try await store.deposits(DepositFilter(customerID: customer), page: 1, pageSize: 100).items
    }
}

extension ScanSettings {
    static var test: ScanSettings {
        var s = ScanSettings()
        s.blocksPerStep = 5
        s.startBlock = 1
        s.recheckDepth = nil
        s.retryDelay = .milliseconds(10)
        return s
    }
}

func wei(_ eth: String) -> BigUInt { try! Amount(decimal: eth, decimals: 18).baseUnits }
func units(_ usdt: String) -> BigUInt { try! Amount(decimal: usdt, decimals: 6).baseUnits }
func amount(_ text: String, _ decimals: Int) -> Amount { try! Amount(decimal: text, decimals: decimals) }
