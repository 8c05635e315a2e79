import Foundation
public import LodestoneDomain
import NIOPosix

/// Resolves host names to addresses. The system resolver runs getaddrinfo on the NIO thread pool,
/// so no task thread blocks; tests give scripted answers.
public struct HostResolver: Sendable {
    let lookupHost: @Sendable (String) async -> [IPAddress]

    /// A resolver answering with `lookup` for names (literal addresses resolve to themselves).
    public init(_ lookup: @escaping @Sendable (String) async -> [IPAddress]) { lookupHost = lookup }

    /// getaddrinfo.
    public static let system = HostResolver { host in
        (try? await NIOThreadPool.singleton.runIfActive { HostResolver.lookup(host) }) ?? []
    }

    /// Every address `host` resolves to; a literal address resolves to itself.
    public func resolve(_ host: String) async -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        return await lookupHost(host)
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
    public func problem(with url: String, policy: WebhookURLPolicy) async -> String? {
        switch await pin(url, policy: policy) {
        case .failure(let problem): return problem.description
        case .success: return nil
        }
    }

    /// Resolves `url`'s host once and checks every answer against `policy`: the address to connect
    /// to, so the connection goes exactly where the check looked.
    public func pin(_ url: String, policy: WebhookURLPolicy) async -> Result<PinnedTarget, WebhookURLPolicy.URLProblem> {
        switch WebhookURLPolicy.parse(url) {
        case .failure(let problem): return .failure(problem)
        case .success(let target):
            let addresses = await resolve(target.host)
            if let problem = policy.check(resolved: addresses, host: target.host) { return .failure(problem) }
            return .success(PinnedTarget(host: target.host, port: target.port, address: addresses[0]))
        }
    }
}

/// A webhook URL's host and the checked address a delivery connects to.
public struct PinnedTarget: Sendable, Equatable {
    /// The URL's host name (the Host header and the TLS name).
    public let host: String
    /// The port.
    public let port: Int
    /// The address that was checked and is connected to.
    public let address: IPAddress
}
