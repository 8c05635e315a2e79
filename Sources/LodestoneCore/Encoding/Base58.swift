/// Base58 with the Bitcoin alphabet (also used by Tron and Solana), and Base58Check.
public enum Base58 {
    private static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let indexes: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Encodes bytes; each leading zero byte becomes a leading '1'.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let zeros = input.prefix { $0 == 0 }.count
        // log(256)/log(58) ≈ 1.366: enough digits for the whole number.
        var digits = [UInt8](repeating: 0, count: (input.count - zeros) * 138 / 100 + 1)
        var length = 0
        for byte in input[zeros...] {
            var carry = Int(byte)
            var i = 0
            var k = digits.count - 1
            while (carry != 0 || i < length) && k >= 0 {
                carry += 256 * Int(digits[k])
                digits[k] = UInt8(carry % 58)
                carry /= 58
                i += 1
                k -= 1
            }
            length = i
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.reserveCapacity(zeros + length)
        for d in digits[(digits.count - length)...] { out.append(alphabet[Int(d)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes Base58 text, rejecting characters outside the alphabet.
    public static func decode(_ text: String) throws(CoreError) -> [UInt8] {
        let input = Array(text.utf8)
        guard !input.isEmpty else { throw .invalidBase58("empty") }
        let ones = input.prefix { $0 == alphabet[0] }.count
        var bytes = [UInt8](repeating: 0, count: (input.count - ones) * 733 / 1000 + 1)
        var length = 0
        for c in input[ones...] {
            guard c < 128, indexes[Int(c)] >= 0 else {
                throw .invalidBase58("character '\(Character(Unicode.Scalar(c)))' is not in the alphabet")
            }
            var carry = Int(indexes[Int(c)])
            var i = 0
            var k = bytes.count - 1
            while (carry != 0 || i < length) && k >= 0 {
                carry += 58 * Int(bytes[k])
                bytes[k] = UInt8(carry & 0xff)
                carry >>= 8
                i += 1
                k -= 1
            }
            length = i
        }
        return [UInt8](repeating: 0, count: ones) + bytes[(bytes.count - length)...]
    }

    /// Base58 of `payload ‖ first 4 bytes of SHA-256(SHA-256(payload))`.
    public static func encodeCheck(_ payload: some Collection<UInt8>) -> String {
        let body = Array(payload)
        return encode(body + Hashes.sha256d(body).prefix(4))
    }

    /// Decodes Base58Check and returns the payload after verifying its 4-byte checksum.
    public static func decodeCheck(_ text: String) throws(CoreError) -> [UInt8] {
        let raw = try decode(text)
        guard raw.count >= 4 else { throw .invalidBase58("too short for a checksum") }
        let payload = Array(raw.dropLast(4))
        guard Array(Hashes.sha256d(payload).prefix(4)) == Array(raw.suffix(4)) else {
            throw .checksumMismatch("Base58Check checksum is wrong")
        }
        return payload
    }
}
