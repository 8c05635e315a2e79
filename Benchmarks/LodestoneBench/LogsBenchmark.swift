import Foundation
import LodestoneChains
import LodestoneCore

/// ERC-20 `Transfer` logs per second that the EVM scanner decodes and matches against one million
/// watched accounts, from `eth_getLogs`-shaped JSON; and the memory the watched set holds.
func runLogsBenchmark(logs: Int) throws {
    var rng = SystemRandomNumberGenerator()
    func randomAccount() -> EVMAccount { EVMAccount((0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) })! }

    let before = residentBytes()
    var watched = WatchedAccounts(capacity: 1_000_000)
    var sample: [EVMAccount] = []
    for i in 0..<1_000_000 {
        let account = randomAccount()
        watched.insert(account)
        if i % 1000 == 0 { sample.append(account) }
    }
    let perMillion = residentBytes() - before

    // One recipient in a hundred is ours, as on a busy chain where most transfers are not deposits.
    let usdt = EVMAccount(hex: "dac17f958d2ee523a2206206994597c13d831ec7")!
    var json = "["
    for i in 0..<logs {
        let to = i % 100 == 0 ? sample[i / 100 % sample.count] : randomAccount()
        if i > 0 { json += "," }
        json += """
            {"address":"0xdac17f958d2ee523a2206206994597c13d831ec7","topics":["\(ERC20TransferLog.topic)",\
            "0x000000000000000000000000\(Hex.encode(randomAccount().bytes))","0x000000000000000000000000\(Hex.encode(to.bytes))"],\
            "data":"0x\(String(repeating: "0", count: 56))\(String(format: "%08x", i))","blockNumber":"0x\(String(18_000_000 + i / 300, radix: 16))",\
            "transactionHash":"0x\(String(repeating: "ab", count: 28))\(String(format: "%08x", i))","transactionIndex":"0x1",\
            "blockHash":"0x\(String(repeating: "cd", count: 28))\(String(format: "%08x", i / 300))","logIndex":"0x\(String(i % 300, radix: 16))","removed":false}
            """
    }
    json += "]"
    let data = Data(json.utf8)
    let envelope = Data(#"{"jsonrpc":"2.0","id":1,"result":"#.utf8) + data + Data("}".utf8)

    var matched = 0
    var decoderOnly = Double.infinity
    var scannerOnly = Double.infinity
    var total = Double.infinity
    for _ in 0..<3 {
        decoderOnly = min(decoderOnly, seconds(try clock.measure { _ = try ERC20TransferDecoder.decode(logsJSON: data) }))
        scannerOnly = min(scannerOnly, seconds(clock.measure { _ = ERC20LogScanner.decodeEnvelope(envelope) }))
        // What the scanner does with an eth_getLogs answer: read the envelope, keep watched recipients.
        total = min(total, seconds(clock.measure {
            let batch = ERC20LogScanner.decodeEnvelope(envelope)!
            matched = watched.deposits(in: batch.transfers, contracts: [usdt]).count
        }))
    }
    say("Lodestone EVM log benchmark: \(logs) Transfer logs (\(data.count / 1024) KiB of eth_getLogs JSON), 1,000,000 watched accounts, one core")
    say(String(format: "  JSONDecoder (fallback)  %9.0f logs/s", Double(logs) / decoderOnly))
    say(String(format: "  single-pass reader      %9.0f logs/s", Double(logs) / scannerOnly))
    say(String(format: "  read + match (scanner)  %9.0f logs/s  (%d deposits found, 1 in 100 expected)", Double(logs) / total, matched))
    try runBlocksBenchmark(blocks: 400, watched: watched, sample: sample)
    say(String(format: "  watched set            %9.1f MiB per million accounts (%.0f bytes each)",
        Double(perMillion) / 1_048_576, Double(perMillion) / 1_000_000))
}

/// Full blocks per second (`eth_getBlockByNumber(n, true)` answers of 150 transactions each) that the
/// EVM scanner decodes and matches against the watched set, as it does for native transfers.
func runBlocksBenchmark(blocks: Int, watched: WatchedAccounts, sample: [EVMAccount]) throws {
    var rng = SystemRandomNumberGenerator()
    func hex(_ n: Int) -> String { (0..<n).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined() }
    var answers: [Data] = []
    for b in 0..<blocks {
        var txs: [String] = []
        for t in 0..<150 {
            let to = t == 0 ? Hex.encode(sample[b % sample.count].bytes) : hex(20)
            txs.append(
                #"{"blockHash":"0x\#(hex(32))","blockNumber":"0x\#(String(b, radix: 16))","from":"0x\#(hex(20))","gas":"0x5208","gasPrice":"0x3b9aca00","hash":"0x\#(hex(32))","input":"0x","nonce":"0x\#(String(t, radix: 16))","to":"0x\#(to)","transactionIndex":"0x\#(String(t, radix: 16))","value":"0x\#(String(UInt64.random(in: 1...UInt64.max, using: &rng), radix: 16))","type":"0x2","v":"0x1","r":"0x\#(hex(32))","s":"0x\#(hex(32))"}"#)
        }
        answers.append(Data(
            #"{"number":"0x\#(String(b + 1, radix: 16))","hash":"0x\#(hex(32))","parentHash":"0x\#(hex(32))","timestamp":"0x6553f100","gasUsed":"0x1","miner":"0x\#(hex(20))","transactions":[\#(txs.joined(separator: ","))]}"#.utf8))
    }
    var best = Double.infinity
    var found = 0
    for _ in 0..<3 {
        best = min(best, seconds(try clock.measure {
            found = 0
            for answer in answers {
                let block = try JSONDecoder().decode(EVMBlock.self, from: answer)
                found += block.transactions.filter { $0.to.map(watched.contains) ?? false }.count
            }
        }))
    }
    say(String(format: "  full blocks             %9.0f blocks/s (150 transactions each, %d deposits found of %d)", Double(blocks) / best, found, blocks))
}

/// Resident set size of this process, from /proc.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = Int(text.split(separator: " ")[1])
    else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
