/// Why a node call failed. Retryable failures move on to the next endpoint; the others are the
/// caller's to handle (a JSON-RPC error object such as "query returned more than 10000 results").
public enum RPCError: Error, Sendable, CustomStringConvertible, Equatable {
    /// No answer within the timeout.
    case timeout(endpoint: String)
    /// Connection failure.
    case transport(endpoint: String, String)
    /// A non-2xx HTTP status (429 and 5xx included).
    case http(endpoint: String, status: Int)
    /// The body was not the JSON expected.
    case malformed(endpoint: String, String)
    /// The node answered with a JSON-RPC error object.
    case rpc(endpoint: String, code: Int, message: String)
    /// The node answered a batch with one error object: it does not take batches.
    case batchRefused(endpoint: String, code: Int, message: String)
    /// The node answered `null` for something that must exist (a lagging node).
    case missing(endpoint: String, String)
    /// Every endpoint failed; the last failure of each.
    case exhausted([RPCError])
    /// The endpoint serves another chain.
    case wrongChain(endpoint: String, expected: String, actual: String)

    /// Bitcoin Core's error code while it loads its block index.
    public static let warmingUp = -28
    /// Bitcoin Core's "no such transaction, block or key" (`RPC_INVALID_ADDRESS_OR_KEY`).
    public static let notFound = -5
    /// Solana: the block of this slot is not available yet (retry, never skip it).
    public static let blockNotAvailable = -32004
    /// Solana: this node has no block at the slot (skipped, or missing after a snapshot jump).
    public static let slotSkipped = -32007
    /// Solana: skipped, or missing in long-term storage.
    public static let slotSkippedOrMissingInStorage = -32009

    /// True when the endpoint was reached and answered, but with something that cannot be used
    /// (a malformed or missing result, an error object); false when it could not be reached.
    public var isUnusableAnswer: Bool {
        switch self {
        case .malformed, .missing, .rpc, .batchRefused, .wrongChain: return true
        case .timeout, .transport, .http: return false
        case .exhausted(let all): return !all.isEmpty && all.allSatisfy(\.isUnusableAnswer)
        }
    }

    /// True when another endpoint (or a later try) may succeed.
    public var isRetryable: Bool {
        switch self {
        case .timeout, .transport, .http, .malformed, .missing: return true
        // Bitcoin Core's "warming up" (-28): the node is starting; Solana's "block not available"
        // (-32004): not yet. Another endpoint, or a later try, will answer.
        case .rpc(_, let code, _): return code == Self.warmingUp || code == Self.blockNotAvailable
        case .batchRefused, .exhausted, .wrongChain: return false
        }
    }

    public var description: String {
        switch self {
        case .timeout(let e): return "\(e): timed out"
        case .transport(let e, let why): return "\(e): \(why)"
        case .http(let e, let status): return "\(e): HTTP \(status)"
        case .malformed(let e, let why): return "\(e): malformed answer: \(why)"
        case .rpc(let e, let code, let message): return "\(e): JSON-RPC error \(code): \(message)"
        case .batchRefused(let e, let code, let message): return "\(e): refuses JSON-RPC batches (\(code): \(message))"
        case .missing(let e, let what): return "\(e): no \(what) (node behind?)"
        case .exhausted(let errors): return "all endpoints failed: " + errors.map(\.description).joined(separator: "; ")
        case .wrongChain(let e, let expected, let actual): return "\(e): serves \(actual); expected \(expected)"
        }
    }
}
