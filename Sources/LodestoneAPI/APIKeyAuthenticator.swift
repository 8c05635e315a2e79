import Hummingbird
import HTTPTypes
public import LodestoneDomain
public import LodestoneStore
import Crypto
import Foundation
public import LodestoneCore
import Synchronization

/// API key secrets and their stored form.
public enum APIKeySecret {
    /// A new key: `lsk_live_` or `lsk_test_` + 32 random bytes in Base58 (about 190 bits of
    /// entropy after the prefix).
    public static func generate(environment: DeploymentEnvironment) -> String {
        var rng = SystemRandomNumberGenerator()
        return environment.keyPrefix + Base58.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// What the store keeps: hex SHA-256 of the key. Keys are long random strings, so a fast hash
    /// is enough; a slow KDF would only slow down every request.
    public static func hash(_ key: String) -> String { Hex.encode(SHA256.hash(data: Array(key.utf8))) }

    /// The part of a key that listings show: enough to recognise it, far too little to use it.
    public static func prefix(_ key: String) -> String { String(key.prefix(16)) }

    /// A new key and its record: the key text is returned once and never stored.
    public static func issue(
        name: String, role: APIKeyRole, environment: DeploymentEnvironment, now: Int64, expiresAt: Int64? = nil
    ) -> (key: String, record: APIKeyRecord) {
        let key = generate(environment: environment)
        return (
            key,
            APIKeyRecord(
                id: ResourceID.make("key"), name: name, role: role, hash: hash(key), createdAt: now, prefix: prefix(key),
                expiresAt: expiresAt, environment: environment)
        )
    }
}

/// Resolves `Authorization: Bearer <key>` (or Basic with the key as user name) to a stored key.
/// Known keys are cached for two seconds, so a revocation made on another instance sharing the
/// database is honoured within that time; a revocation made here drops the entry at once.
public final class APIKeyAuthenticator: Sendable {
    private let store: any Store
    private let now: @Sendable () -> Int64
    private let cacheMillis: Int64
    private let cache = Mutex<[String: (record: APIKeyRecord, fetchedAt: Int64)]>([:])
    /// How often `last_used_at` is written for a busy key.
    static let touchIntervalMillis: Int64 = 60_000

    /// An authenticator over the store's keys; `now` is unix milliseconds.
    public init(store: any Store, now: @escaping @Sendable () -> Int64, cacheMillis: Int64 = 2_000) {
        self.store = store
        self.now = now
        self.cacheMillis = cacheMillis
    }

    /// The caller's key, or a 401 saying why not.
    func authenticate(_ request: Request) async throws -> APIKeyRecord {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "unauthorized", "send the API key as Authorization: Bearer <key>", param: "Authorization")
        }
        guard let key = Self.key(from: header), !key.isEmpty, key.utf8.count <= 256 else {
            throw APIError(.unauthorized, "unauthorized", "Authorization must be Bearer <key> or Basic with the key as user name", param: "Authorization")
        }
        let hash = APIKeySecret.hash(key)
        let now = now()
        var record: APIKeyRecord
        if let cached = cache.withLock({ $0[hash] }), now - cached.fetchedAt < cacheMillis, now >= cached.fetchedAt,
            Self.constantTimeEqual(cached.record.hash, hash)
        {
            record = cached.record
        } else {
            guard let stored = try await store.apiKey(hash: hash), Self.constantTimeEqual(stored.hash, hash) else {
                cache.withLock { _ = $0.removeValue(forKey: hash) }
                throw APIError(.unauthorized, "unauthorized", "unknown API key", param: "Authorization")
            }
            record = stored
            if stored.refusal(now: now) == nil, (stored.lastUsedAt ?? 0) + Self.touchIntervalMillis <= now {
                try await store.touchAPIKey(id: stored.id, now: now)
                record.lastUsedAt = now
            }
            let fresh = record
            cache.withLock { cache in
                if cache.count > 10_000 { cache.removeAll() }
                cache[hash] = (fresh, now)
            }
        }
        if let refusal = record.refusal(now: now) {
            throw APIError(.unauthorized, "unauthorized", refusal, param: "Authorization")
        }
        return record
    }

    /// Drops a key from the cache (it was revoked here), so the next request reads the store.
    public func forget(keyID: String) {
        cache.withLock { cache in cache = cache.filter { $0.value.record.id != keyID } }
    }

    static func key(from header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased()
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        if scheme == "bearer" { return value }
        if scheme == "basic", let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8) {
            return String(text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        }
        return nil
    }

    /// Compares two equal-length ASCII strings without an early exit.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

extension APIKeyAuthenticator {
    /// Why `key` would be refused now, or nil when it would be accepted (for operators' tools and tests).
    public func check(_ key: String) async throws -> String? {
        var request = HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/")
        request.headerFields[.authorization] = "Bearer \(key)"
        do {
            _ = try await authenticate(Request(head: request, body: .init(buffer: .init())))
            return nil
        } catch let error as APIError where error.status == .unauthorized {
            return error.message
        }
    }
}
