import AsyncHTTPClient
import Foundation
import LodestoneDomain
import LodestoneRPC
import Logging
import Testing

/// A throwaway Bitcoin Core on regtest (its own data directory and ports, no peers), from
/// `LODESTONE_BITCOIN_CORE` or `../shared/tools/bitcoin-core/bin` beside the project. Tests that
/// need it are skipped, loudly, where it is not there.
final class RegtestNode: Sendable {
    static let binaries: String? = {
        if let dir = ProcessInfo.processInfo.environment["LODESTONE_BITCOIN_CORE"], FileManager.default.isExecutableFile(atPath: dir + "/bitcoind") {
            return dir
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.deletingLastPathComponent().appendingPathComponent("shared/tools/bitcoin-core/bin").path
        return FileManager.default.isExecutableFile(atPath: dir + "/bitcoind") ? dir : nil
    }()

    /// True when a bitcoind can run here; says loudly when it cannot.
    static let available: Bool = {
        if binaries == nil {
            FileHandle.standardError.write(
                Data("!! Bitcoin Core not found (LODESTONE_BITCOIN_CORE or ../shared/tools/bitcoin-core/bin): real-node Bitcoin tests SKIPPED\n".utf8))
        }
        return binaries != nil
    }()

    let directory: String
    let rpcPort: Int
    let process: Process
    let node: NodeClient
    let wallet: NodeClient

    var url: String { "http://lodestone:regtest@127.0.0.1:\(rpcPort)/" }

    private init(directory: String, rpcPort: Int, process: Process) {
        self.directory = directory
        self.rpcPort = rpcPort
        self.process = process
        let quiet = Logger(label: "lodestone.test.regtest", factory: { _ in SwiftLogNoOpLogHandler() })
        let retry = RetryPolicy(attempts: 1, baseDelay: .milliseconds(10), maxDelay: .milliseconds(10))
        node = NodeClient(
            network: "regtest", endpoints: [RPCEndpoint(url: "http://lodestone:regtest@127.0.0.1:\(rpcPort)/", requestsPerSecond: 0)],
            http: .shared, timeout: .seconds(60), retry: retry, cooldown: .milliseconds(1), logger: quiet)
        wallet = NodeClient(
            network: "regtest", endpoints: [RPCEndpoint(url: "http://lodestone:regtest@127.0.0.1:\(rpcPort)/wallet/w", requestsPerSecond: 0)],
            http: .shared, timeout: .seconds(60), retry: retry, cooldown: .milliseconds(1), logger: quiet)
    }

    /// Starts a node with a funded wallet `w` (101 blocks mined to it), runs `body`, stops the node.
    static func with(_ body: (RegtestNode) async throws -> Void) async throws {
        let bin = try #require(binaries)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lodestone-regtest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let rpcPort = Int.random(in: 20_000...29_999)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin + "/bitcoind")
        process.arguments = [
            "-regtest", "-datadir=\(directory)", "-rpcport=\(rpcPort)", "-port=\(rpcPort + 1)", "-listen=0",
            "-connect=0", "-dnsseed=0", "-fallbackfee=0.0002", "-rpcuser=lodestone", "-rpcpassword=regtest", "-rpcbind=127.0.0.1",
            "-rpcallowip=127.0.0.1", "-printtoconsole=0", "-txindex=0",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let node = RegtestNode(directory: directory, rpcPort: rpcPort, process: process)
        do {
            try await node.waitUntilReady()
            _ = try await node.call("createwallet", [.string("w")])
            let funding = try await node.walletAddress()
            _ = try await node.call("generatetoaddress", [.int(101), .string(funding)])
            try await body(node)
        } catch {
            await node.stop()
            throw error
        }
        await node.stop()
    }

    /// Asks the node to stop, waits up to 15 s, then kills it; removes its directory. Never blocks a
    /// thread (Foundation's `waitUntilExit` spins).
    func stop() async {
        _ = try? await call("stop", [])
        for _ in 0..<150 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    func waitUntilReady() async throws {
        for _ in 0..<300 {
            if (try? await call("getblockchaininfo", [])) != nil { return }
            guard process.isRunning else {
                Issue.record("bitcoind exited with status \(process.terminationStatus) before answering")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("bitcoind did not answer within 30 s")
        throw CancellationError()
    }

    /// A node call.
    @discardableResult
    func call(_ method: String, _ params: [JSONParam] = []) async throws -> JSONValue {
        do {
            return try await node.call(method, params, as: JSONValue.self)
        } catch RPCError.exhausted(let failures) where failures.allSatisfy({ if case .missing = $0 { true } else { false } }) {
            return .null  // methods such as invalidateblock answer a null result
        }
    }

    /// A wallet call.
    @discardableResult
    func walletCall(_ method: String, _ params: [JSONParam] = []) async throws -> JSONValue {
        try await wallet.call(method, params, as: JSONValue.self)
    }

    func walletAddress() async throws -> String {
        guard case .string(let a) = try await walletCall("getnewaddress") else { throw CancellationError() }
        return a
    }

    /// Mines `n` blocks (with what the mempool holds) to the wallet; returns their hashes.
    @discardableResult
    func mine(_ n: Int = 1) async throws -> [String] {
        guard case .array(let hashes) = try await call("generatetoaddress", [.int(Int64(n)), .string(try await walletAddress())]) else { return [] }
        return hashes.compactMap { if case .string(let h) = $0 { h } else { nil } }
    }

    /// Mines one block holding exactly `txids` (none: an empty block) to the wallet.
    @discardableResult
    func mineBlock(with txids: [String] = []) async throws -> String {
        let result = try await call("generateblock", [.string(try await walletAddress()), .array(txids.map(JSONParam.string))])
        guard case .object(let o) = result, case .string(let hash)? = o["hash"] else { throw CancellationError() }
        return hash
    }

    /// Sends `btc` (a decimal string) to `address` from the wallet; returns the txid.
    func send(_ address: String, _ btc: String) async throws -> String {
        guard case .string(let txid) = try await walletCall("sendtoaddress", [.string(address), .string(btc)]) else { throw CancellationError() }
        return txid
    }

    /// One transaction from the wallet with `outputs` in this order. An address may repeat (P2WPKH
    /// only): the node refuses duplicates, so a stand-in wallet address is paid and its script
    /// replaced by the repeated one's before signing.
    func sendOutputs(_ outputs: [(address: String, btc: String)]) async throws -> String {
        var seen: Set<String> = []
        var substitutions: [(from: String, to: String)] = []
        var built: [JSONParam] = []
        for output in outputs {
            var address = output.address
            if !seen.insert(address).inserted {
                guard case .string(let standIn) = try await walletCall("getnewaddress", [.string(""), .string("bech32")]) else { throw CancellationError() }
                substitutions.append((try await script(standIn), try await script(address)))
                address = standIn
            }
            built.append(.object([address: .string(output.btc)]))
        }
        guard case .string(let hex) = try await walletCall("createrawtransaction", [.array([]), .array(built)]),
            case .object(let funded) = try await walletCall("fundrawtransaction", [.string(hex), .object(["changePosition": .int(Int64(outputs.count))])]),
            case .string(var fundedHex)? = funded["hex"]
        else { throw CancellationError() }
        for (from, to) in substitutions {
            // Output scripts are length-prefixed: "16" + script for a 22-byte P2WPKH.
            fundedHex = fundedHex.replacingOccurrences(of: "16" + from, with: "16" + to)
        }
        guard case .object(let signed) = try await walletCall("signrawtransactionwithwallet", [.string(fundedHex)]),
            case .string(let signedHex)? = signed["hex"],
            case .string(let txid) = try await call("sendrawtransaction", [.string(signedHex)])
        else { throw CancellationError() }
        return txid
    }

    /// The scriptPubKey (hex) of an address.
    func script(_ address: String) async throws -> String {
        guard case .object(let info) = try await call("validateaddress", [.string(address)]), case .string(let hex)? = info["scriptPubKey"] else {
            throw CancellationError()
        }
        return hex
    }

    var height: Int64 {
        get async throws {
            guard case .int(let h) = try await call("getblockcount") else { throw CancellationError() }
            return h
        }
    }

    /// Spends the inputs of the wallet's transaction `txid` again, to a wallet address with a
    /// higher fee, and broadcasts it: a replacement (full RBF) while `txid` is unconfirmed, a
    /// double-spend to mine on another branch after a reorg. Returns the new transaction's id.
    @discardableResult
    func doubleSpend(_ txid: String, fee: Int64 = 100_000) async throws -> String {
        guard case .object(let original) = try await walletCall("gettransaction", [.string(txid)]),
            case .string(let originalHex)? = original["hex"],
            case .object(let decodedOriginal) = try await call("decoderawtransaction", [.string(originalHex)]),
            case .array(let inputs)? = decodedOriginal["vin"]
        else { throw CancellationError() }
        let spend = inputs.compactMap { input -> JSONParam? in
            guard case .object(let i) = input, case .string(let txid)? = i["txid"], case .int(let vout)? = i["vout"] else { return nil }
            return .object(["txid": .string(txid), "vout": .int(vout)])
        }
        var total: Int64 = 0
        for input in inputs {
            guard case .object(let i) = input, case .string(let txid)? = i["txid"], case .int(let vout)? = i["vout"],
                case .object(let prev) = try await walletCall("gettransaction", [.string(txid)]),
                case .string(let hex)? = prev["hex"],
                case .object(let decoded) = try await call("decoderawtransaction", [.string(hex)]),
                case .array(let outs)? = decoded["vout"], case .object(let out) = outs[Int(vout)]
            else { continue }
            total += Self.sats(out["value"])
        }
        let conflict = try await walletCall(
            "createrawtransaction", [.array(spend), .array([.object([try await walletAddress(): .string(Self.btc(total - fee))])])])
        guard case .string(let conflictHex) = conflict,
            case .object(let signed) = try await walletCall("signrawtransactionwithwallet", [.string(conflictHex)]),
            case .string(let signedHex)? = signed["hex"],
            case .string(let replacement) = try await call("sendrawtransaction", [.string(signedHex)])
        else { throw CancellationError() }
        return replacement
    }

    /// Satoshis of a JSON number the node wrote (a test-side reading; amounts here have 8 decimals).
    static func sats(_ value: JSONValue?) -> Int64 {
        switch value {
        case .number(let d)?: return Int64((d * 100_000_000).rounded())
        case .int(let i)?: return i * 100_000_000
        default: return 0
        }
    }

    static func btc(_ sats: Int64) -> String {
        "\(sats / 100_000_000)." + String(String(sats % 100_000_000).reversed()).padding(toLength: 8, withPad: "0", startingAt: 0).reversed()
    }
}
