import Foundation

/// Which webhook URLs Lodestone may call. Loopback, private, link-local and other non-public
/// addresses are refused unless the deployment allows them (tests, development), so an endpoint
/// cannot be used to reach services inside the operator's network.
public struct WebhookURLPolicy: Sendable {
    /// Whether non-public addresses are allowed.
    public let allowPrivate: Bool

    /// A policy.
    public init(allowPrivate: Bool) { self.allowPrivate = allowPrivate }

    /// Host and port of an acceptable `http`/`https` URL, or the reason it is not acceptable.
    public static func parse(_ text: String) -> Result<(host: String, port: Int), URLProblem> {
        guard text.count <= 2048, let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty
        else { return .failure(URLProblem("url must be an absolute http or https URL")) }
        guard url.user == nil, url.password == nil else { return .failure(URLProblem("url must not contain credentials")) }
        let trimmed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return .success((trimmed, url.port ?? (scheme == "https" ? 443 : 80)))
    }

    /// Nil when every address `host` resolved to may be called, else why not.
    public func check(resolved addresses: [IPAddress], host: String) -> URLProblem? {
        guard !addresses.isEmpty else { return URLProblem("url host \(host) does not resolve") }
        guard !allowPrivate else { return nil }
        if let bad = addresses.first(where: { !$0.isPublic }) {
            return URLProblem("url host \(host) resolves to \(bad), a loopback, private or link-local address")
        }
        return nil
    }

    /// Why a URL is refused.
    public struct URLProblem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The reason, for the API's error body.
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

/// An IPv4 or IPv6 address, classified the way an outbound-request guard needs.
public enum IPAddress: Sendable, Equatable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8])

    /// Parses dotted IPv4 or IPv6 text.
    public init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(withUnsafeBytes(of: &v4) { Array($0) })
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            self = .v6(withUnsafeBytes(of: &v6) { Array($0) })
        } else {
            return nil
        }
    }

    /// False for loopback, private, link-local, shared (CGNAT), unspecified, multicast and reserved ranges.
    public var isPublic: Bool {
        switch self {
        case .v4(let b):
            switch (b[0], b[1]) {
            case (0, _), (10, _), (127, _), (169, 254), (192, 168), (255, _): return false
            case (172, 16...31), (100, 64...127), (198, 18...19): return false
            case (224...239, _), (240...254, _): return false
            case (192, 0) where b[2] == 0 || b[2] == 2: return false
            default: return true
            }
        case .v6(let b):
            if b.allSatisfy({ $0 == 0 }) { return false }  // ::
            if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return false }  // ::1
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff {  // ::ffff:a.b.c.d
                return IPAddress.v4(Array(b[12..<16])).isPublic
            }
            if b[0] & 0xfe == 0xfc { return false }  // fc00::/7 unique local
            if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return false }  // fe80::/10 link-local
            if b[0] == 0xff { return false }  // multicast
            return true
        }
    }

    public var description: String {
        switch self {
        case .v4(let b): return b.map(String.init).joined(separator: ".")
        case .v6(let b):
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }.joined(separator: ":")
        }
    }
}
