import BigInt
import Foundation
import Hummingbird
import HummingbirdTesting
import LodestoneCore
import NIOCore
import Synchronization
import Testing

/// Faults an endpoint can be told to show.
enum Fault: Sendable {
    case status(Int)
    case malformed
    case hang
}

/// How one endpoint presents a `DevChain`: honestly, or lagging, stale, on another chain id,
/// with limits and faults.
final class EndpointBehaviour: Sendable {
    private struct State {
        var faults: [Fault] = []
        var lag: Int64 = 0
        var staleSeconds: Int64 = 0
        var chainID: UInt64? = nil
        var maxLogRange: Int64? = nil
        var droppedLogBlocks: Set<Int64> = []
        var refusesBatches = false
        var refusedBatches = 0
        var wrongLogBlockHash = false
        var requests = 0
    }

    private let state = Mutex(State())

    /// Fails the next requests, one fault each.
    func fail(_ faults: Fault...) { state.withLock { $0.faults += faults } }
    /// Reports a head `blocks` behind the chain.
    func lag(_ blocks: Int64) { state.withLock { $0.lag = blocks } }
    /// Stamps heads this many seconds in the past (a node that says it is synced but is not).
    func stale(seconds: Int64) { state.withLock { $0.staleSeconds = seconds } }
    /// Answers eth_chainId with another id.
    func chainID(_ id: UInt64) { state.withLock { $0.chainID = id } }
    /// Refuses eth_getLogs over more blocks than this, as providers do.
    func maxLogRange(_ n: Int64) { state.withLock { $0.maxLogRange = n } }
    /// Leaves out the logs of these blocks (an incomplete provider answer).
    func dropLogs(ofBlocks blocks: Set<Int64>) { state.withLock { $0.droppedLogBlocks = blocks } }

    /// Answers every batch with one error object, as providers without batch support do.
    func refuseBatches() { state.withLock { $0.refusesBatches = true } }
    /// Gives logs a block hash their block does not have (a node answering from two branches).
    func wrongLogBlockHash(_ on: Bool) { state.withLock { $0.wrongLogBlockHash = on } }
    var refusesBatches: Bool { state.withLock { $0.refusesBatches } }
    /// How many batches were refused.
    var refusedBatches: Int { state.withLock { $0.refusedBatches } }
    func countRefusedBatch() { state.withLock { $0.refusedBatches += 1 } }
    var givesWrongLogBlockHash: Bool { state.withLock { $0.wrongLogBlockHash } }

    var requests: Int { state.withLock { $0.requests } }

    /// The answer the next fault calls for (a hang answers late), or nil to answer normally.
    func faultResponse() async throws -> Response? {
        switch nextFault() {
        case nil: return nil
        case .status(let code)?: return Response(status: .init(code: code))
        case .malformed?: return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{\"jsonrpc\":\"2.0\",\"id\":1,\"res")))
        case .hang?:
            try await Task.sleep(for: .seconds(5))
            return nil
        }
    }
    func nextFault() -> Fault? {
        state.withLock { s in
            s.requests += 1
            return s.faults.isEmpty ? nil : s.faults.removeFirst()
        }
    }
    var lagBlocks: Int64 { state.withLock { $0.lag } }
    var staleSeconds: Int64 { state.withLock { $0.staleSeconds } }
    var chainIDOverride: UInt64? { state.withLock { $0.chainID } }
    var logRangeLimit: Int64? { state.withLock { $0.maxLogRange } }
    var droppedLogBlocks: Set<Int64> { state.withLock { $0.droppedLogBlocks } }
}

/// Serves a `DevChain` over HTTP JSON-RPC on a random local port.
enum DevnetServer {
    /// Runs `body` with the URL of a live endpoint over `chain`.
    static func with<T: Sendable>(
        _ chain: DevChain, behaviour: EndpointBehaviour = EndpointBehaviour(), _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let router = Router()
        router.post("/") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            if let failure = try await behaviour.faultResponse() { return failure }
            let payload = try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))
            let answer: Any
            if payload is [Any], behaviour.refusesBatches {
                behaviour.countRefusedBatch()
                answer = ["jsonrpc": "2.0", "id": NSNull(), "error": ["code": -32600, "message": "batch requests are not supported"]]
            } else if let batch = payload as? [[String: Any]] {
                var out: [Any] = []
                for call in batch.reversed() { out.append(await Self.answer(call, chain, behaviour)) }  // any order is allowed
                answer = out
            } else {
                answer = await Self.answer(payload as? [String: Any] ?? [:], chain, behaviour)
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: answer))))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let result = Mutex<T?>(nil)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let value = try await body("http://127.0.0.1:\(port)/")
            result.withLock { $0 = value }
        }
        return result.withLock { $0! }
    }

    static func hex(_ n: Int64) -> String { "0x" + String(n, radix: 16) }
    static func hex(_ n: BigUInt) -> String { "0x" + String(n, radix: 16) }
    static func word(_ bytes: [UInt8]) -> String { "0x" + String(repeating: "0", count: 24) + Hex.encode(bytes) }

    static func answer(_ call: [String: Any], _ chain: DevChain, _ behaviour: EndpointBehaviour) async -> [String: Any] {
        let id = call["id"] ?? NSNull()
        let params = call["params"] as? [Any] ?? []
        func ok(_ result: Any) -> [String: Any] { ["jsonrpc": "2.0", "id": id, "result": result] }
        func err(_ code: Int, _ message: String) -> [String: Any] { ["jsonrpc": "2.0", "id": id, "error": ["code": code, "message": message]] }
        let visibleHead = await chain.head.number - behaviour.lagBlocks
        func number(_ tag: Any?) -> Int64? {
            switch tag as? String {
            case "latest": return visibleHead
            case "finalized": return max(0, visibleHead - 10)
            case "safe": return max(0, visibleHead - 5)
            case let s?: return Int64(s.dropFirst(2), radix: 16)
            default: return nil
            }
        }
        switch call["method"] as? String {
        case "eth_chainId":
            return ok(hex(Int64(behaviour.chainIDOverride ?? chain.chainID)))
        case "eth_blockNumber":
            return ok(hex(visibleHead))
        case "eth_getBlockByNumber":
            guard let n = number(params.first), n <= visibleHead, let block = await chain.block(n) else { return ok(NSNull()) }
            let full = params.count > 1 && (params[1] as? Bool ?? false)
            var out: [String: Any] = [
                "number": hex(block.number), "hash": block.hash, "parentHash": block.parentHash,
                "timestamp": hex(block.timestamp - behaviour.staleSeconds),
            ]
            out["transactions"] =
                full
                ? block.txs.enumerated().map { i, tx -> [String: Any] in
                    [
                        "hash": tx.hash, "to": tx.to.map { "0x" + Hex.encode($0) } ?? NSNull(), "value": hex(tx.value),
                        "blockHash": block.hash, "blockNumber": hex(block.number), "transactionIndex": hex(Int64(i)),
                        "from": "0x" + String(repeating: "11", count: 20), "input": "0x",
                    ]
                } : block.txs.map(\.hash)
            return ok(out)
        case "eth_getTransactionReceipt":
            guard let hash = params.first as? String, let (tx, block, index) = await chain.transaction(hash) else { return ok(NSNull()) }
            let first = Int64(block.txs[..<index].reduce(0) { $0 + $1.logs.count })
            return ok([
                "transactionHash": tx.hash, "blockHash": block.hash, "blockNumber": hex(block.number),
                "status": tx.succeeded ? "0x1" : "0x0",
                "logs": tx.logs.indices.map { ["logIndex": hex(first + Int64($0))] },
            ])
        case "eth_getLogs":
            guard let filter = params.first as? [String: Any], let from = number(filter["fromBlock"]), let to = number(filter["toBlock"]) else {
                return err(-32602, "invalid filter")
            }
            if let limit = behaviour.logRangeLimit, to - from + 1 > limit {
                return err(-32005, "query exceeds max block range \(limit)")
            }
            let contracts = Set((filter["address"] as? [String] ?? []).map { $0.lowercased() })
            var logs: [[String: Any]] = []
            for n in from...max(from, min(to, visibleHead)) where !behaviour.droppedLogBlocks.contains(n) {
                guard let block = await chain.block(n) else { continue }
                var logIndex: Int64 = 0
                for (i, tx) in block.txs.enumerated() {
                    for log in tx.logs {
                        defer { logIndex += 1 }
                        let contract = "0x" + Hex.encode(log.contract)
                        guard contracts.isEmpty || contracts.contains(contract) else { continue }
                        logs.append([
                            "address": contract, "topics": [DevChain.transferTopic, word(log.from), word(log.to)],
                            "data": "0x" + String(repeating: "0", count: 64 - String(log.value, radix: 16).count) + String(log.value, radix: 16),
                            "blockNumber": hex(block.number), "blockHash": behaviour.givesWrongLogBlockHash ? DevChain.hash("elsewhere") : block.hash,
                            "transactionHash": tx.hash,
                            "transactionIndex": hex(Int64(i)), "logIndex": hex(logIndex), "removed": false,
                        ])
                    }
                }
            }
            return ok(logs)
        default:
            return err(-32601, "method not found")
        }
    }
}
