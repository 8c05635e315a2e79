/// A JSON-RPC parameter: the few JSON shapes node methods take.
public indirect enum JSONParam: Sendable, Encodable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case array([JSONParam])
    case object([String: JSONParam])
    case null

    /// A `0x`-prefixed hex quantity, as Ethereum-style nodes want block numbers.
    public static func quantity(_ n: Int64) -> JSONParam { .string("0x" + String(n, radix: 16)) }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .bool(let b): try c.encode(b)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        case .null: try c.encodeNil()
        }
    }
}
