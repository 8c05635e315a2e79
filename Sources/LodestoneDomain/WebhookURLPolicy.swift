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
            return URLProblem("url host \(host) resolves to \(bad), which is not a public address (loopback, private, link-local, reserved or a translated IPv4 form)")
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

    /// False for every range a webhook must never reach: loopback, private, link-local, shared
    /// (CGNAT), unspecified, multicast, broadcast, reserved and documentation ranges, and the IPv6
    /// forms that carry or translate to an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo),
    /// which could smuggle a private IPv4 address past a check of the IPv6 text.
    public var isPublic: Bool {
        switch self {
        case .v4(let b):
            switch (b[0], b[1], b[2]) {
            case (0, _, _), (10, _, _), (127, _, _), (169, 254, _), (192, 168, _): return false
            case (172, 16...31, _), (100, 64...127, _), (198, 18...19, _): return false
            case (192, 0, 0), (192, 0, 2), (192, 88, 99), (198, 51, 100), (203, 0, 113): return false
            case (224...255, _, _): return false  // multicast, reserved, broadcast
            default: return true
            }
        case .v6(let b):
            let word = { (i: Int) in UInt16(b[2 * i]) << 8 | UInt16(b[2 * i + 1]) }
            if b[0..<12].allSatisfy({ $0 == 0 }) { return false }  // ::, ::1, IPv4-compatible ::a.b.c.d
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return false }  // ::ffff:a.b.c.d
            if word(0) == 0x0064 && word(1) == 0xff9b { return false }  // NAT64 64:ff9b::/96 and 64:ff9b:1::/48
            if word(0) == 0x0100 && word(1) == 0 && word(2) == 0 && word(3) == 0 { return false }  // discard 100::/64
            if word(0) == 0x2002 { return false }  // 6to4
            if word(0) == 0x2001 && word(1) == 0 { return false }  // Teredo 2001::/32
            if word(0) == 0x2001 && word(1) & 0xffe0 == 0x0020 || word(0) == 0x2001 && word(1) & 0xfff0 == 0x0010 { return false }  // ORCHID
            if word(0) == 0x2001 && word(1) == 0x0db8 { return false }  // documentation 2001:db8::/32
            if word(0) & 0xfff0 == 0x3ff0 { return false }  // documentation 3fff::/20
            if b[0] & 0xfe == 0xfc { return false }  // unique local fc00::/7
            if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return false }  // link-local fe80::/10
            if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return false }  // site-local fec0::/10
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
