import BigInt
import Foundation
import Hummingbird
import HummingbirdTesting
import LodestoneCore
import NIOCore
import Synchronization
import Testing

/// Serves a `DevChain` the way a java-tron full node's HTTP API does (`/wallet/…`, hex `41…` addresses,
/// ids without `0x`, millisecond timestamps).
enum TronDevnetServer {
    static func id(_ hash: String) -> String { String(hash.dropFirst(2)) }
    static func tron(_ account: [UInt8]) -> String { "41" + Hex.encode(account) }

    static func with<T: Sendable>(_ chain: DevChain, behaviour: EndpointBehaviour = EndpointBehaviour(), _ body: @Sendable (String) async throws -> T)
        async throws -> T
    {
        let router = Router()
        for path in ["/wallet/getnowblock", "/wallet/getblockbynum", "/wallet/gettransactioninfobyblocknum"] {
            router.post(RouterPath(path)) { request, _ -> Response in
                let bytes = try await request.body.collect(upTo: 1 << 20)
                if let failure = try await behaviour.faultResponse() { return failure }
                let args = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
                let head = await chain.head.number - behaviour.lagBlocks
                let n = path == "/wallet/getnowblock" ? head : (args["num"] as? Int).map(Int64.init) ?? -1
                let answer: Any
                if n > head { answer = [String: Any]() } else if let block = await chain.block(n) {
                    // java-tron answers {} rather than [] for a block without transactions.
                    answer = path.hasSuffix("infobyblocknum") ? (block.txs.isEmpty ? [String: Any]() as Any : infos(block) as Any) : blockJSON(block, stale: behaviour.staleSeconds)
                } else {
                    answer = [String: Any]()
                }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: answer))))
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let result = Mutex<T?>(nil)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let value = try await body("http://127.0.0.1:\(port)")
            result.withLock { $0 = value }
        }
        return result.withLock { $0! }
    }

    static func blockJSON(_ b: DevChain.Block, stale: Int64) -> [String: Any] {
        var header: [String: Any] = ["parentHash": id(b.parentHash), "witness_address": "41" + String(repeating: "ab", count: 20)]
        if b.number > 0 {
            header["number"] = b.number
            header["timestamp"] = (b.timestamp - stale) * 1000
        }
        return [
            "blockID": id(b.hash), "block_header": ["raw_data": header],
            "transactions": b.txs.map { tx -> [String: Any] in
                let contract: [String: Any]
                if tx.trc10 {
                    contract = [
                        "type": "TransferAssetContract",
                        "parameter": ["value": ["amount": Int(tx.value), "asset_name": "1004937", "to_address": tron(tx.to!), "owner_address": tron(Array(repeating: 0x11, count: 20))]],
                    ]
                } else if tx.logs.isEmpty && tx.value > 0 {
                    contract = [
                        "type": "TransferContract",
                        "parameter": ["value": ["amount": Int(tx.value), "to_address": tron(tx.to!), "owner_address": tron(Array(repeating: 0x11, count: 20))]],
                    ]
                } else {
                    contract = ["type": "TriggerSmartContract", "parameter": ["value": ["contract_address": tron(tx.to!), "data": "a9059cbb"]]]
                }
                return [
                    "txID": id(tx.hash), "ret": [["contractRet": tx.succeeded ? "SUCCESS" : "REVERT"]],
                    "raw_data": ["contract": [contract]],
                ]
            },
        ]
    }

    static func infos(_ b: DevChain.Block) -> [[String: Any]] {
        b.txs.map { tx in
            var info: [String: Any] = ["id": id(tx.hash), "blockNumber": b.number, "blockTimeStamp": b.timestamp * 1000]
            if tx.logs.isEmpty && !tx.trc10 {
                info["receipt"] = ["net_usage": 268]
            } else if !tx.trc10 {
                info["receipt"] = ["result": tx.succeeded ? "SUCCESS" : "REVERT"]
                info["contract_address"] = tron(tx.to!)
                info["log"] = tx.logs.map { log -> [String: Any] in
                    [
                        "address": Hex.encode(log.contract),
                        "topics": [
                            String(DevChain.transferTopic.dropFirst(2)), String(repeating: "0", count: 24) + Hex.encode(log.from),
                            String(repeating: "0", count: 22) + "41" + Hex.encode(log.to),  // some wallets write the 41 into the word
                        ],
                        "data": String(repeating: "0", count: 64 - String(log.value, radix: 16).count) + String(log.value, radix: 16),
                    ]
                }
            }
            return info
        }
    }
}
