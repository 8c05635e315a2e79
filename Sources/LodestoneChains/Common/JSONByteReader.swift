/// A single-pass reader of JSON bytes for answers a node sends in bulk (logs, blocks): it reads
/// objects, arrays, strings without escapes, numbers and literals, hands out ranges of the input,
/// and gives up (returns false or nil) on anything else, so its callers fall back to `JSONDecoder`
/// and can be fast without being lenient.
struct JSONByteReader {
    let bytes: UnsafeRawBufferPointer
    var i = 0
    var failed = false

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func skipSpace() -> Bool {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0a || bytes[i] == 0x0d || bytes[i] == 0x09 { i += 1 }
        return i < bytes.count
    }

    mutating func eat(_ c: UInt8) -> Bool {
        guard i < bytes.count, bytes[i] == c else { return false }
        i += 1
        return true
    }

    /// A string's content range; nil (and reading stops) on escapes, which logs never need.
    mutating func string() -> Range<Int>? {
        guard eat(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return start..<(i - 1)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    mutating func stringOrNull() -> Range<Int>? {
        if literal("null") { return nil }
        guard let s = string() else {
            failed = true
            return nil
        }
        return s
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    /// Reads an array; `element` reads one element and returns false to give up.
    mutating func array(_ element: (inout JSONByteReader) -> Bool) -> Bool {
        eat(UInt8(ascii: "[")) && elements(until: UInt8(ascii: "]"), element)
    }

    /// Reads an object; `member` gets each key and reads its value, returning false to give up.
    mutating func object(_ member: (inout JSONByteReader, Range<Int>) -> Bool) -> Bool {
        eat(UInt8(ascii: "{"))
            && elements(until: UInt8(ascii: "}")) { r in
                guard let key = r.string(), r.skipSpace(), r.eat(UInt8(ascii: ":")), r.skipSpace() else { return false }
                return member(&r, key)
            }
    }

    /// Comma-separated elements up to `close`, the one loop every container shares.
    private mutating func elements(until close: UInt8, _ element: (inout JSONByteReader) -> Bool) -> Bool {
        var first = true
        while true {
            guard skipSpace() else { return false }
            if eat(close) { return true }
            if !first { guard eat(UInt8(ascii: ",")), skipSpace() else { return false } }
            first = false
            guard element(&self) else { return false }
        }
    }

    /// Skips any JSON value; false when it cannot.
    mutating func skipValue() -> Bool {
        guard skipSpace() else { return false }
        switch bytes[i] {
        case UInt8(ascii: "\""): return skipString()
        case UInt8(ascii: "{"): return object { r, _ in r.skipValue() }
        case UInt8(ascii: "["): return array { r in r.skipValue() }
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default:
            let start = i
            while i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == 0x2d || bytes[i] == 0x2b || bytes[i] == 0x2e
                || bytes[i] | 0x20 == UInt8(ascii: "e")
            {
                i += 1
            }
            return i > start
        }
    }

    /// Skips a string whose content is never read: escapes are stepped over, not decoded.
    mutating func skipString() -> Bool {
        guard eat(UInt8(ascii: "\"")) else { return false }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return true
            }
            if c < 0x20 { return false }
            i += c == UInt8(ascii: "\\") ? 2 : 1
        }
        return false
    }

    func equals(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        for k in 0..<range.count where bytes[range.lowerBound + k] != text.utf8Start[k] { return false }
        return true
    }
}
