/// Solana addresses (Base58 of 32 bytes) and associated token accounts.
public enum SolanaAddress {
    /// SPL Token program.
    public static let tokenProgram = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
    /// Token-2022 program.
    public static let token2022Program = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"
    /// Associated token account program.
    public static let associatedTokenProgram = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL"

    /// Base58 text of a 32-byte key.
    public static func encode(_ key: [UInt8]) -> String {
        precondition(key.count == 32)
        return Base58.encode(key)
    }

    /// Parses a Base58 32-byte account address.
    public static func parse(_ text: String) throws(CoreError) -> ParsedAddress {
        let bytes: [UInt8]
        do { bytes = try Base58.decode(text) } catch { throw .invalidAddress("Solana address: \(error.description)") }
        guard bytes.count == 32 else { throw .invalidAddress("Solana address must be 32 bytes, has \(bytes.count)") }
        guard Base58.encode(bytes) == text else { throw .invalidAddress("Solana address is not canonical Base58") }
        return ParsedAddress(family: .solana, kind: .solana, normalized: text, matchKey: bytes)
    }

    /// True when 32 bytes are an ed25519 curve point (program-derived addresses never are).
    public static func isOnCurve(_ key: [UInt8]) -> Bool { Ed25519Point.isOnCurve(key) }

    /// Solana's `find_program_address`: the first bump from 255 down whose hash is off the curve.
    public static func findProgramAddress(seeds: [[UInt8]], program: [UInt8]) throws(CoreError) -> (
        address: [UInt8], bump: UInt8
    ) {
        guard seeds.count < 16, seeds.allSatisfy({ $0.count <= 32 }) else {
            throw .unsupported("program address seeds: at most 15 seeds of 32 bytes")
        }
        let marker = Array("ProgramDerivedAddress".utf8)
        for bump in stride(from: 255, through: 0, by: -1) {
            let candidate = Hashes.sha256(seeds.flatMap { $0 } + [UInt8(bump)] + program + marker)
            if !Ed25519Point.isOnCurve(candidate) { return (candidate, UInt8(bump)) }
        }
        throw .unsupported("no viable bump seed")
    }

    /// The associated token account of `owner` for `mint` under a token program.
    public static func associatedTokenAccount(owner: String, mint: String, tokenProgram: String = tokenProgram)
        throws(CoreError) -> String
    {
        let o = try parse(owner).matchKey
        let m = try parse(mint).matchKey
        let t = try parse(tokenProgram).matchKey
        let program = try parse(associatedTokenProgram).matchKey
        return encode(try findProgramAddress(seeds: [o, t, m], program: program).address)
    }
}
