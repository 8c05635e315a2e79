import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneRPC
import LodestoneWatcher
import NIOCore
import Synchronization
import Testing

/// How the RPC client reads Bitcoin Core's answers: every recorded error, in JSON-RPC 2.0 form
/// (HTTP 200) and legacy 1.0 form (HTTP 500, 404 for an unknown method), becomes the node's error
/// code; "warming up" (-28) is waited out; credentials come from the URL or the cookie file.
@Suite struct BitcoinRPCAnswerTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/chains/bitcoin-core-29.3-regtest")

    struct Scripted: Sendable {
        let status: Int
        let body: String
    }

    /// A server answering each request with the next scripted answer, recording Authorization headers.
    static func with(_ answers: [Scripted], _ body: @Sendable (String, @Sendable () -> [String]) async throws -> Void) async throws {
        let queue = Mutex(answers)
        let seen = Mutex<[String]>([])
        let router = Router()
        router.post("/") { request, _ -> Response in
            seen.withLock { $0.append(request.headers[.authorization] ?? "") }
            let next = queue.withLock { $0.isEmpty ? Scripted(status: 500, body: "") : $0.removeFirst() }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .init(code: next.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: next.body)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body("http://127.0.0.1:\(port)/", { seen.withLock { $0 } })
        }
    }

    static func client(_ url: String, cookie: String? = nil, attempts: Int = 1) -> NodeClient {
        NodeClient(
            network: "regtest", endpoints: [RPCEndpoint(url: url, requestsPerSecond: 0, cookieFile: cookie)], http: .shared,
            retry: RetryPolicy(attempts: attempts, baseDelay: .milliseconds(5), maxDelay: .milliseconds(10)), cooldown: .milliseconds(1),
            logger: ScanHarness.logger)
    }

    @Test func everyRecordedErrorBecomesTheNodesCodeInBothProtocolVersions() async throws {
        let data = try Data(contentsOf: Self.dir.appendingPathComponent("06_errors.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        var checked = 0
        for e in entries {
            // The node's answers to well-formed calls: 2.0 errors (HTTP 200) and their 1.0 twins.
            guard let raw = e["raw"] as? String, let status = e["http_status"] as? Int, status == 200 || !raw.contains("\"jsonrpc\""),
                let error = (e["response"] as? [String: Any])?["error"] as? [String: Any], let code = error["code"] as? Int
            else { continue }
            let message = try #require(error["message"] as? String)
            try await Self.with([Scripted(status: status, body: raw)]) { url, _ in
                let endpoint = RPCEndpoint(url: url).label
                await #expect(throws: RPCError.rpc(endpoint: endpoint, code: code, message: message)) {
                    _ = try await Self.client(url).call("getblockhash", [.int(1)], as: String.self)
                }
            }
            checked += 1
        }
        #expect(checked >= 16, "both forms of every recorded error")
    }

    @Test func aNodeWarmingUpIsWaitedFor() async throws {
        let warming = #"{"result":null,"error":{"code":-28,"message":"Loading block index…"},"id":1}"#
        try await Self.with([Scripted(status: 500, body: warming), Scripted(status: 200, body: #"{"jsonrpc":"2.0","result":122,"id":1}"#)]) { url, _ in
            let count = try await Self.client(url, attempts: 3).call("getblockcount", [], as: Int64.self)
            #expect(count == 122)
        }
    }

    @Test func refusedCredentialsAndAnUnreadableCookieFileSaySo() async throws {
        try await Self.with([Scripted(status: 401, body: "")]) { url, seen in
            await #expect {
                _ = try await Self.client(url).call("getblockcount", [], as: Int64.self)
            } throws: { error in
                "\(error)".contains("the node refused the credentials")
            }
            let missing = "/nonexistent/lodestone-\(UUID().uuidString)/.cookie"
            await #expect {
                _ = try await Self.client(url, cookie: missing).call("getblockcount", [], as: Int64.self)
            } throws: { error in
                "\(error)".contains("cannot read the cookie file") && !"\(error)".contains(missing)
            }
            #expect(seen().count == 1, "no request is sent without the cookie")
        }
    }

    @Test func credentialsComeFromTheURLOrTheCookieFileAndTheURLKeepsNone() async throws {
        let ok = Scripted(status: 200, body: #"{"jsonrpc":"2.0","result":1,"id":1}"#)
        try await Self.with([ok, ok, ok]) { url, seen in
            let withUser = url.replacingOccurrences(of: "http://", with: "http://alice:s%3Acret@")
            _ = try await Self.client(withUser).call("getblockcount", [], as: Int64.self)
            let cookie = FileManager.default.temporaryDirectory.appendingPathComponent("cookie-\(UUID().uuidString)").path
            try "__cookie__:abc123\n".write(toFile: cookie, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: cookie) }
            _ = try await Self.client(url, cookie: cookie).call("getblockcount", [], as: Int64.self)
            // A restarted node writes a new cookie: it is read again.
            try "__cookie__:def456".write(toFile: cookie, atomically: true, encoding: .utf8)
            _ = try await Self.client(url, cookie: cookie).call("getblockcount", [], as: Int64.self)
            #expect(seen() == [
                "Basic " + Data("alice:s:cret".utf8).base64EncodedString(), "Basic " + Data("__cookie__:abc123".utf8).base64EncodedString(),
                "Basic " + Data("__cookie__:def456".utf8).base64EncodedString(),
            ])
            #expect(RPCEndpoint(url: withUser).label == url.dropLast() + "", "the label never shows credentials")
        }
    }

    static let chainInfo = Scripted(status: 200, body: #"{"jsonrpc":"2.0","result":{"chain":"regtest"},"id":1}"#)
    static func h(_ c: Character) -> String { String(repeating: c, count: 64) }

    static func source(_ url: String) -> BitcoinSource {
        BitcoinSource(network: .bitcoinRegtest, client: client(url), assetID: "BTC-BitcoinRegtest", maxHeadAgeSeconds: nil, now: { 0 }, logger: ScanHarness.logger)
    }

    static func block(_ hash: String, height: Int, previous: String) -> String {
        #"{"jsonrpc":"2.0","result":{"hash":"\#(hash)","height":\#(height),"previousblockhash":"\#(previous)","time":1,"tx":[]},"id":1}"#
    }

    @Test func aBlockAnswerForAnotherBlockOrARangeThatDoesNotLinkIsRefused() async throws {
        let hashes = Scripted(status: 200, body: #"[{"jsonrpc":"2.0","result":"\#(Self.h("a"))","id":0},{"jsonrpc":"2.0","result":"\#(Self.h("b"))","id":1}]"#)
        let watching = AddressWatchList(family: .bitcoin, environment: .sandbox, directory: InMemoryAddressDirectory())
        // The node answers getblock a with block b.
        try await Self.with([Self.chainInfo, hashes, Scripted(status: 200, body: Self.block(Self.h("b"), height: 5, previous: Self.h("0")))]) { url, _ in
            await #expect(throws: ChainSourceError.self) { _ = try await Self.source(url).scan(5...6, watching: watching) }
        }
        // Block 6 does not build on block 5: the chain changed while the range was read.
        try await Self.with([
            Self.chainInfo, hashes, Scripted(status: 200, body: Self.block(Self.h("a"), height: 5, previous: Self.h("0"))),
            Scripted(status: 200, body: Self.block(Self.h("b"), height: 6, previous: Self.h("9"))),
        ]) { url, _ in
            await #expect {
                _ = try await Self.source(url).scan(5...6, watching: watching)
            } throws: { error in
                "\(error)".contains("does not build on")
            }
        }
        // Linked: read.
        try await Self.with([
            Self.chainInfo, hashes, Scripted(status: 200, body: Self.block(Self.h("a"), height: 5, previous: Self.h("0"))),
            Scripted(status: 200, body: Self.block(Self.h("b"), height: 6, previous: Self.h("a"))),
        ]) { url, _ in
            let scanned = try await Self.source(url).scan(5...6, watching: watching)
            #expect(scanned.blocks.map(\.hash) == [Self.h("a"), Self.h("b")])
        }
    }

    @Test func aMempoolTransactionGoneBeforeItIsReadIsGoneAndAnAnswerForAnotherIsRefused() async throws {
        let data = try Data(contentsOf: Self.dir.appendingPathComponent("06_errors.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        // The node's own answer to getrawtransaction for a transaction it does not hold.
        let notFound = try #require(entries.first { ($0["raw"] as? String)?.contains("No such mempool") == true }?["raw"] as? String)
            .replacingOccurrences(of: #""id":191"#, with: #""id":1"#).trimmingCharacters(in: .whitespacesAndNewlines)
        let tx = #"{"jsonrpc":"2.0","result":{"txid":"\#(Self.h("c"))","vin":[{"txid":"\#(Self.h("d"))","vout":0}],"vout":[{"value":0.5,"n":0,"scriptPubKey":{"hex":"0014\#(String(repeating: "1", count: 40))"}}]},"id":0}"#
        let watching = AddressWatchList(family: .bitcoin, environment: .sandbox, directory: InMemoryAddressDirectory())
        try await Self.with([Self.chainInfo, Scripted(status: 200, body: "[\(tx),\(notFound)]")]) { url, _ in
            let read = try await Self.source(url).mempoolTransfers([Self.h("c"), Self.h("e")], watching: watching)
            #expect(read.payments == [Self.h("c"): []] && read.gone == [Self.h("e")])
        }
        // An answer naming another transaction than the one asked for fails the poll.
        try await Self.with([Self.chainInfo, Scripted(status: 200, body: "[\(tx)]")]) { url, _ in
            await #expect(throws: ChainSourceError.self) { _ = try await Self.source(url).mempoolTransfers([Self.h("f")], watching: watching) }
        }
        // Any other error of the node fails it too: nothing is taken for gone by mistake.
        let other = #"[{"jsonrpc":"2.0","error":{"code":-8,"message":"parameter 1 must be hexadecimal"},"id":0}]"#
        try await Self.with([Self.chainInfo, Scripted(status: 200, body: other)]) { url, _ in
            await #expect(throws: RPCError.self) { _ = try await Self.source(url).mempoolTransfers([Self.h("f")], watching: watching) }
        }
    }
}
