import Hummingbird
import LodestoneDomain
import LodestoneStore
import Crypto
import Foundation
import LodestoneCore
import Synchronization

/// API key secrets and their stored form.
public enum APIKeySecret {
    /// A new key: `lsk_` + 32 random bytes in Base58 (about 190 bits of entropy after the prefix).
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        return "lsk_" + Base58.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// What the store keeps: hex SHA-256 of the key. Keys are long random strings, so a fast hash
    /// is enough; a slow KDF would only slow down every request.
    public static func hash(_ key: String) -> String { Hex.encode(SHA256.hash(data: Array(key.utf8))) }
}

/// Resolves `Authorization: Bearer <key>` (or Basic with the key as user name) to a stored key.
/// Known keys are cached for a minute so most requests skip the database.
final class APIKeyAuthenticator: Sendable {
    private let store: any Store
    private let cache = Mutex<[String: (record: APIKeyRecord, expires: ContinuousClock.Instant)]>([:])

    init(store: any Store) { self.store = store }

    func authenticate(_ request: Request) async throws -> APIKeyRecord {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "unauthorized", "send the API key as Authorization: Bearer <key>", param: "Authorization")
        }
        guard let key = Self.key(from: header), !key.isEmpty, key.utf8.count <= 256 else {
            throw APIError(.unauthorized, "unauthorized", "Authorization must be Bearer <key> or Basic with the key as user name", param: "Authorization")
        }
        let hash = APIKeySecret.hash(key)
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[hash] }), cached.expires > now, Self.constantTimeEqual(cached.record.hash, hash) {
            return cached.record
        }
        guard let record = try await store.apiKey(hash: hash), Self.constantTimeEqual(record.hash, hash) else {
            throw APIError(.unauthorized, "unauthorized", "unknown API key", param: "Authorization")
        }
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[hash] = (record, now + .seconds(60))
        }
        return record
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
