import Crypto
import CryptoExtras
import Foundation

/// BIP39 mnemonics over the English wordlist: generation, checksum validation and seeds.
public enum BIP39 {
    private static let wordIndex: [String: Int] = Dictionary(
        uniqueKeysWithValues: englishWordlist.enumerated().map { ($1, $0) })

    /// The word counts BIP39 allows, and the entropy size each encodes.
    public static let allowedWordCounts = [12, 15, 18, 21, 24]

    /// Encodes 16, 20, 24, 28 or 32 bytes of entropy as a mnemonic.
    public static func mnemonic(entropy: [UInt8]) throws(CoreError) -> String {
        guard [16, 20, 24, 28, 32].contains(entropy.count) else { throw .entropyLength(entropy.count) }
        let checksumBits = entropy.count / 4
        let hash = Hashes.sha256(entropy)
        var bits = [Bool]()
        for byte in entropy + [hash[0]] {
            for i in (0..<8).reversed() { bits.append((byte >> i) & 1 == 1) }
        }
        bits = Array(bits.prefix(entropy.count * 8 + checksumBits))
        var words = [String]()
        for start in stride(from: 0, to: bits.count, by: 11) {
            let index = bits[start..<(start + 11)].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
            words.append(englishWordlist[index])
        }
        return words.joined(separator: " ")
    }

    /// A fresh mnemonic of `words` words from `generator` (the system's CSPRNG by default).
    public static func generate(words: Int, using generator: inout some RandomNumberGenerator) throws(CoreError)
        -> String
    {
        guard allowedWordCounts.contains(words) else { throw .mnemonicWordCount(words) }
        let bytes = words * 4 / 3
        var entropy = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        defer { for i in entropy.indices { entropy[i] = 0 } }
        return try mnemonic(entropy: entropy)
    }

    /// A fresh mnemonic from the system's CSPRNG.
    public static func generate(words: Int) throws(CoreError) -> String {
        var rng = SystemRandomNumberGenerator()
        return try generate(words: words, using: &rng)
    }

    /// Validates words and checksum; returns the entropy. Errors name the first unknown word.
    public static func entropy(mnemonic: String) throws(CoreError) -> [UInt8] {
        let words = normalize(mnemonic).split(whereSeparator: { $0 == " " }).map(String.init)
        guard allowedWordCounts.contains(words.count) else { throw .mnemonicWordCount(words.count) }
        var bits = [Bool]()
        for (position, word) in words.enumerated() {
            guard let index = wordIndex[word] else { throw .mnemonicUnknownWord(position: position + 1, word: word) }
            for i in (0..<11).reversed() { bits.append((index >> i) & 1 == 1) }
        }
        let checksumBits = words.count / 3
        let entropyBits = bits.count - checksumBits
        var entropy = [UInt8]()
        for start in stride(from: 0, to: entropyBits, by: 8) {
            entropy.append(bits[start..<(start + 8)].reduce(0) { $0 << 1 | ($1 ? 1 : 0) })
        }
        let hash = Hashes.sha256(entropy)
        for i in 0..<checksumBits where bits[entropyBits + i] != ((hash[i / 8] >> (7 - i % 8)) & 1 == 1) {
            throw .mnemonicChecksum
        }
        return entropy
    }

    /// Checks the mnemonic, then derives its 64-byte seed:
    /// PBKDF2-HMAC-SHA512(NFKD(mnemonic), "mnemonic" ‖ NFKD(passphrase), 2048 rounds).
    public static func seed(mnemonic: String, passphrase: String = "") throws(CoreError) -> SecretBytes {
        _ = try entropy(mnemonic: mnemonic)
        let words = normalize(mnemonic).split(separator: " ").joined(separator: " ")
        let salt = Array(("mnemonic" + passphrase.decomposedStringWithCompatibilityMapping).utf8)
        // The checked API refuses fewer than 210,000 rounds; BIP39 fixes 2048.
        guard
            let key = try? KDF.Insecure.PBKDF2.deriveKey(
                from: Array(words.utf8), salt: salt, using: .sha512, outputByteCount: 64,
                unsafeUncheckedRounds: 2048)
        else { throw .unsupported("PBKDF2 failed") }
        return key.withUnsafeBytes { SecretBytes($0) }
    }

    private static func normalize(_ text: String) -> String {
        text.decomposedStringWithCompatibilityMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
