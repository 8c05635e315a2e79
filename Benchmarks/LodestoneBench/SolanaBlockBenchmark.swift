import Foundation
import LodestoneChains
import LodestoneCore

/// How fast a mainnet-size `getBlock` answer (transactionDetails "accounts", as the watcher asks)
/// is parsed and its balances matched against one million watched owners: a block built from the
/// recorded shapes, about 1,500 transactions, two thirds of them votes.
func runSolanaBlockBenchmark(blocks: Int) throws {
    var rng = SystemRandomNumberGenerator()
    func key() -> String { SolanaAddress.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
    func signature() -> String { Base58.encode((0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) }) }

    let before = residentBytes()
    var watched = Set<String>(minimumCapacity: 1_000_000)
    var sample: [String] = []
    for i in 0..<1_000_000 {
        let k = key()
        watched.insert(k)
        if i % 1000 == 0 { sample.append(k) }
    }
    let memory = residentBytes() - before
    let usdc = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
    let voteProgram = "Vote111111111111111111111111111111111111111"

    var json = #"{"jsonrpc":"2.0","result":{"blockhash":"\#(key())","previousBlockhash":"\#(key())","parentSlot":300000000,"blockTime":1732000000,"blockHeight":280000000,"transactions":["#
    var ours = 0
    for t in 0..<1500 {
        if t > 0 { json += "," }
        let vote = t % 3 != 0
        let keys = vote ? [key(), key(), voteProgram] : (0..<12).map { i in i == 2 && t % 30 == 0 ? sample[t % sample.count] : key() }
        if !vote && t % 30 == 0 { ours += 1 }
        let accounts = keys.enumerated().map { i, k in #"{"pubkey":"\#(k)","signer":\#(i == 0),"writable":\#(i < 4),"source":"transaction"}"# }
        let pre = keys.indices.map { _ in UInt64.random(in: 1_000_000...50_000_000_000, using: &rng) }
        let post = pre.enumerated().map { i, v in i == 0 ? v - 5000 : (i == 2 ? v + 1_000_000 : v) }
        var tokens = "[]"
        var postTokens = "[]"
        if !vote {
            let a = #"{"accountIndex":4,"mint":"\#(usdc)","owner":"\#(key())","programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","uiTokenAmount":{"amount":"5000000","decimals":6,"uiAmount":5.0,"uiAmountString":"5"}}"#
            let b = #"{"accountIndex":5,"mint":"\#(usdc)","owner":"\#(keys[2])","programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","uiTokenAmount":{"amount":"1000","decimals":6,"uiAmount":0.001,"uiAmountString":"0.001"}}"#
            tokens = "[\(a),\(b)]"
            postTokens = "[\(a.replacingOccurrences(of: "\"5000000\"", with: "\"4000000\"")),\(b.replacingOccurrences(of: "\"1000\"", with: "\"1001000\""))]"
        }
        json += #"{"transaction":{"signatures":["\#(signature())"],"accountKeys":[\#(accounts.joined(separator: ","))]},"#
        json += #""meta":{"err":null,"fee":5000,"preBalances":[\#(pre.map(String.init).joined(separator: ","))],"postBalances":[\#(post.map(String.init).joined(separator: ","))],"#
        json += #""preTokenBalances":\#(tokens),"postTokenBalances":\#(postTokens),"status":{"Ok":null},"computeUnitsConsumed":2100},"version":"legacy"}"#
    }
    json += "]},\"id\":1}"
    let data = Data(json.utf8)

    struct Envelope: Decodable { let result: SolanaBlock }
    var matched = 0
    let micros = try measure(blocks, runs: 2) {
        for _ in 0..<blocks {
            let block = try JSONDecoder().decode(Envelope.self, from: data).result
            matched = 0
            for tx in block.transactions {
                matched += SolanaDeposits.payments(in: tx, nativeAsset: "SOL", mints: [usdc: "USDC"]) { watched.contains($0) }.count
            }
        }
    }
    var fastMatched = 0
    let fastMicros = measure(blocks, runs: 2) {
        for _ in 0..<blocks {
            guard let block = SolanaBlockReader.decodeEnvelope(data) else { return }
            fastMatched = 0
            for tx in block.transactions {
                fastMatched += SolanaDeposits.payments(in: tx, nativeAsset: "SOL", mints: [usdc: "USDC"]) { watched.contains($0) }.count
            }
        }
    }
    let same = (try? JSONDecoder().decode(Envelope.self, from: data).result) == SolanaBlockReader.decodeEnvelope(data)
    say("Solana block: \(String(format: "%.1f", Double(data.count) / 1e6)) MB of JSON, 1,500 transactions (1,000 votes), \(matched) payments to \(ours) watched owners")
    say(String(format: "  JSONDecoder, parse + match against 1,000,000 owners: %8.1f ms/block  %6.1f blocks/s", micros / 1000, 1e6 / micros))
    say(String(format: "  byte reader, parse + match against 1,000,000 owners: %8.1f ms/block  %6.1f blocks/s  (target ≥ 25)", fastMicros / 1000, 1e6 / fastMicros))
    say("  same block and \(fastMatched) payments as the decoder: \(same ? "yes" : "NO")")
    say(String(format: "  watched set: %.0f MB for 1,000,000 owners", Double(memory) / 1e6))
}
