import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneWatcher
import NIOCore
import Synchronization
import Testing

/// Every test network proves its identity like its mainnet: an endpoint that claims another
/// chain (most dangerously, the mainnet) is refused with a message naming both, and one that
/// claims the right chain is used.
@Suite struct TestNetworkIdentityTests {
    /// What a node says it is: an EVM chain id, a Tron genesis block id, a Solana genesis hash
    /// or a Bitcoin Core chain name, answered to the one question each family asks.
    static func withNode(claiming claim: String, _ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 16)
            let call = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
            let result: Any
            switch call["method"] as? String {
            case "eth_chainId": result = claim
            case "getGenesisHash": result = claim
            case "getblockchaininfo": result = ["chain": claim]
            default: result = NSNull()
            }
            let answer: [String: Any] = ["jsonrpc": "2.0", "id": call["id"] ?? 1, "result": result]
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: answer))))
        }
        router.post("/wallet/getblockbynum") { _, _ -> Response in
            let block: [String: Any] = [
                "blockID": String(repeating: "0", count: 56) + claim,
                "block_header": ["raw_data": ["parentHash": String(repeating: "0", count: 64), "witness_address": "41" + String(repeating: "ab", count: 20)]],
            ]
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: block))))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body("http://127.0.0.1:\(try #require(client.port))") }
    }

    /// The claim of `network`'s own chain, and the claim its mainnet makes.
    static func claims(_ network: NetworkID) -> (own: String, mainnet: String) {
        switch network.family {
        case .evm: return ("0x" + String(network.evmChainID!, radix: 16), "0x" + String(network.mainnet.evmChainID!, radix: 16))
        case .tron: return (TronSource.genesisSuffix(of: network)!, TronSource.genesisSuffix(of: .tron)!)
        case .solana: return (SolanaSource.genesisHash(of: network)!, SolanaSource.genesisHash(of: .solana)!)
        case .bitcoin: return (BitcoinSource.chainNames(network)[0], "main")
        }
    }

    static func source(_ network: NetworkID, url: String) -> any ChainSource {
        let client = NodeClient(
            network: network.rawValue, endpoints: [RPCEndpoint(url: url, requestsPerSecond: 0)], http: .shared, timeout: .seconds(5),
            retry: RetryPolicy(attempts: 1, baseDelay: .milliseconds(1), maxDelay: .milliseconds(1)), cooldown: .milliseconds(1),
            logger: ScanHarness.logger)
        switch network.family {
        case .evm:
            return EVMSource(network: network, client: client, nativeAssetID: "x", tokens: [:], maxHeadAgeSeconds: 120, now: { 0 }, logger: ScanHarness.logger)
        case .tron:
            return TronSource(network: network, client: client, nativeAssetID: "x", tokens: [:], maxHeadAgeSeconds: 120, now: { 0 }, logger: ScanHarness.logger)
        case .solana:
            return SolanaSource(
                network: network, client: client, nativeAssetID: "x", mints: [:], genesisHash: SolanaSource.genesisHash(of: network)!,
                maxHeadAgeSeconds: nil, now: { 0 }, logger: ScanHarness.logger)
        case .bitcoin:
            return BitcoinSource(network: network, client: client, assetID: "x", maxHeadAgeSeconds: nil, now: { 0 }, logger: ScanHarness.logger)
        }
    }

    static let testNetworks = NetworkID.allCases.filter { !$0.isMainnet && $0 != .bitcoinRegtest }

    @Test func everyTestNetworkHasItsOwnIdentity() {
        #expect(Self.testNetworks.count == 12)
        let ids = Self.testNetworks.map { n in "\(n.family):\(Self.claims(n).own)" }
        #expect(Set(ids).count == ids.count, "two test networks claim one identity: \(ids)")
        // The published ids.
        #expect(NetworkID.ethereumSepolia.evmChainID == 11_155_111 && NetworkID.bscTestnet.evmChainID == 97)
        #expect(NetworkID.polygonAmoy.evmChainID == 80002 && NetworkID.baseSepolia.evmChainID == 84532)
        #expect(NetworkID.arbitrumSepolia.evmChainID == 421_614)
        #expect(Self.testNetworks.allSatisfy { $0.environment == .sandbox })
    }

    @Test(arguments: testNetworks)
    func aNodeClaimingTheMainnetIsRefused(_ network: NetworkID) async throws {
        let (own, mainnet) = Self.claims(network)
        try await Self.withNode(claiming: mainnet) { url in
            await #expect {
                try await Self.source(network, url: url).verifyChain()
            } throws: { error in
                let text = "\(error)"
                return text.contains(network.rawValue) || text.contains(own)
            }
        }
        try await Self.withNode(claiming: own) { url in
            try await Self.source(network, url: url).verifyChain()
        }
    }

    @Test(arguments: NetworkID.production.filter { $0.family != .bitcoin })
    func aNodeClaimingATestNetworkIsRefusedOnTheMainnet(_ network: NetworkID) async throws {
        let test = try #require(Self.testNetworks.first { $0.mainnet == network })
        try await Self.withNode(claiming: Self.claims(test).own) { url in
            await #expect(throws: (any Error).self) { try await Self.source(network, url: url).verifyChain() }
        }
    }
}
