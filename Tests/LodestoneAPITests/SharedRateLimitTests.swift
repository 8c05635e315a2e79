import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import TestSupport
import Testing

/// Two instances on one database share each key's rate limit.
@Suite struct SharedRateLimitTests {
    @Test(arguments: Backend.available)
    func theLimitHoldsAcrossInstances(_ backend: Backend) async throws {
        try await APIHarness.with(backend, rateLimit: 4, sharedRateLimit: true) { h, first in
            // A second instance: its own router, limiter and key cache over the same database.
            let deps = APIDependencies(
                store: h.store, assets: h.deps.assets, issuer: TestKeys.issuer, networks: h.deps.networks,
                limiter: RateLimiter(limit: 4, windowSeconds: 60, shared: h.store), now: h.clock.now, openAPIDocument: "")
            let (router, _) = APIRouterBuilder.build(deps)
            try await Application(router: router).test(.router) { second in
                var statuses: [HTTPResponse.Status] = []
                var remaining: [String] = []
                for client in [first, second, first, second, first, second] as [any TestClientProtocol] {
                    let reply = try await client.call(.get, "/v1/customers", key: h.serviceKey)
                    statuses.append(reply.status)
                    remaining.append(reply.headers[HTTPField.Name("X-RateLimit-Remaining")!] ?? "")
                }
                #expect(statuses == [.ok, .ok, .ok, .ok, .tooManyRequests, .tooManyRequests], "4 per window in all")
                #expect(remaining == ["3", "2", "1", "0", "0", "0"])
                // Another key has its own window.
                let other = try await second.call(.get, "/v1/customers", key: h.operatorKey)
                #expect(other.status == .ok)
            }
        }
    }
}
