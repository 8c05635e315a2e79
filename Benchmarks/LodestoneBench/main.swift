// Lodestone's benchmarks. They print figures and assert nothing.
//
//     swift run -c release lodestone-bench [derive] [count]     derivation vs a C loop (default 100,000)
//     swift run -c release lodestone-bench logs [count]         ERC-20 log decode + match (default 200,000 logs)
//     swift run -c release lodestone-bench bitcoin [count]      mainnet-size Bitcoin blocks parsed + matched (default 20)
//     swift run -c release lodestone-bench mempool [size]       a mempool of `size` transactions diffed and read (default 50,000)
//     swift run -c release lodestone-bench solana [count]       mainnet-size Solana blocks parsed + matched (default 20)

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first.flatMap { Int($0) == nil ? $0 : nil } ?? "derive"
let count = arguments.compactMap { Int($0) }.first
switch mode {
case "derive": try runDerivationBenchmark(count: count ?? 100_000)
case "logs": try runLogsBenchmark(logs: count ?? 200_000)
case "bitcoin": try runBitcoinBlockBenchmark(blocks: count ?? 20)
case "mempool": try runMempoolBenchmark(size: count ?? 50_000)
case "solana": try runSolanaBlockBenchmark(blocks: count ?? 20)
default: say("usage: lodestone-bench [derive|logs|bitcoin|mempool|solana] [count]")
}
