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
    /// True when `bytes` (32, little-endian) is the encoding of a point on edwards25519.
    static func isOnCurve(_ bytes: [UInt8]) -> Bool {
        precondition(bytes.count == 32)
        var le = bytes
        le[31] &= 0x7f
        let y = Array(le.reversed()).withUnsafeBytes { BigUInt($0) } % p
        let y2 = y * y % p
        let u = (y2 + p - 1) % p
        let v = (d * y2 + 1) % p
        // u/v is a square exactly when u·v is (v ≠ 0: d is not a square mod p). The Jacobi symbol,
        // which for a prime modulus is the Legendre symbol, decides it with shifts and remainders
        // instead of a 255-bit exponentiation.
        return jacobi(u * v % p, p) >= 0
    }

    /// The Jacobi symbol (a/n) for odd n: 1, −1, or 0 when they share a factor.
    static func jacobi(_ a: BigUInt, _ n: BigUInt) -> Int {
        var a = a % n
        var n = n
        var t = 1
        while !a.isZero {
            let zeros = a.trailingZeroBitCount
            a >>= zeros
            if zeros % 2 == 1 {
                let r = n.words[0] & 7
                if r == 3 || r == 5 { t = -t }
            }
            swap(&a, &n)
            if a.words[0] & 3 == 3 && n.words[0] & 3 == 3 { t = -t }
            a %= n
        }
        return n == 1 ? t : 0
    }
}
