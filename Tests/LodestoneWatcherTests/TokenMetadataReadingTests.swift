import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneWatcher
import NIOCore
import Testing

/// What Tron and Solana nodes answer about a token, in the formats java-tron's
/// `/wallet/triggerconstantcontract` and agave's `getAccountInfo` (`jsonParsed`) document. (The
/// EVM reader runs against a real EVM in `Tests/peers/test_evm_end_to_end.py`.)
@Suite struct TokenMetadataReadingTests {
    static let word6 = String(repeating: "0", count: 63) + "6"
    /// `symbol()` answering "USDT" as an ABI string.
    static let usdt = String(repeating: "0", count: 62) + "20" + String(repeating: "0", count: 63) + "4" + "55534454" + String(repeating: "0", count: 56)

    static func json(_ object: Any) throws -> Response {
        Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))))
    }

    static func client(_ url: String, network: NetworkID) -> NodeClient {
        NodeClient(
            network: network.rawValue, endpoints: [RPCEndpoint(url: url, requestsPerSecond: 0)], http: .shared, timeout: .seconds(5),
            retry: RetryPolicy(attempts: 1, baseDelay: .milliseconds(1), maxDelay: .milliseconds(1)), cooldown: .milliseconds(1),
            logger: ScanHarness.logger)
    }

    /// ERC-20's `symbol()` is optional: a contract that reverts it is checked on its decimals; one
    /// that reverts `decimals()` is no token.
    @Test func anERC20WithoutSymbolIsReadAndOneWithoutDecimalsIsNoToken() async throws {
        let token = "0x00000000000000000000000000000000005e9011"
        let router = Router()
        router.post("/") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            let call = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
            let id = call["id"] ?? 1
            switch call["method"] as? String {
            case "eth_chainId": return try Self.json(["jsonrpc": "2.0", "id": id, "result": "0xaa36a7"])
            case "eth_call":
                let args = try #require((call["params"] as? [Any])?.first as? [String: Any])
                if args["to"] as? String == token, args["data"] as? String == "0x313ce567" {
                    return try Self.json(["jsonrpc": "2.0", "id": id, "result": "0x" + Self.word6])
                }
                return try Self.json(["jsonrpc": "2.0", "id": id, "error": ["code": 3, "message": "execution reverted"]])
            default: return try Self.json(["jsonrpc": "2.0", "id": id, "result": NSNull()])
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { c in
            let url = "http://127.0.0.1:\(try #require(c.port))"
            let source = EVMSource(
                network: .ethereumSepolia, client: Self.client(url, network: .ethereumSepolia), nativeAssetID: "ETH-Sepolia", tokens: [:],
                maxHeadAgeSeconds: 120, now: { 0 }, logger: ScanHarness.logger)
            #expect(try await source.tokenMetadata(contract: token) == TokenMetadata(decimals: 6, symbol: nil))
            await #expect(throws: TokenReadProblem.self) { try await source.tokenMetadata(contract: "0x0000000000000000000000000000000000000bad") }
        }
    }

    @Test func aTRC20ContractIsReadByConstantCalls() async throws {
        let router = Router()
        router.post("/wallet/getblockbynum") { _, _ in
            try Self.json([
                "blockID": String(repeating: "0", count: 56) + "cd8690dc",
                "block_header": ["raw_data": ["parentHash": String(repeating: "0", count: 64), "witness_address": "41" + String(repeating: "ab", count: 20)]],
            ])
        }
        router.post("/wallet/triggerconstantcontract") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            let call = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
            // Base58 addresses are only understood with `visible: true`.
            guard call["visible"] as? Bool == true, call["contract_address"] as? String == "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf" else {
                return try Self.json(["result": ["code": "OTHER_ERROR", "message": "bad request"]])
            }
            let answer = call["function_selector"] as? String == "decimals()" ? Self.word6 : Self.usdt
            return try Self.json(["result": ["result": true], "energy_used": 232, "constant_result": [answer], "transaction": [String: Any]()])
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { c in
            let url = "http://127.0.0.1:\(try #require(c.port))"
            let source = TronSource(
                network: .tronNile, client: Self.client(url, network: .tronNile), nativeAssetID: "TRX-Nile", tokens: [:], maxHeadAgeSeconds: 120,
                now: { 0 }, logger: ScanHarness.logger)
            #expect(try await source.tokenMetadata(contract: "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf") == TokenMetadata(decimals: 6, symbol: "USDT"))
        }
    }

    @Test func anSPLMintIsReadFromItsParsedAccountAndAnythingElseIsRefused() async throws {
        let mint = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"
        let wallet = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM"
        let router = Router()
        router.post("/") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            let call = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
            let id = call["id"] ?? 1
            if call["method"] as? String == "getGenesisHash" {
                return try Self.json(["jsonrpc": "2.0", "id": id, "result": SolanaSource.genesisHash(of: .solanaDevnet)!])
            }
            let account = (call["params"] as? [Any])?.first as? String
            let value: Any
            switch account {
            case mint:
                value = [
                    "data": [
                        "parsed": [
                            "info": ["decimals": 6, "freezeAuthority": NSNull(), "isInitialized": true, "mintAuthority": wallet, "supply": "1000000"],
                            "type": "mint",
                        ], "program": "spl-token", "space": 82,
                    ],
                    "executable": false, "lamports": 1_461_600, "owner": SolanaAddress.tokenProgram, "rentEpoch": 0, "space": 82,
                ]
            case wallet:
                value = ["data": ["", "base64"], "executable": false, "lamports": 5_000_000, "owner": "11111111111111111111111111111111", "rentEpoch": 0, "space": 0]
            default:
                value = NSNull()
            }
            return try Self.json(["jsonrpc": "2.0", "id": id, "result": ["context": ["slot": 1], "value": value]])
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { c in
            let url = "http://127.0.0.1:\(try #require(c.port))"
            let source = SolanaSource(
                network: .solanaDevnet, client: Self.client(url, network: .solanaDevnet), nativeAssetID: "SOL-SolanaDevnet", mints: [:],
                genesisHash: SolanaSource.genesisHash(of: .solanaDevnet)!, maxHeadAgeSeconds: nil, now: { 0 }, logger: ScanHarness.logger)
            #expect(try await source.tokenMetadata(contract: mint) == TokenMetadata(decimals: 6, symbol: nil))
            await #expect(throws: TokenReadProblem.self) { try await source.tokenMetadata(contract: wallet) }
            await #expect(throws: TokenReadProblem.self) { try await source.tokenMetadata(contract: "So11111111111111111111111111111111111111112") }
        }
    }
}
