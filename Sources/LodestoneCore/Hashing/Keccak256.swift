/// Keccak-256 as Ethereum uses it (original Keccak padding 0x01, not SHA3-256's 0x06).
public enum Keccak256 {
    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]
    private static let rotations: [UInt64] = [
        0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
    ]
    private static let rate = 136

    /// The 32-byte Keccak-256 digest of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var state = [UInt64](repeating: 0, count: 25)
        var block = [UInt8](repeating: 0, count: rate)
        var input = Array(data)[...]
        state.withUnsafeMutableBufferPointer { s in
            while input.count >= rate {
                absorb(input.prefix(rate), into: s)
                input = input.dropFirst(rate)
            }
            for i in 0..<rate { block[i] = 0 }
            for (i, b) in input.enumerated() { block[i] = b }
            block[input.count] ^= 0x01
            block[rate - 1] ^= 0x80
            absorb(block[...], into: s)
        }
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { out[i] = UInt8(truncatingIfNeeded: state[i / 8] >> (8 * UInt64(i % 8))) }
        return out
    }

    private static func absorb(_ chunk: ArraySlice<UInt8>, into s: UnsafeMutableBufferPointer<UInt64>) {
        let base = chunk.startIndex
        for lane in 0..<(rate / 8) {
            var v: UInt64 = 0
            for j in 0..<8 { v |= UInt64(chunk[base + lane * 8 + j]) << (8 * UInt64(j)) }
            s[lane] ^= v
        }
        permute(s)
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 {
        n == 0 ? x : (x << n) | (x >> (64 - n))
    }

    private static func permute(_ a: UnsafeMutableBufferPointer<UInt64>) {
        var c = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var b = [UInt64](repeating: 0, count: 25)
        b.withUnsafeMutableBufferPointer { b in
            for round in 0..<24 {
                // θ
                c.0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
                c.1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
                c.2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
                c.3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
                c.4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
                let d0 = c.4 ^ rotl(c.1, 1)
                let d1 = c.0 ^ rotl(c.2, 1)
                let d2 = c.1 ^ rotl(c.3, 1)
                let d3 = c.2 ^ rotl(c.4, 1)
                let d4 = c.3 ^ rotl(c.0, 1)
                for y in stride(from: 0, to: 25, by: 5) {
                    a[y] ^= d0
                    a[y + 1] ^= d1
                    a[y + 2] ^= d2
                    a[y + 3] ^= d3
                    a[y + 4] ^= d4
                }
                // ρ and π: lane (x, y) moves to (y, 2x + 3y).
                for x in 0..<5 {
                    for y in 0..<5 {
                        let from = x + 5 * y
                        let to = y + 5 * ((2 * x + 3 * y) % 5)
                        b[to] = rotl(a[from], rotations[from])
                    }
                }
                // χ
                for y in stride(from: 0, to: 25, by: 5) {
                    for x in 0..<5 {
                        a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5])
                    }
                }
                // ι
                a[0] ^= roundConstants[round]
            }
        }
    }
}
