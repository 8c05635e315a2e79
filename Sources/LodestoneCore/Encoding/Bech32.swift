/// Bech32 (BIP173) and Bech32m (BIP350), with segwit address helpers.
public enum Bech32 {
    /// Which checksum constant a string uses.
    public enum Variant: Sendable, Equatable {
        case bech32, bech32m
        var constant: UInt32 { self == .bech32 ? 1 : 0x2bc8_30a3 }
    }

    private static let charset: [UInt8] = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let reverse: [Int8] = {
        var t = [Int8](repeating: -1, count: 128)
        for (i, c) in charset.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        let gen: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> i) & 1 == 1 { chk ^= gen[i] }
        }
        return chk
    }

    private static func hrpExpand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Encodes 5-bit `data` under `hrp` (lower case) with the given checksum variant.
    public static func encode(hrp: String, data: [UInt8], variant: Variant) -> String {
        let h = Array(hrp.utf8)
        let mod = polymod(hrpExpand(h) + data + [0, 0, 0, 0, 0, 0]) ^ variant.constant
        let checksum = (0..<6).map { UInt8((mod >> (5 * (5 - $0))) & 31) }
        return hrp + "1" + String(decoding: (data + checksum).map { charset[Int($0)] }, as: UTF8.self)
    }

    /// Decodes a Bech32 or Bech32m string into lower-case hrp, 5-bit data (checksum removed) and variant.
    public static func decode(_ text: String) throws(CoreError) -> (hrp: String, data: [UInt8], variant: Variant) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 90 else { throw .invalidBech32("longer than 90 characters") }
        guard bytes.allSatisfy({ $0 >= 33 && $0 <= 126 }) else { throw .invalidBech32("invalid character") }
        let hasLower = bytes.contains { $0 >= 97 && $0 <= 122 }
        let hasUpper = bytes.contains { $0 >= 65 && $0 <= 90 }
        guard !(hasLower && hasUpper) else { throw .invalidBech32("mixed case") }
        let lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        guard let sep = lower.lastIndex(of: UInt8(ascii: "1")) else { throw .invalidBech32("no separator '1'") }
        guard sep >= 1 else { throw .invalidBech32("empty human-readable part") }
        guard lower.count - sep - 1 >= 6 else { throw .invalidBech32("checksum too short") }
        let hrp = Array(lower[..<sep])
        var data = [UInt8]()
        for c in lower[(sep + 1)...] {
            guard c < 128, reverse[Int(c)] >= 0 else {
                throw .invalidBech32("character '\(Character(Unicode.Scalar(c)))' is not in the bech32 alphabet")
            }
            data.append(UInt8(reverse[Int(c)]))
        }
        let check = polymod(hrpExpand(hrp) + data)
        let variant: Variant
        switch check {
        case Variant.bech32.constant: variant = .bech32
        case Variant.bech32m.constant: variant = .bech32m
        default: throw .checksumMismatch("bech32 checksum is wrong")
        }
        return (String(decoding: hrp, as: UTF8.self), Array(data.dropLast(6)), variant)
    }

    /// Regroups bits (8→5 or 5→8); with `pad` false, rejects non-zero or over-long padding.
    public static func convertBits(_ data: [UInt8], from: Int, to: Int, pad: Bool) throws(CoreError) -> [UInt8] {
        var acc = 0
        var bits = 0
        var out = [UInt8]()
        let maxv = (1 << to) - 1
        for value in data {
            guard Int(value) >> from == 0 else { throw .invalidBech32("value out of range") }
            acc = (acc << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((acc >> bits) & maxv))
            }
        }
        if pad {
            if bits > 0 { out.append(UInt8((acc << (to - bits)) & maxv)) }
        } else if bits >= from || (acc << (to - bits)) & maxv != 0 {
            throw .invalidBech32("invalid padding")
        }
        return out
    }

    /// Encodes a segwit address: version 0 uses Bech32, versions 1–16 Bech32m (BIP350).
    public static func encodeSegwit(hrp: String, version: UInt8, program: [UInt8]) -> String {
        // Programs built here are 20 or 32 bytes, so conversion cannot fail.
        let data = [version] + ((try? convertBits(program, from: 8, to: 5, pad: true)) ?? [])
        return encode(hrp: hrp, data: data, variant: version == 0 ? .bech32 : .bech32m)
    }

    /// Decodes a segwit address for the expected hrp, enforcing BIP173/BIP350 rules.
    public static func decodeSegwit(hrp expected: String, _ text: String) throws(CoreError) -> (
        version: UInt8, program: [UInt8]
    ) {
        let (hrp, data, variant) = try decode(text)
        guard hrp == expected else { throw .wrongNetwork("prefix '\(hrp)' is not '\(expected)'") }
        guard let version = data.first, version <= 16 else { throw .invalidAddress("witness version above 16") }
        let program = try convertBits(Array(data.dropFirst()), from: 5, to: 8, pad: false)
        guard (2...40).contains(program.count) else {
            throw .invalidAddress("witness program of \(program.count) bytes")
        }
        if version == 0 && program.count != 20 && program.count != 32 {
            throw .invalidAddress("version 0 witness program must be 20 or 32 bytes")
        }
        guard (version == 0) == (variant == .bech32) else {
            throw .invalidAddress(version == 0 ? "version 0 must use bech32" : "version \(version) must use bech32m")
        }
        return (version, program)
    }
}
