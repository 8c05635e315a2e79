import Foundation
import LodestoneChains
import LodestoneCore
import LodestoneDomain

/// How long following a mainnet-size mempool takes: diffing a listing of `size` transaction ids
/// against the previous one and reconciling with the stored unmined deposits (every poll), and
/// reading and matching the new transactions' `getrawtransaction` answers against one million
/// watched scripts (all of them on the first poll after a start, a tenth on a busy poll).
func runMempoolBenchmark(size: Int) throws {
    var rng = SystemRandomNumberGenerator()
    func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
    struct Pay: Sendable, Equatable {
        let txid: String
        let n: Int
    }

    let first = (0..<size).map { _ in Hex.encode(bytes(32)) }
    // A busy poll: a tenth of the transactions were mined or replaced, as many new ones arrived.
    let churn = size / 10
    let second = Array(first.dropFirst(churn)) + (0..<churn).map { _ in Hex.encode(bytes(32)) }
    let one = try Amount(decimal: "0.00000001", decimals: 8)
    let stored = (0..<100).map { i in
        Deposit(
            id: "dep_\(i)", network: .bitcoin, assetID: "BTC-Bitcoin", address: "bc1q", customerID: "cus_\(i)", amount: one,
            txHash: i % 2 == 0 ? first[i] : second[second.count - 1 - i], position: 0, blockNumber: Deposit.unminedBlockNumber,
            blockHash: Deposit.unminedBlockHash, confirmations: 0, status: .pending, createdAt: 0)
    }

    var toRead = 0
    var withdrawn = 0
    let coldDiff = measure(1, runs: 3) {
        var watch = MempoolWatch<Pay>()
        toRead = watch.snapshot(first).count
    }
    var base = MempoolWatch<Pay>()
    for txid in base.snapshot(first) { base.read(txid, payments: txid.hasPrefix("00") ? [Pay(txid: txid, n: 0)] : []) }
    let warmDiff = measure(1, runs: 3) {
        var watch = base
        let new = watch.snapshot(second)
        for txid in new { watch.read(txid, payments: []) }
        withdrawn = watch.reconcile(unmined: stored, caughtUp: true) { $0.n }.withdraw.count
        toRead = new.count
    }

    // The answers a node sends for the new transactions, in batches of 200 as the source asks.
    var watched = Set<[UInt8]>(minimumCapacity: 1_000_000)
    for _ in 0..<1_000_000 { watched.insert([0x00, 0x14] + bytes(20)) }
    let ours = Array(watched.prefix(1000))
    func batch(_ txids: ArraySlice<String>, offset: Int) -> Data {
        var json = "["
        for (i, txid) in txids.enumerated() {
            if i > 0 { json += "," }
            var vout = "["
            for o in 0..<2 {
                if o > 0 { vout += "," }
                let s = (offset + i) % 200 == 0 && o == 0 ? ours[(offset + i) / 200 % ours.count] : [0x00, 0x14] + bytes(20)
                let sats = UInt64.random(in: 546...2_000_000_000, using: &rng)
                let value = "\(sats / 100_000_000)." + String(format: "%08llu", sats % 100_000_000)
                vout += #"{"value":\#(value),"n":\#(o),"scriptPubKey":{"asm":"","desc":"","hex":"\#(Hex.encode(s))","type":"witness_v0_keyhash"}}"#
            }
            vout += "]"
            json += #"{"result":{"txid":"\#(txid)","hash":"\#(txid)","version":2,"size":222,"vsize":141,"weight":561,"locktime":0,"#
            json += #""vin":[{"txid":"\#(Hex.encode(bytes(32)))","vout":1,"scriptSig":{"asm":"","hex":""},"txinwitness":["\#(Hex.encode(bytes(72)))","\#(Hex.encode(bytes(33)))"],"sequence":4294967293}],"#
            json += #""vout":\#(vout),"hex":"\#(Hex.encode(bytes(110)))"},"error":null,"id":\#(i)}"#
        }
        return Data((json + "]").utf8)
    }
    let batches = stride(from: 0, to: size, by: 200).map { batch(first[$0..<min($0 + 200, size)], offset: $0) }
    struct Answer: Decodable { let result: BitcoinTransaction?; let id: Int }
    var matched = 0
    let readAll = try measure(1, runs: 2) {
        matched = 0
        for data in batches {
            for answer in try JSONDecoder().decode([Answer].self, from: data) {
                for o in answer.result?.outputs ?? [] where watched.contains(o.script) { matched += 1 }
            }
        }
    }
    let megabytes = Double(batches.reduce(0) { $0 + $1.count }) / 1e6
    say("Mempool of \(size) transactions; a busy poll: \(churn) gone, \(churn) new; 100 stored unmined deposits")
    say(String(format: "  first listing diffed (everything new):            %8.1f ms  (%d to read)", coldDiff / 1000, size))
    say(String(format: "  busy poll: diff + reconcile:                       %8.1f ms  (%d to read, %d withdrawn)  (target < 1 s)", warmDiff / 1000, toRead, withdrawn))
    say(String(format: "  reading %d getrawtransaction answers (%.0f MB) + match against 1,000,000 scripts: %.0f ms (%.0f tx/s), %d matched", size, megabytes, readAll / 1000, Double(size) / (readAll / 1e6), matched))
    say(String(format: "  so a busy poll reads its %d new transactions in about %.0f ms", churn, readAll / 1000 / 10))
}
