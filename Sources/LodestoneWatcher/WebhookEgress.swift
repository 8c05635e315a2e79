import AsyncHTTPClient
import Foundation
public import LodestoneDomain
import NIOCore
import NIOHTTP1
import NIOPosix

/// The only way Lodestone sends a request to a merchant's URL. Each delivery resolves the host
/// once, checks every answer against the policy, and connects to the checked address (Host header
/// and TLS name still from the URL), so a DNS answer that changes after the check cannot steer the
/// request. Redirects are never followed: a 3xx is a failed attempt. At most `maxResponseBytes`
/// of the answer are read, within the timeout.
public struct WebhookEgress: Sendable {
    let resolver: HostResolver
    let policy: WebhookURLPolicy
    let timeout: Duration
    let maxResponseBytes: Int

    /// An egress with `policy`, resolving names with `resolver`.
    public init(
        policy: WebhookURLPolicy, resolver: HostResolver = .system, timeout: Duration = .seconds(10), maxResponseBytes: Int = 16 * 1024
    ) {
        self.policy = policy
        self.resolver = resolver
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// What one POST came to.
    public struct Outcome: Sendable, Equatable {
        /// The HTTP status, when an answer came.
        public let status: Int?
        /// Why it did not count as delivered, nil for a 2xx.
        public let problem: String?
    }

    /// POSTs `body` with `headers` to `url`.
    public func post(_ url: String, headers: [(name: String, value: String)], body: [UInt8]) async throws -> Outcome {
        let target: PinnedTarget
        switch await resolver.pin(url, policy: policy) {
        case .failure(let problem): return Outcome(status: nil, problem: problem.description)
        case .success(let pinned): target = pinned
        }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)),
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        if IPAddress(target.host) == nil { configuration.dnsOverride = [target.host: target.address.connectText] }
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        let outcome: Outcome
        do {
            outcome = try await send(client, url: url, headers: headers, body: body)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return outcome
    }

    private func send(_ client: HTTPClient, url: String, headers: [(name: String, value: String)], body: [UInt8]) async throws -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let deadline = ContinuousClock.now + timeout
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(timeout.components.seconds * 1_000_000_000))
            let status = Int(response.status.code)
            // Read a little of the answer (receivers may say why they refused), never all of it.
            var read = 0
            for try await chunk in response.body {
                read += chunk.readableBytes
                if read >= maxResponseBytes || ContinuousClock.now >= deadline { break }
            }
            switch status {
            case 200..<300: return Outcome(status: status, problem: nil)
            case 300..<400: return Outcome(status: status, problem: "HTTP \(status): redirects are not followed")
            default: return Outcome(status: status, problem: "HTTP \(status)")
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return Outcome(status: nil, problem: "no answer within \(timeout)")
        } catch {
            return Outcome(status: nil, problem: "\(error)")
        }
    }
}

extension IPAddress {
    /// Text a socket connect takes: dotted IPv4, or IPv6 without brackets.
    var connectText: String { description }
}
