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

    var matched = 0
    var decodeOnly = Double.infinity
    var total = Double.infinity
    for _ in 0..<3 {
        decodeOnly = min(decodeOnly, seconds(try clock.measure { _ = try ERC20TransferDecoder.decode(logsJSON: data) }))
        total = min(total, seconds(try clock.measure {
            let (transfers, _) = try ERC20TransferDecoder.decode(logsJSON: data)
            matched = watched.deposits(in: transfers, contracts: [usdt]).count
        }))
    }
    say("Lodestone EVM log benchmark: \(logs) Transfer logs (\(data.count / 1024) KiB of eth_getLogs JSON), 1,000,000 watched accounts, one core")
    say(String(format: "  decode only            %9.0f logs/s", Double(logs) / decodeOnly))
    say(String(format: "  decode + match         %9.0f logs/s  (%d deposits found, 1 in 100 expected)", Double(logs) / total, matched))
    say(String(format: "  watched set            %9.1f MiB per million accounts (%.0f bytes each)",
        Double(perMillion) / 1_048_576, Double(perMillion) / 1_000_000))
}

/// Resident set size of this process, from /proc.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = Int(text.split(separator: " ")[1])
    else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
