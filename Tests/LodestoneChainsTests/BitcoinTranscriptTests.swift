import Foundation
import LodestoneChains
import LodestoneCore
import Testing

/// Bitcoin block parsing and output matching against real Bitcoin Core v29.3 regtest answers
/// (Vectors/chains/bitcoin-core-29.3-regtest; what a watcher must conclude is in its expected.json).
@Suite struct BitcoinTranscriptTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/chains/bitcoin-core-29.3-regtest")

    struct Entry {
        let label: String
        let method: String
        let params: [Any]
        let raw: String
    }

    static func entries(_ file: String) throws -> [Entry] {
        let data = try Data(contentsOf: dir.appendingPathComponent(file))
        let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return list.compactMap { e in
            guard let request = e["request"] as? [String: Any], let method = request["method"] as? String, let raw = e["raw"] as? String
            else { return nil }
            return Entry(label: e["label"] as? String ?? "", method: method, params: request["params"] as? [Any] ?? [], raw: raw)
        }
    }

    static func json(_ file: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(file))) as? [String: Any])
    }

    struct Envelope<R: Decodable>: Decodable { let result: R }

    /// Every recorded `getblock <hash> 2` answer (successful ones), parsed.
    static func blocks() throws -> [(file: String, raw: String, block: BitcoinBlock)] {
        var out: [(String, String, BitcoinBlock)] = []
        for file in ["01_baseline.json", "02_deposits.json", "03_mempool.json", "04_rbf.json", "05_reorg.json", "07_no_txindex.json"] {
            for e in try entries(file) where e.method == "getblock" && (e.params.last as? Int) == 2 && !e.raw.contains("\"error\":{") {
                out.append((file, e.raw, try JSONDecoder().decode(Envelope<BitcoinBlock>.self, from: Data(e.raw.utf8)).result))
            }
        }
        return out
    }

    /// The 15 deposit scripts of addresses.json.
    static func watchedScripts() throws -> [[UInt8]: String] {
        let addresses = try #require(try json("addresses.json")["addresses"] as? [[String: Any]])
        var out: [[UInt8]: String] = [:]
        for a in addresses {
            out[try Hex.decode(try #require(a["scriptPubKey"] as? String))] = try #require(a["address"] as? String)
        }
        return out
    }

    /// Satoshis of a JSON number text written with up to 8 decimals, by string arithmetic alone.
    static func sats(_ text: Substring) -> UInt64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = UInt64(parts[0]) else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 8, let frac = UInt64(fraction.padding(toLength: 8, withPad: "0", startingAt: 0)) else { return nil }
        return whole * 100_000_000 + frac
    }

    @Test func everyRecordedBlockParsesWithExactSatoshisAndItsCoinbaseFirst() throws {
        let blocks = try Self.blocks()
        #expect(blocks.count >= 8, "the recordings hold at least the deposit, mempool, replacement and reorg blocks")
        for (file, raw, block) in blocks {
            // The values in the raw text, in order: every output's amount, taken digit by digit.
            let values = raw.matches(of: /"value":([0-9.]+)/).map { Self.sats($0.output.1) }
            let parsed = block.transactions.flatMap(\.outputs).map(\.sats)
            #expect(values.count == parsed.count && zip(values, parsed).allSatisfy { $0 == $1 }, "\(file) block \(block.height)")
            #expect(block.transactions.first?.isCoinbase == true, "\(file) block \(block.height)")
            #expect(block.transactions.dropFirst().allSatisfy { !$0.isCoinbase })
            #expect(block.previousHash?.count == 64)
        }
    }

    @Test func theDepositBlocksHoldExactlyTheTenExpectedOutputs() throws {
        let scripts = try Self.watchedScripts()
        let expected = try #require(try Self.json("expected.json")["deposits"] as? [[String: Any]])
        let want = Set(expected.filter { $0["scenario"] as? String == "02_deposits" }.map { d in
            "\(d["txid"] as! String):\(d["vout"] as! Int):\(d["sats"] as! Int):\(d["scriptPubKey"] as! String)"
        })
        #expect(want.count == 10)
        var found = Set<String>()
        for (file, _, block) in try Self.blocks() where file == "02_deposits.json" {
            for tx in block.transactions {
                for output in tx.outputs where scripts[output.script] != nil {
                    found.insert("\(tx.txid):\(output.n):\(output.sats):\(Hex.encode(output.script))")
                }
            }
        }
        #expect(found == want)
    }

    @Test func everyExpectedMinedDepositIsFoundInTheBlockThatMinedIt() throws {
        let scripts = try Self.watchedScripts()
        let blocks = try Self.blocks()
        let expected = try #require(try Self.json("expected.json")["deposits"] as? [[String: Any]])
        var checked = 0
        for d in expected {
            guard let blockHash = d["first_seen_block"] as? String, let txid = d["txid"] as? String, let vout = d["vout"] as? Int else { continue }
            guard let block = blocks.first(where: { $0.block.hash == blockHash })?.block else { continue }
            let tx = try #require(block.transactions.first { $0.txid == txid }, "\(txid) in \(blockHash)")
            let output = try #require(tx.outputs.first { $0.n == vout })
            #expect(output.sats == UInt64(d["sats"] as! Int))
            #expect(scripts[output.script] == d["address"] as? String)
            checked += 1
        }
        #expect(checked >= 10, "cross-checks that find no data fail")
    }

    @Test func theFastReaderReadsEveryRecordedBlockAsTheDecoderDoes() throws {
        var read = 0
        for (file, raw, block) in try Self.blocks() {
            let fast = BitcoinBlockReader.decodeEnvelope(Data(raw.utf8))
            #expect(fast == block, "\(file) block \(block.height)")
            read += 1
        }
        #expect(read >= 8)
    }

    @Test func theFastReaderDeclinesWhatItDoesNotReadExactly() throws {
        let raw = try #require(try Self.blocks().first?.raw)
        #expect(BitcoinBlockReader.decodeEnvelope(Data(raw.utf8)) != nil)
        let value = try #require(raw.firstMatch(of: /"value":([0-9.]+)/))
        // Each of these is left to JSONDecoder (which reads or refuses it); none may be misread.
        for changed in [
            raw.replacingCharacters(in: value.range, with: #""value":1e-8"#),
            raw.replacingCharacters(in: value.range, with: #""value":0.000000001"#),
            raw.replacingCharacters(in: value.range, with: #""value":-1.0"#),
            raw.replacingCharacters(in: value.range, with: #""value":"1.0""#),
            raw.replacingOccurrences(of: #""txid":""#, with: #""txid":"\u0030"#),
            raw.replacingOccurrences(of: #""height":"#, with: #""heigth":"#),
            #"{"jsonrpc":"2.0","error":{"code":-5,"message":"Block not found"},"id":1}"#,
            String(raw.dropLast(10)),
        ] {
            #expect(BitcoinBlockReader.decodeEnvelope(Data(changed.utf8)) == nil, "\(changed.prefix(80))")
        }
    }

    @Test func amountsAreExactOrRefused() throws {
        func parse(_ number: String) -> UInt64? {
            let text = #"{"value":\#(number),"n":0,"scriptPubKey":{"hex":"0014d0c4a3ef09e997b6e99e397e518fe3e41a118ca1"}}"#
            let output = try? JSONDecoder().decode(BitcoinOutput.self, from: Data(text.utf8))
            return output?.sats
        }
        #expect(parse("0.00000294") == 294)
        #expect(parse("0.10000546") == 10_000_546)
        #expect(parse("20999999.97690000") == 2_099_999_997_690_000)
        #expect(parse("1e-8") == 1)
        #expect(parse("0") == 0)
        #expect(parse("0.000000001") == nil, "a fraction of a satoshi")
        #expect(parse("-1") == nil)
        #expect(parse("21000000.00000001") == nil, "beyond the supply")
    }

    @Test func scriptsBecomeTheAddressesTheNodeWrites() throws {
        let params = try #require(NetworkID.bitcoinRegtest.bitcoinParameters)
        for (script, address) in try Self.watchedScripts() {
            #expect(BitcoinAddress.address(script: script, parameters: params) == address)
        }
        #expect(BitcoinAddress.address(script: [0x6a, 0x24] + Array(repeating: 0, count: 36), parameters: params) == nil, "OP_RETURN")
    }
}
