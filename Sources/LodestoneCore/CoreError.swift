/// Every failure the derivation core can report. Cases never carry secret input
/// (no mnemonic words beyond the one that is wrong, no key bytes).
public enum CoreError: Error, Equatable, Sendable, CustomStringConvertible {
    // Mnemonics
    case mnemonicWordCount(Int)
    case mnemonicUnknownWord(position: Int, word: String)
    case mnemonicChecksum
    case entropyLength(Int)
    // Paths and derivation
    case invalidPath(String)
    case indexOutOfRange(String)
    case hardenedFromPublic
    case invalidChildKey
    case invalidSeedLength(Int)
    case ed25519NeedsHardened
    // Extended keys
    case extendedKeyEncoding(String)
    case extendedKeyLength(Int)
    case unknownExtendedKeyVersion(String)
    case extendedKeyVersionMismatch(String)
    case invalidPublicKey(String)
    case invalidPrivateKey(String)
    case zeroDepthWithParent
    case zeroDepthWithIndex
    case extendedKeyNetworkMismatch(String)
    // Addresses and encodings
    case invalidAddress(String)
    case wrongNetwork(String)
    case invalidHex(String)
    case invalidBase58(String)
    case checksumMismatch(String)
    case invalidBech32(String)
    // Amounts and configuration
    case invalidAmount(String)
    case unknownNetwork(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .mnemonicWordCount(let n):
            return "mnemonic has \(n) words; expected 12, 15, 18, 21 or 24"
        case .mnemonicUnknownWord(let position, let word):
            return "mnemonic word \(position) '\(word)' is not in the BIP39 English wordlist"
        case .mnemonicChecksum:
            return "mnemonic checksum does not match: a word is wrong or the words are out of order"
        case .entropyLength(let n):
            return "entropy of \(n) bytes; expected 16, 20, 24, 28 or 32"
        case .invalidPath(let why): return "invalid derivation path: \(why)"
        case .indexOutOfRange(let why): return "index out of range: \(why)"
        case .hardenedFromPublic: return "a hardened child cannot be derived from a public key"
        case .invalidChildKey: return "derived key is invalid for this index; use the next index"
        case .invalidSeedLength(let n): return "seed of \(n) bytes; expected 16 to 64"
        case .ed25519NeedsHardened: return "ed25519 (SLIP-0010) derivation supports hardened indexes only"
        case .extendedKeyEncoding(let why): return "extended key is not valid Base58Check: \(why)"
        case .extendedKeyLength(let n): return "extended key has \(n) bytes; expected 78"
        case .unknownExtendedKeyVersion(let v): return "unknown extended key version \(v)"
        case .extendedKeyVersionMismatch(let why): return "extended key version does not match its key data: \(why)"
        case .invalidPublicKey(let why): return "invalid public key: \(why)"
        case .invalidPrivateKey(let why): return "invalid private key: \(why)"
        case .zeroDepthWithParent: return "extended key has depth 0 but a non-zero parent fingerprint"
        case .zeroDepthWithIndex: return "extended key has depth 0 but a non-zero child index"
        case .extendedKeyNetworkMismatch(let why): return "extended key does not fit the network: \(why)"
        case .invalidAddress(let why): return "invalid address: \(why)"
        case .wrongNetwork(let why): return "address belongs to another network: \(why)"
        case .invalidHex(let why): return "invalid hex: \(why)"
        case .invalidBase58(let why): return "invalid base58: \(why)"
        case .checksumMismatch(let what): return "checksum mismatch: \(what)"
        case .invalidBech32(let why): return "invalid bech32: \(why)"
        case .invalidAmount(let why): return "invalid amount: \(why)"
        case .unknownNetwork(let id):
            return "unknown network '\(id)'; expected one of "
                + NetworkID.allCases.map(\.rawValue).joined(separator: ", ")
        case .unsupported(let why): return why
        }
    }
}
