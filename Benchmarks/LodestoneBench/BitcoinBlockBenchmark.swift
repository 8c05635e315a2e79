import Foundation
import LodestoneChains
import LodestoneCore

/// How fast a mainnet-size `getblock <hash> 2` answer is parsed and its outputs matched against one
/// million watched scripts: a block built from the recorded transaction shapes (about 3,500
/// transactions and 9,000 outputs, P2WPKH, P2TR and P2SH scripts, 8-decimal amounts).
func runBitcoinBlockBenchmark(blocks: Int) throws {
    var rng = SystemRandomNumberGenerator()
    func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
    func script(_ kind: Int) -> [UInt8] {
        switch kind % 3 {
        case 0: return [0x00, 0x14] + bytes(20)
        case 1: return [0x51, 0x20] + bytes(32)
        default: return [0xa9, 0x14] + bytes(20) + [0x87]
        }
    }

    let before = residentBytes()
    var watched = Set<[UInt8]>(minimumCapacity: 1_000_000)
    var sample: [[UInt8]] = []
    for i in 0..<1_000_000 {
        let s = script(i)
        watched.insert(s)
        if i % 1000 == 0 { sample.append(s) }
    }
    let memory = residentBytes() - before

    // One output in two hundred is ours.
    var json = #"{"jsonrpc":"2.0","id":1,"result":{"hash":"\#(Hex.encode(bytes(32)))","confirmations":1,"height":870000,"#
    json += #""version":536870912,"time":1732000000,"previousblockhash":"\#(Hex.encode(bytes(32)))","nTx":3500,"tx":["#
    var outputs = 0
    for t in 0..<3500 {
        if t > 0 { json += "," }
        let txid = Hex.encode(bytes(32))
        let vin = t == 0 ? #"[{"coinbase":"03a0460d","sequence":4294967295}]"#
            : #"[{"txid":"\#(Hex.encode(bytes(32)))","vout":1,"scriptSig":{"asm":"","hex":""},"txinwitness":["\#(Hex.encode(bytes(72)))","\#(Hex.encode(bytes(33)))"],"sequence":4294967293}]"#
        var vout = "["
        let n = t == 0 ? 2 : (t % 3 == 0 ? 4 : 2)
        for o in 0..<n {
            if o > 0 { vout += "," }
            let s = outputs % 200 == 0 ? sample[outputs / 200 % sample.count] : script(outputs)
            let sats = UInt64.random(in: 546...2_000_000_000, using: &rng)
            let value = "\(sats / 100_000_000)." + String(format: "%08llu", sats % 100_000_000)
            vout += #"{"value":\#(value),"n":\#(o),"scriptPubKey":{"asm":"","desc":"","hex":"\#(Hex.encode(s))","type":"witness_v0_keyhash"}}"#
            outputs += 1
        }
        vout += "]"
        json += #"{"txid":"\#(txid)","hash":"\#(txid)","version":2,"size":222,"vsize":141,"weight":561,"locktime":0,"vin":\#(vin),"vout":\#(vout),"fee":0.00001410,"hex":"\#(Hex.encode(bytes(60)))"}"#
    }
    json += "]}}"
    let data = Data(json.utf8)

    struct Envelope: Decodable { let result: BitcoinBlock }
    var matched = 0
    let micros = try measure(blocks, runs: 2) {
        for _ in 0..<blocks {
            let block = try JSONDecoder().decode(Envelope.self, from: data).result
            matched = 0
            for tx in block.transactions { for o in tx.outputs where watched.contains(o.script) { matched += 1 } }
        }
    }
    var fastMatched = 0
    let fastMicros = measure(blocks, runs: 2) {
        for _ in 0..<blocks {
            guard let block = BitcoinBlockReader.decodeEnvelope(data) else { return }
            fastMatched = 0
            for tx in block.transactions { for o in tx.outputs where watched.contains(o.script) { fastMatched += 1 } }
        }
    }
    let same = (try? JSONDecoder().decode(Envelope.self, from: data).result) == BitcoinBlockReader.decodeEnvelope(data)
    say("Bitcoin block: \(String(format: "%.1f", Double(data.count) / 1e6)) MB of JSON, 3,500 transactions, \(outputs) outputs, \(matched) matched")
    say(String(format: "  JSONDecoder, parse + match against 1,000,000 scripts: %8.1f ms/block  %6.1f blocks/s", micros / 1000, 1e6 / micros))
    say(String(format: "  byte reader, parse + match against 1,000,000 scripts: %8.1f ms/block  %6.1f blocks/s  (target ≥ 20)", fastMicros / 1000, 1e6 / fastMicros))
    say(String(format: "  a day of blocks (144) with the byte reader: %.1f s  (target < 8 s); same block and %d matches as the decoder: %@", fastMicros * 144 / 1e6, fastMatched, same ? "yes" : "NO"))
    say(String(format: "  watched set: %.0f MB for 1,000,000 scripts", Double(memory) / 1e6))
}
