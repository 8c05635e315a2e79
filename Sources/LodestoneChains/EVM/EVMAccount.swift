import LodestoneCore

/// A 20-byte EVM account held inline (no heap allocation), hashable for fast set lookups.
public struct EVMAccount: Hashable, Sendable, CustomStringConvertible {
    let high: UInt64
    let middle: UInt64
    let low: UInt32

    init(high: UInt64, middle: UInt64, low: UInt32) {
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// From exactly 20 bytes.
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == 20 else { return nil }
        var h: UInt64 = 0
        var m: UInt64 = 0
        var l: UInt32 = 0
        for (i, b) in bytes.enumerated() {
            switch i {
            case 0..<8: h = h << 8 | UInt64(b)
            case 8..<16: m = m << 8 | UInt64(b)
            default: l = l << 8 | UInt32(b)
            }
        }
        high = h
        middle = m
        low = l
    }

    /// From 40 hex digits (either case); `text` may carry `0x` and, as in log topics, 24 leading zero digits.
    public init?(hex text: Substring) {
        var utf8 = Array(text.utf8)
        if utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] | 0x20 == UInt8(ascii: "x") { utf8.removeFirst(2) }
        if utf8.count == 64 {
            guard utf8.prefix(24).allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
            utf8.removeFirst(24)
        }
        guard utf8.count == 40 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(20)
        var i = 0
        while i < 40 {
            guard let hi = Self.nibble(utf8[i]), let lo = Self.nibble(utf8[i + 1]) else { return nil }
            bytes.append(hi << 4 | lo)
            i += 2
        }
        self.init(bytes)
    }

    @inline(__always) static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }

    /// The 20 bytes.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64($0))) }
            + (0..<8).map { UInt8(truncatingIfNeeded: middle >> (56 - 8 * UInt64($0))) }
            + (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * UInt32($0))) }
    }

    /// EIP-55 text.
    public var description: String { EVMAddress.checksummed(bytes) }
}
