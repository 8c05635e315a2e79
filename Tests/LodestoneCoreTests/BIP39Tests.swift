import Foundation
import LodestoneCore
import Testing

struct BIP39Vector: Decodable, Sendable, CustomTestStringConvertible {
    let entropy_hex: String
    let mnemonic: String
    let seed_hex: String
    let bip32_xprv: String
    var testDescription: String { String(mnemonic.prefix(24)) }
}

struct BIP39File: Decodable {
    let passphrase: String
    let vectors: [BIP39Vector]
}

@Suite struct BIP39Tests {
    static let file: BIP39File = try! Vectors.load("bip/bip39_english.json")

    @Test func wordlistIsTheCanonicalOne() {
        #expect(BIP39.englishWordlist.count == 2048)
        #expect(Set(BIP39.englishWordlist).count == 2048)
        #expect(BIP39.englishWordlist.first == "abandon")
        #expect(BIP39.englishWordlist.last == "zoo")
        #expect(BIP39.englishWordlist == BIP39.englishWordlist.sorted())
    }

    @Test(arguments: BIP39Tests.file.vectors)
    func trezorVector(_ v: BIP39Vector) throws {
        #expect(try BIP39.mnemonic(entropy: hex(v.entropy_hex)) == v.mnemonic)
        #expect(try BIP39.entropy(mnemonic: v.mnemonic) == hex(v.entropy_hex))
        let seed = try BIP39.seed(mnemonic: v.mnemonic, passphrase: Self.file.passphrase)
        #expect(seed.unsafeCopy == hex(v.seed_hex))
        #expect(try ExtendedPrivateKey(seed: seed).serialized(version: .xprv) == v.bip32_xprv)
    }

    @Test func unknownWordIsNamedWithItsPosition() {
        let words = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandonn about"
        #expect(throws: CoreError.mnemonicUnknownWord(position: 11, word: "abandonn")) {
            try BIP39.entropy(mnemonic: words)
        }
    }

    @Test func badChecksumIsRejected() {
        let words = Array(repeating: "abandon", count: 12).joined(separator: " ")
        #expect(throws: CoreError.mnemonicChecksum) { try BIP39.seed(mnemonic: words) }
    }

    @Test(arguments: [0, 1, 11, 13, 25])
    func wrongWordCountIsRejected(_ count: Int) {
        let words = Array(repeating: "abandon", count: count).joined(separator: " ")
        #expect(throws: CoreError.mnemonicWordCount(count)) { try BIP39.entropy(mnemonic: words) }
    }

    @Test func generationCannotProduceOtherWordCounts() {
        #expect(throws: CoreError.mnemonicWordCount(13)) { try BIP39.generate(words: 13) }
        #expect(throws: CoreError.entropyLength(15)) { try BIP39.mnemonic(entropy: Array(repeating: 0, count: 15)) }
    }

    @Test(arguments: BIP39.allowedWordCounts)
    func generatedMnemonicsValidateAndDiffer(_ words: Int) throws {
        let a = try BIP39.generate(words: words)
        let b = try BIP39.generate(words: words)
        #expect(a.split(separator: " ").count == words)
        #expect(try BIP39.entropy(mnemonic: a).count == words * 4 / 3)
        #expect(a != b)
    }

    @Test func seededGeneratorIsDeterministicAndRoundTrips() throws {
        var rng1 = SplitMix64(seed: 7)
        var rng2 = SplitMix64(seed: 7)
        let a = try BIP39.generate(words: 24, using: &rng1)
        #expect(a == (try BIP39.generate(words: 24, using: &rng2)))
        #expect(try BIP39.mnemonic(entropy: BIP39.entropy(mnemonic: a)) == a)
    }

    @Test func whitespaceAndCaseAreNormalized() throws {
        let v = Self.file.vectors[0]
        let messy = "  " + v.mnemonic.uppercased().replacingOccurrences(of: " ", with: " \t ") + "\n"
        #expect(try BIP39.seed(mnemonic: messy, passphrase: "TREZOR").unsafeCopy == hex(v.seed_hex))
    }

    @Test func passphraseIsNFKDNormalized() throws {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) must give the same seed.
        let m = Self.file.vectors[0].mnemonic
        let a = try BIP39.seed(mnemonic: m, passphrase: "caf\u{00E9}")
        let b = try BIP39.seed(mnemonic: m, passphrase: "cafe\u{0301}")
        #expect(a == b)
        #expect(a != (try BIP39.seed(mnemonic: m, passphrase: "cafe")))
    }

    @Test func seedIsRedactedWhenPrinted() throws {
        let seed = try BIP39.seed(mnemonic: Self.file.vectors[0].mnemonic)
        #expect("\(seed)" == "<redacted>")
        #expect(String(reflecting: seed) == "<redacted>")
        #expect(!String(describing: Mirror(reflecting: seed).children.map { $0.value }).contains("c5"))
    }
}

/// A small deterministic generator for reproducible property tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
