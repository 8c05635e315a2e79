import CDerivationBaseline
import Foundation
import LodestoneCore

/// Addresses per second per network, from an extended public key and from a seed, measured side
/// by side with a plain C loop over the same libraries.
func runDerivationBenchmark(count: Int) throws {
    let mnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
    let seed = try BIP39.seed(mnemonic: mnemonic)
    // The EVM external chain node m/44'/60'/0'/0, as the C loop needs it.
    let evmScheme = try DerivationScheme(network: .ethereum)
    let evmChain = try ExtendedPrivateKey(seed: seed).derive(evmScheme.accountPath).child(0).neutered
    let evmAccountKey = try ExtendedPrivateKey(seed: seed).derive(evmScheme.accountPath).neutered

    func cLoop() -> (Double, String) {
        var last = [CChar](repeating: 0, count: 43)
        let micros = measure(count, runs: 1) {
            let ok = cdb_evm_addresses(evmChain.publicKey, evmChain.chainCode, 0, UInt32(count), &last)
            precondition(ok == 1, "C baseline failed")
        }
        return (micros, String(decoding: last.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    func swiftEVM(_ deriver: AddressDeriver) throws -> (Double, String) {
        var last = ""
        let micros = try measure(count, runs: 1) {
            for i in 0..<UInt32(count) { last = try deriver.address(index: i).address }
        }
        return (micros, last)
    }

    say("Lodestone derivation benchmark: \(count) addresses per row, one core")
    say("C baseline = OpenSSL HMAC-SHA512 + libsecp256k1 tweak-add + C Keccak-256 + EIP-55 per address")
    say("Swift rows = AddressDeriver.address(index:) producing the full record (path, address, public key hex)")
    say("Each row is the best of its runs (C/EVM pair: 3 alternating runs; others: 2)")
    say("")

    // Side by side: alternate C and Swift three times, keep each one's best run.
    let evmWatchOnly = try AddressDeriver(scheme: evmScheme, accountKey: evmAccountKey, version: .xpub)
    var bestC = Double.infinity
    var bestSwift = Double.infinity
    for _ in 0..<3 {
        let (c, cLast) = cLoop()
        let (s, sLast) = try swiftEVM(evmWatchOnly)
        precondition(cLast == sLast, "C and Swift disagree: \(cLast) vs \(sLast)")
        bestC = min(bestC, c)
        bestSwift = min(bestSwift, s)
    }
    row("C loop, EVM (best of 3)", bestC)
    row("Swift, ethereum from xpub (best of 3)", bestSwift, baseline: bestC)
    say("")

    for network in NetworkID.allCases {
        let scheme = try DerivationScheme(network: network)
        if network.family != .solana {
            let account = try ExtendedPrivateKey(seed: seed).derive(scheme.accountPath).neutered
            let deriver = try AddressDeriver(scheme: scheme, accountKey: account, version: scheme.keyVersion(isPrivate: false))
            let micros = try measure(count) { for i in 0..<UInt32(count) { _ = try deriver.address(index: i) } }
            row("\(network) from xpub", micros, baseline: bestC)
        }
        let fromSeed = try AddressDeriver(scheme: scheme, seed: seed)
        let micros = try measure(count) { for i in 0..<UInt32(count) { _ = try fromSeed.address(index: i) } }
        row("\(network) from seed", micros, baseline: bestC)
    }
    for script in [BitcoinScript.p2tr, .p2shP2wpkh] {
        let scheme = try DerivationScheme(network: .bitcoin, script: script)
        let account = try ExtendedPrivateKey(seed: seed).derive(scheme.accountPath).neutered
        let deriver = try AddressDeriver(scheme: scheme, accountKey: account, version: scheme.keyVersion(isPrivate: false))
        let micros = try measure(count) { for i in 0..<UInt32(count) { _ = try deriver.address(index: i) } }
        row("bitcoin \(script.rawValue) from xpub", micros, baseline: bestC)
    }

    say("")
    say("Where the time goes (µs per call, \(count) calls each):")
    let pieces = max(count, 10_000)
    let cHMAC = measure(pieces) { precondition(cdb_hmac_sha512_loop(evmChain.chainCode, UInt32(pieces)) == 1) }
    let cTweak = measure(pieces) { precondition(cdb_tweak_add_loop(evmChain.publicKey, UInt32(pieces)) == 1) }
    let cKeccak = measure(pieces) { precondition(cdb_keccak_loop(UInt32(pieces)) == 1) }
    var sink: UInt8 = 0
    let data = evmChain.publicKey + [0, 0, 0, 1]
    let sHMAC = measure(pieces) { for _ in 0..<pieces { sink ^= Hashes.hmacSHA512(key: evmChain.chainCode, data: data)[0] } }
    let sChild = try measure(pieces) { for i in 0..<UInt32(pieces) { sink ^= try evmChain.child(i).publicKey[1] } }
    let block = [UInt8](repeating: 4, count: 64)
    let sKeccak = measure(pieces) { for _ in 0..<pieces { sink ^= Hashes.keccak256(block)[0] } }
    let account20 = [UInt8](repeating: 0xab, count: 20)
    let sEIP55 = measure(pieces) { for _ in 0..<pieces { sink ^= EVMAddress.checksummed(account20).utf8.last! } }
    say(String(format: "  HMAC-SHA512          C %6.2f   Swift %6.2f", cHMAC, sHMAC))
    say(String(format: "  secp256k1 tweak-add  C %6.2f   (Swift child derivation incl. HMAC and serialization %6.2f)", cTweak, sChild))
    say(String(format: "  Keccak-256 (64 B)    C %6.2f   Swift %6.2f", cKeccak, sKeccak))
    say(String(format: "  EIP-55 text (Swift, one Keccak of 40 chars + hex) %6.2f", sEIP55))
    if sink == 42 { say("") }
}
