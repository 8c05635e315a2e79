import BigInt

/// The one piece of ed25519 point arithmetic Solana addressing needs: whether 32 bytes decode to
/// a curve point, with the same acceptance rule as curve25519-dalek's `decompress` (which Solana's
/// `find_program_address` uses): y is taken mod p with the sign bit ignored, and the point is on
/// the curve exactly when (y² − 1)/(d·y² + 1) is a square (zero included).
enum Ed25519Point {
    private static let p = (BigUInt(1) << 255) - 19
    // d = −121665 / 121666 mod p
    private static let d: BigUInt = {
        let num = p - 121_665
        let inv = BigUInt(121_666).power(p - 2, modulus: p)
        return num * inv % p
    }()
    private static let legendreExponent = (p - 1) / 2

    /// True when `bytes` (32, little-endian) is the encoding of a point on edwards25519.
    static func isOnCurve(_ bytes: [UInt8]) -> Bool {
        precondition(bytes.count == 32)
        var le = bytes
        le[31] &= 0x7f
        let y = Array(le.reversed()).withUnsafeBytes { BigUInt($0) } % p
        let y2 = y * y % p
        let u = (y2 + p - 1) % p
        let v = (d * y2 + 1) % p
        if u == 0 { return true }
        let ratio = u * v.power(p - 2, modulus: p) % p
        return ratio.power(legendreExponent, modulus: p) == 1
    }
}
