import Crypto
import Foundation
import LodestoneCore

/// The `Lodestone-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
/// The timestamp is signed with the body so a captured request cannot be replayed later.
public enum WebhookSignature {
    /// Header name.
    public static let header = "Lodestone-Signature"

    /// The header value for `body` sent at `timestamp`.
    public static func sign(body: [UInt8], secret: String, timestamp: Int64) -> String {
        "t=\(timestamp),v1=\(digest(body: body, secret: secret, timestamp: timestamp))"
    }

    static func digest(body: [UInt8], secret: String, timestamp: Int64) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8))))
    }

    /// True when `header` signs `body` with `secret` and its timestamp is within `tolerance` seconds of `now`.
    public static func verify(header: String, body: [UInt8], secret: String, now: Int64, tolerance: Int64 = 300) -> Bool {
        var timestamp: Int64? = nil
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            if kv[0] == "t" { timestamp = Int64(kv[1]) } else if kv[0] == "v1" { signatures.append(kv[1]) }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let expected = Array(digest(body: body, secret: secret, timestamp: timestamp).utf8)
        // Compared in constant time.
        return signatures.contains { s in
            let given = Array(s.utf8)
            guard given.count == expected.count else { return false }
            return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    /// A new signing secret: `whsec_` and 32 random bytes in Base58.
    public static func newSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        return "whsec_" + Base58.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }
}
