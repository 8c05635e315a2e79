import Foundation
public import LodestoneDomain
import NIOPosix

/// Resolves host names to addresses (getaddrinfo on the NIO thread pool, so no task thread blocks).
public enum HostResolver {
    /// Every address `host` resolves to; a literal address resolves to itself.
    public static func resolve(_ host: String) async -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        return (try? await NIOThreadPool.singleton.runIfActive { lookup(host) }) ?? []
    }

    static func lookup(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(host, nil, &hints, &result) == 0 else { return [] }
        defer { freeaddrinfo(result) }
        var out: [IPAddress] = []
        var next = result
        while let info = next {
            if let sa = info.pointee.ai_addr {
                switch Int32(sa.pointee.sa_family) {
                case AF_INET:
                    sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                        var a = p.pointee.sin_addr
                        out.append(.v4(withUnsafeBytes(of: &a) { Array($0) }))
                    }
                case AF_INET6:
                    sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                        var a = p.pointee.sin6_addr
                        out.append(.v6(withUnsafeBytes(of: &a) { Array($0) }))
                    }
                default: break
                }
            }
            next = info.pointee.ai_next
        }
        return out
    }

    /// Nil when `url` may receive webhooks under `policy`, else the reason it may not.
    public static func problem(with url: String, policy: WebhookURLPolicy) async -> String? {
        switch WebhookURLPolicy.parse(url) {
        case .failure(let problem): return problem.description
        case .success(let target):
            return policy.check(resolved: await resolve(target.host), host: target.host)?.description
        }
    }
}
