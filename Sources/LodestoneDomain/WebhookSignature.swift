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
        sign(body: body, secrets: [secret], timestamp: timestamp)
    }

    /// The header value signed with each of `secrets` (during a rotation: `t=…,v1=<new>,v1=<old>`).
    public static func sign(body: [UInt8], secrets: [String], timestamp: Int64) -> String {
        (["t=\(timestamp)"] + secrets.map { "v1=" + digest(body: body, secret: $0, timestamp: timestamp) }).joined(separator: ",")
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

    /// A new signing secret: `whsec_` and 32 random bytes in base64, the form Standard Webhooks
    /// libraries take as it is.
    public static func newSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        return "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }).base64EncodedString()
    }
}

/// The Standard Webhooks headers (standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, space-separated
/// during a rotation, so receivers can verify with the `standardwebhooks` library of their language.
public enum StandardWebhookSignature {
    /// The headers for `body`, signed with every secret that has the Standard Webhooks form
    /// (`whsec_` + base64); nil when none has it (secrets made before that form was used).
    public static func headers(id: String, body: [UInt8], secrets: [String], timestamp: Int64) -> [(name: String, value: String)]? {
        let keys = secrets.compactMap(key(of:))
        guard !keys.isEmpty else { return nil }
        let message = Array("\(id).\(timestamp).".utf8) + body
        let signatures = keys.map { key in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))).base64EncodedString()
        }
        return [
            ("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signatures.joined(separator: " ")),
        ]
    }

    /// The HMAC key of a `whsec_<base64>` secret.
    static func key(of secret: String) -> [UInt8]? {
        guard secret.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(secret.dropFirst(6))), bytes.count >= 16 else {
            return nil
        }
        return Array(bytes)
    }
}
