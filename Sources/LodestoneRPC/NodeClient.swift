public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Calls one network's nodes: JSON-RPC (single and batched) and plain HTTP JSON APIs, over several
/// endpoints with failover, per-endpoint rate limits, timeouts, and retries with backoff and jitter.
/// Every failure is logged with the endpoint's label (never its full URL, which may hold a key).
public struct NodeClient: Sendable {
    /// The network's name, for logs.
    public let network: String
    let pool: EndpointPool
    let http: HTTPClient
    let timeout: Duration
    let retry: RetryPolicy
    let maxResponseBytes: Int
    let logger: Logger
    let batching: BatchSupport
    /// What every endpoint must show before its first use, and again after each outage.
    let identity: EndpointIdentityCheck?

    /// A client over `endpoints` (in preference order); with `identity`, no endpoint is used before
    /// it passed that check (at start, on failover, after recovering from a cool-down).
    public init(
        network: String, endpoints: [RPCEndpoint], http: HTTPClient, timeout: Duration = .seconds(10), retry: RetryPolicy = RetryPolicy(),
        cooldown: Duration = .seconds(30), maxResponseBytes: Int = 64 << 20, identity: EndpointIdentityCheck? = nil, logger: Logger
    ) {
        self.identity = identity
        batching = BatchSupport(retryAfter: .seconds(600))
        self.network = network
        pool = EndpointPool(endpoints, cooldown: cooldown)
        self.http = http
        self.timeout = timeout
        self.retry = retry
        self.maxResponseBytes = maxResponseBytes
        self.logger = logger
    }

    /// The same client (same endpoints, health and budgets) that checks every endpoint with
    /// `identity` before using it.
    public func checking(_ identity: EndpointIdentityCheck) -> NodeClient {
        NodeClient(copying: self, identity: identity)
    }

    private init(copying other: NodeClient, identity: EndpointIdentityCheck) {
        network = other.network
        pool = other.pool
        http = other.http
        timeout = other.timeout
        retry = other.retry
        maxResponseBytes = other.maxResponseBytes
        logger = other.logger
        batching = other.batching
        self.identity = identity
    }

    /// Labels of the endpoints, in preference order.
    public var endpointLabels: [String] { get async { pool.endpoints.map(\.label) } }

    /// The endpoint calls currently go to.
    public func currentEndpoint() async -> String {
        let i = await pool.current()
        return pool.endpoints[i].label
    }

    /// Records the head the endpoint calls go to now (the pinned one inside a pinned run) reported.
    public func recordHead(_ number: Int64, stale: Bool = false) async {
        let i: Int
        if let pinned = Self.pin?.choice(ObjectIdentifier(pool)) { i = pinned } else { i = await pool.current() }
        await pool.recordHead(i, number, stale: stale)
    }

    /// Each endpoint's last reported head and whether it was stale, by label.
    public func endpointHeads() async -> [String: (head: Int64?, stale: Bool)] { await pool.heads() }

    /// Takes the current endpoint out of rotation for the cool-down period (for example, its head is stale).
    public func demoteCurrent(because reason: String) async {
        var i = await pool.current()
        if let pinned = Self.pin?.take(ObjectIdentifier(pool)) { i = pinned }
        _ = await pool.failed(i, reason, immediately: true)
        let label = pool.endpoints[i].label
        logger.warning(
            "endpoint taken out of rotation", metadata: ["network": "\(network)", "endpoint": "\(label)", "reason": "\(reason)"])
    }

    /// Runs `body` with every call of this client (and any other) pinned to one endpoint: the first
    /// call that succeeds picks it, and later calls neither fail over nor mix answers of nodes that
    /// disagree (a reorg walk-back asking two nodes in turn would never settle). A failure fails the
    /// whole body, which the caller retries; the next pinned run may pick another endpoint.
    public func pinned<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        if Self.pin != nil { return try await body() }
        return try await Self.$pin.withValue(EndpointPin()) { try await body() }
    }

    /// Endpoint health: label, healthy, last problem.
    public func health() async -> [(label: String, healthy: Bool, problem: String?)] { await pool.health() }

    // MARK: JSON-RPC

    /// Calls `method` and decodes its `result`; a `null` result is `missing` (retried elsewhere).
    public func call<R: Decodable & Sendable>(_ method: String, _ params: [JSONParam], as: R.Type = R.self) async throws -> R {
        let body = try JSONEncoder().encode(RPCRequest(id: 1, method: method, params: params))
        return try await send(path: "", method: method, body: body) { endpoint, data in
            try Self.decodeEnvelope(data, as: R.self, method: method, endpoint: endpoint)
        }
    }

    /// Calls `method` whose `null` result is an answer ("no such transaction"), not a lagging node.
    public func callOptional<R: Decodable & Sendable>(_ method: String, _ params: [JSONParam], as: R.Type = R.self) async throws -> R? {
        let body = try JSONEncoder().encode(RPCRequest(id: 1, method: method, params: params))
        return try await send(path: "", method: method, body: body) { endpoint, data -> R? in
            let envelope: Envelope<R>
            do { envelope = try JSONDecoder().decode(Envelope<R>.self, from: data) } catch {
                throw RPCError.malformed(endpoint: endpoint, "\(method): \(Self.describe(error))")
            }
            if let error = envelope.error { throw RPCError.rpc(endpoint: endpoint, code: error.code, message: error.message) }
            return envelope.result
        }
    }

    /// Calls `method`, reading the answer with `fast` first (a specialised reader of the whole
    /// envelope) and with `JSONDecoder` when `fast` declines it.
    public func call<R: Decodable & Sendable>(
        _ method: String, _ params: [JSONParam], as: R.Type = R.self, fast: @escaping @Sendable (Data) -> R?
    ) async throws -> R {
        let body = try JSONEncoder().encode(RPCRequest(id: 1, method: method, params: params))
        return try await send(path: "", method: method, body: body) { endpoint, data in
            if let value = fast(data) { return value }
            return try Self.decodeEnvelope(data, as: R.self, method: method, endpoint: endpoint)
        }
    }

    /// Calls `method` once per parameter list in JSON-RPC batches of at most `batchSize`, results in
    /// order; the first call the node answers with an error fails them all. A node that refuses
    /// batches is called one request at a time instead.
    public func batch<R: Decodable & Sendable>(_ method: String, _ paramLists: [[JSONParam]], as: R.Type = R.self, batchSize: Int = 50)
        async throws -> [R]
    {
        try await batchResults(method, paramLists, as: R.self, batchSize: batchSize).map { try $0.get() }
    }

    /// Like `batch`, but an error a node answers for one call (a JSON-RPC error object) is that
    /// call's result instead of failing them all; transport and format failures still throw.
    public func batchResults<R: Decodable & Sendable>(
        _ method: String, _ paramLists: [[JSONParam]], as: R.Type = R.self, batchSize: Int = 50
    ) async throws -> [Result<R, RPCError>] {
        var results: [Result<R, RPCError>] = []
        results.reserveCapacity(paramLists.count)
        var start = 0
        while start < paramLists.count {
            let chunk = Array(paramLists[start..<min(start + batchSize, paramLists.count)])
            start += chunk.count
            if !batching.refused {
                let body = try JSONEncoder().encode(chunk.enumerated().map { RPCRequest(id: $0.offset, method: method, params: $0.element) })
                do {
                    results += try await send(path: "", method: method, body: body) { endpoint, data in
                        try Self.decodeBatchResults(data, count: chunk.count, as: R.self, method: method, endpoint: endpoint)
                    }
                    continue
                } catch let refusal as RPCError {
                    guard case .batchRefused = refusal else { throw refusal }
                    batching.markRefused()
                    logger.warning(
                        "node refuses JSON-RPC batches; calling one request at a time",
                        metadata: ["network": "\(network)", "error": "\(refusal)", "retry_batches_in": "\(batching.retryAfter)"])
                }
            }
            results += try await oneByOne(method, chunk, as: R.self)
        }
        return results
    }

    /// The calls of a refused batch as single requests, concurrently (the rate limit paces them), in
    /// order; an error object the node answers is that call's result.
    func oneByOne<R: Decodable & Sendable>(_ method: String, _ paramLists: [[JSONParam]], as: R.Type) async throws
        -> [Result<R, RPCError>]
    {
        try await withThrowingTaskGroup(of: (Int, Result<R, RPCError>).self) { group in
            for (i, params) in paramLists.enumerated() {
                group.addTask {
                    do { return (i, .success(try await call(method, params, as: R.self))) } catch let error as RPCError {
                        guard case .rpc = error else { throw error }
                        return (i, .failure(error))
                    }
                }
            }
            var byIndex: [Int: Result<R, RPCError>] = [:]
            for try await (i, value) in group { byIndex[i] = value }
            return paramLists.indices.map { byIndex[$0]! }
        }
    }

    // MARK: Endpoint identity

    /// Checks every endpoint not checked yet; returns how many are verified, how many refused for
    /// serving another chain, and the failures of those that could not be reached (they are checked
    /// again before their first use).
    public func verifyEndpoints() async -> (verified: Int, refused: [String], unreachable: [RPCError]) {
        var verified = 0
        var refused: [String] = []
        var unreachable: [RPCError] = []
        for i in pool.endpoints.indices {
            do {
                try await ensureIdentity(i)
                verified += 1
            } catch let error as RPCError {
                if case .wrongChain = error { refused.append(error.description) } else { unreachable.append(error) }
            } catch {
                unreachable.append(.transport(endpoint: pool.endpoints[i].label, "\(error)"))
            }
        }
        return (verified, refused, unreachable)
    }

    /// Runs the identity check of endpoint `i` unless it passed already; a wrong chain refuses the
    /// endpoint for good (and throws `wrongChain`), anything else leaves it unverified and throws.
    func ensureIdentity(_ i: Int) async throws {
        guard let identity else { return }
        switch await pool.identity(i) {
        case .verified: return
        case .refused(let why): throw RPCError.wrongChain(endpoint: pool.endpoints[i].label, expected: identity.expected, actual: why)
        case .unverified: break
        }
        let endpoint = pool.endpoints[i]
        do {
            try await identity.check(EndpointProbe(client: self, endpoint: endpoint))
        } catch let error as RPCError {
            if case .wrongChain(_, _, let actual) = error {
                await pool.setIdentity(i, .refused(actual))
                logger.critical(
                    "endpoint refused: it serves another chain; it will not be used",
                    metadata: ["network": "\(network)", "endpoint": "\(endpoint.label)", "expected": "\(identity.expected)", "actual": "\(actual)"])
            }
            throw error
        }
        await pool.setIdentity(i, .verified)
        logger.info("endpoint verified", metadata: ["network": "\(network)", "endpoint": "\(endpoint.label)", "chain": "\(identity.expected)"])
    }

    // MARK: Plain HTTP JSON APIs

    /// POSTs `body` to `path` under the endpoint URL and decodes the JSON answer as `R`.
    public func post<R: Decodable & Sendable>(path: String, json body: Data, as: R.Type = R.self) async throws -> R {
        try await send(path: path, method: path, body: body) { endpoint, data in
            do { return try JSONDecoder().decode(R.self, from: data) } catch {
                throw RPCError.malformed(endpoint: endpoint, Self.describe(error))
            }
        }
    }

    // MARK: Transport

    /// Sends with failover and retries; `decode` failures that are retryable count against the endpoint.
    func send<T: Sendable>(path: String, method: String, body: Data, decode: @Sendable (String, Data) throws -> T) async throws -> T {
        var failures: [RPCError] = []
        var tried: Set<Int> = []
        let pinKey = ObjectIdentifier(pool)
        for attempt in 1...max(1, retry.attempts) {
            let order = await pool.order()
            guard !order.isEmpty else { break }  // every endpoint serves another chain
            // The pinned endpoint, if a pinned run chose one; else the best endpoint not tried yet in
            // this call, and once all were, round again in order.
            let pinned = Self.pin?.choice(pinKey)
            let i = pinned ?? order.first { !tried.contains($0) } ?? order[(attempt - 1) % order.count]
            tried.insert(i)
            let endpoint = pool.endpoints[i]
            do {
                try await ensureIdentity(i)
                let started = ContinuousClock.now
                let value: T
                do {
                    value = try decode(endpoint.label, try await post(endpoint: endpoint, path: path, body: body))
                } catch let error as RPCError {
                    RPCMetrics.failed(network: network, endpoint: endpoint.label, method: method, error)
                    throw error
                }
                RPCMetrics.answered(network: network, endpoint: endpoint.label, method: method, after: ContinuousClock.now - started)
                await pool.succeeded(i)
                if pinned == nil { Self.pin?.choose(i, for: pinKey) }
                return value
            } catch let error as RPCError where error.isRetryable {
                failures.append(error)
                let cooled = await pool.failed(i, error.description, immediately: Self.isThrottle(error))
                logger.warning(
                    "node call failed",
                    metadata: [
                        "network": "\(network)", "endpoint": "\(endpoint.label)", "attempt": "\(attempt)", "error": "\(error)",
                        "cooldown": "\(cooled)",
                    ])
                if attempt < retry.attempts { try await Task.sleep(for: retry.delay(after: attempt)) }
            } catch let error as RPCError {
                // Refused for serving another chain: the next attempt goes elsewhere at once.
                guard case .wrongChain = error else { throw error }
                failures.append(error)
            }
        }
        throw RPCError.exhausted(failures)
    }

    static func isThrottle(_ error: RPCError) -> Bool {
        if case .http(_, 429) = error { return true }
        return false
    }

    func post(endpoint: RPCEndpoint, path: String, body: Data) async throws -> Data {
        try await pool.acquire(pool.endpoints.firstIndex(of: endpoint) ?? 0)
        var request = HTTPClientRequest(url: endpoint.url(appending: path))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let authorization = try endpoint.authorization() { request.headers.add(name: "Authorization", value: authorization) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw RPCError.timeout(endpoint: endpoint.label)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw RPCError.transport(endpoint: endpoint.label, "\(error)")
        }
        let bytes: ByteBuffer
        do { bytes = try await response.body.collect(upTo: maxResponseBytes) } catch {
            throw RPCError.transport(endpoint: endpoint.label, "reading the answer: \(error)")
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            // JSON-RPC 1.0 servers (Bitcoin Core's legacy form) answer an error with HTTP 500 (404
            // for an unknown method) and the error object in a body without `jsonrpc`: that is the
            // node's answer, not an outage. A 2.0 body on an error status stays an HTTP failure.
            if [404, 500].contains(Int(response.status.code)),
                let legacy = try? JSONDecoder().decode(LegacyError.self, from: Data(bytes.readableBytesView)), legacy.jsonrpc == nil,
                let error = legacy.error
            {
                throw RPCError.rpc(endpoint: endpoint.label, code: error.code, message: error.message)
            }
            if response.status.code == 401 || response.status.code == 403 {
                throw RPCError.transport(endpoint: endpoint.label, "HTTP \(response.status.code): the node refused the credentials")
            }
            throw RPCError.http(endpoint: endpoint.label, status: Int(response.status.code))
        }
        return Data(bytes.readableBytesView)
    }

    // MARK: Envelopes

    struct RPCRequest: Encodable {
        let jsonrpc = "2.0"
        let id: Int
        let method: String
        let params: [JSONParam]
    }

    /// A JSON-RPC 1.0 error answer: no `jsonrpc` member, an `error` object.
    struct LegacyError: Decodable {
        let jsonrpc: String?
        let error: ErrorObject?
    }

    struct ErrorObject: Decodable {
        let code: Int
        let message: String
    }

    struct Envelope<R: Decodable>: Decodable {
        let id: Int?
        let result: R?
        let error: ErrorObject?

        enum CodingKeys: String, CodingKey { case id, result, error }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try? c.decodeIfPresent(Int.self, forKey: .id)
            error = try c.decodeIfPresent(ErrorObject.self, forKey: .error)
            if c.contains(.result), try !c.decodeNil(forKey: .result) {
                result = try c.decode(R.self, forKey: .result)
            } else {
                result = nil
            }
        }

        func value(method: String, endpoint: String) throws -> R {
            if let error { throw RPCError.rpc(endpoint: endpoint, code: error.code, message: error.message) }
            guard let result else { throw RPCError.missing(endpoint: endpoint, "result for \(method)") }
            return result
        }
    }

    static func decodeEnvelope<R: Decodable>(_ data: Data, as: R.Type, method: String, endpoint: String) throws -> R {
        let envelope: Envelope<R>
        do { envelope = try JSONDecoder().decode(Envelope<R>.self, from: data) } catch {
            throw RPCError.malformed(endpoint: endpoint, "\(method): \(describe(error))")
        }
        return try envelope.value(method: method, endpoint: endpoint)
    }

    static func decodeBatchResults<R: Decodable>(_ data: Data, count: Int, as: R.Type, method: String, endpoint: String) throws
        -> [Result<R, RPCError>]
    {
        let envelopes: [Envelope<R>]
        do { envelopes = try JSONDecoder().decode([Envelope<R>].self, from: data) } catch {
            if let single = try? JSONDecoder().decode(Envelope<R>.self, from: data), let e = single.error {
                throw RPCError.batchRefused(endpoint: endpoint, code: e.code, message: e.message)
            }
            throw RPCError.malformed(endpoint: endpoint, "\(method) batch: \(describe(error))")
        }
        var byID: [Int: Envelope<R>] = [:]
        for e in envelopes { if let id = e.id { byID[id] = e } }
        return try (0..<count).map { id in
            guard let envelope = byID[id] else { throw RPCError.malformed(endpoint: endpoint, "\(method) batch: no answer for \(id)") }
            if let error = envelope.error { return .failure(RPCError.rpc(endpoint: endpoint, code: error.code, message: error.message)) }
            return .success(try envelope.value(method: method, endpoint: endpoint))
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return "data corrupted at \(path(c.codingPath)): \(c.debugDescription)"
        case DecodingError.keyNotFound(let key, let c): return "missing \(path(c.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let c): return "wrong type at \(path(c.codingPath))"
        case DecodingError.valueNotFound(_, let c): return "null at \(path(c.codingPath))"
        default: return "\(error)"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// Whether the network's nodes currently take JSON-RPC batches. After a refusal calls go one by
/// one; batches are tried again later, because the refusing endpoint may have been failed over.
final class BatchSupport: Sendable {
    let retryAfter: Duration
    private let refusedUntil = Mutex<ContinuousClock.Instant?>(nil)

    init(retryAfter: Duration) { self.retryAfter = retryAfter }

    var refused: Bool { refusedUntil.withLock { until in until.map { ContinuousClock.now < $0 } ?? false } }
    func markRefused() { refusedUntil.withLock { $0 = ContinuousClock.now + retryAfter } }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

/// What an endpoint must show before it is used: that it serves the configured chain.
public struct EndpointIdentityCheck: Sendable {
    /// The chain expected, for messages (`chain id 1`, `genesis …2b6653dc`).
    public let expected: String
    /// Throws `RPCError.wrongChain` when the endpoint serves another chain, any other error when
    /// it cannot tell.
    public let check: @Sendable (EndpointProbe) async throws -> Void

    /// A check.
    public init(expected: String, check: @escaping @Sendable (EndpointProbe) async throws -> Void) {
        self.expected = expected
        self.check = check
    }
}

/// Calls on one endpoint only, without failover or retries: what an identity check needs.
public struct EndpointProbe: Sendable {
    let client: NodeClient
    let endpoint: RPCEndpoint

    /// The endpoint's label (scheme and host), for messages.
    public var label: String { endpoint.label }

    /// One JSON-RPC call.
    public func call<R: Decodable & Sendable>(_ method: String, _ params: [JSONParam], as: R.Type = R.self) async throws -> R {
        let body = try JSONEncoder().encode(NodeClient.RPCRequest(id: 1, method: method, params: params))
        let data = try await client.post(endpoint: endpoint, path: "", body: body)
        return try NodeClient.decodeEnvelope(data, as: R.self, method: method, endpoint: endpoint.label)
    }

    /// One plain HTTP JSON call.
    public func post<R: Decodable & Sendable>(path: String, json body: Data, as: R.Type = R.self) async throws -> R {
        let data = try await client.post(endpoint: endpoint, path: path, body: body)
        do { return try JSONDecoder().decode(R.self, from: data) } catch {
            throw RPCError.malformed(endpoint: endpoint.label, NodeClient.describe(error))
        }
    }
}

extension NodeClient {
    /// The endpoints a pinned run chose, by client pool.
    @TaskLocal static var pin: EndpointPin?
}

/// Which endpoint each client uses inside one pinned run.
final class EndpointPin: Sendable {
    private let chosen = Mutex<[ObjectIdentifier: Int]>([:])

    func choice(_ key: ObjectIdentifier) -> Int? { chosen.withLock { $0[key] } }
    func choose(_ index: Int, for key: ObjectIdentifier) { chosen.withLock { $0[key] = index } }
    /// Forgets the choice (the endpoint was demoted) and returns it.
    func take(_ key: ObjectIdentifier) -> Int? { chosen.withLock { $0.removeValue(forKey: key) } }
}
