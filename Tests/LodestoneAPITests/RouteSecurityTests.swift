import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import NIOCore
import TestSupport
import Testing

/// Every route the router has × every way of spelling its path × every kind of bad credential,
/// over a real HTTP connection: never a 2xx, never a 5xx. The route list comes from the router,
/// so a route added later is covered without touching this test.
@Suite struct RouteSecurityTests {
    /// Spellings of `path` that a router and an auth layer might read differently.
    static func variants(of path: String) -> [String] {
        let rest = path.dropFirst()  // without the leading "/"
        var out = [
            "/" + path,  // //v1/…
            path.replacingOccurrences(of: "/v1/", with: "/v1//"),
            "/." + path,
            "/v1/.." + path,
            path + "/",
            path.uppercased(),
            "/" + rest.replacingOccurrences(of: "/", with: "%2F"),
            "/" + rest.replacingOccurrences(of: "/", with: "%2f"),
            path.replacingOccurrences(of: "/v1/", with: "/v1/./"),
            path.replacingOccurrences(of: "/v1/", with: "/v1/%2E/"),
        ]
        out.removeAll { $0 == path }
        return out
    }

    /// A concrete path for a route template: every `{param}` filled in.
    static func concrete(_ template: String) -> String {
        template.replacingOccurrences(of: #"\{[a-z_]+\}"#, with: "x1", options: .regularExpression)
    }

    @Test(arguments: Backend.available)
    func noPathSpellingOrBadCredentialReachesAHandler(_ backend: Backend) async throws {
        try await APIHarness.with(backend, live: true) { h, c in
            let now = h.clock.now()
            let revoked = APIKeySecret.issue(name: "revoked", role: .operator, environment: .production, now: 0)
            let expired = APIKeySecret.issue(name: "expired", role: .operator, environment: .production, now: 0, expiresAt: now - 1)
            try await h.store.createAPIKey(revoked.record)
            try await h.store.createAPIKey(expired.record)
            _ = try await h.store.revokeAPIKey(id: revoked.record.id, at: now - 1, actor: "test", now: now)
            let credentials: [(String, String?)] = [
                ("none", nil), ("malformed", "Bearer"), ("unknown", "Bearer lsk_" + String(repeating: "A", count: 44)),
                ("revoked", "Bearer \(revoked.key)"), ("expired", "Bearer \(expired.key)"),
            ]
            var checked = 0
            for route in h.routes where route.access != .public {
                let method = HTTPRequest.Method(route.method)!
                let path = Self.concrete(route.path)
                var cases = credentials
                if route.access == .operator { cases.append(("service key on an operator route", "Bearer \(h.serviceKey)")) }
                for (label, authorization) in cases {
                    for spelling in [path] + Self.variants(of: path) {
                        var headers = HTTPFields()
                        if let authorization { headers[.authorization] = authorization }
                        headers[.contentType] = "application/json"
                        let status = try await c.execute(
                            uri: spelling, method: method, headers: headers, body: ByteBuffer(string: "{}")
                        ) { $0.status }
                        #expect(
                            !(200..<300).contains(status.code) && status.code < 500,
                            "\(route.method) \(spelling) with \(label) answered \(status.code)")
                        checked += 1
                    }
                }
                // The matrix is only meaningful if the right key does reach the handler.
                let key = route.access == .operator ? h.operatorKey : h.serviceKey
                let reached = try await c.call(method, path, key: key, json: "{}")
                #expect(![401, 403].contains(reached.status.code), "\(route) refused its own role: \(reached.text)")
                // The other spellings stay refused even with the right key.
                for spelling in Self.variants(of: path) {
                    let status = try await c.execute(
                        uri: spelling, method: method, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                        body: ByteBuffer(string: "{}")
                    ) { $0.status }
                    #expect(!(200..<300).contains(status.code) && status.code < 500, "\(route.method) \(spelling) answered \(status.code)")
                }
            }
            #expect(checked > 1_000)
            // Public routes: refused in any other spelling too, never a 5xx.
            for route in h.routes where route.access == .public {
                for spelling in Self.variants(of: route.path) {
                    let status = try await c.execute(uri: spelling, method: .get, headers: [:], body: nil) { $0.status }
                    #expect(status.code != 200 && status.code < 500, "\(spelling) answered \(status.code)")
                }
            }
        }
    }

    @Test(arguments: [
        ("/v1/customers", nil), ("/", nil), ("/v1/addresses/0xAbC", nil), ("/v1/addresses/bc1q%20x", nil),
        ("//v1/customers", "//"), ("/v1//customers", "//"), ("/./v1/customers", ". or .."), ("/v1/../v1/customers", ". or .."),
        ("/v1/customers/", "end with /"), ("/v1%2Fcustomers", "percent-encode"), ("/v1/%2e%2e/x", "percent-encode"),
        ("/v1/customers%5C", "percent-encode"), ("/v1/a%zz", "malformed"), ("/v1/a%2", "malformed"), ("/v1\\customers", "not allowed"),
    ] as [(String, String?)])
    func canonicalPathRule(_ path: String, _ problem: String?) {
        let found = CanonicalPath.problem(path)
        if let problem {
            #expect(found?.contains(problem) == true, "\(path): \(found ?? "accepted")")
        } else {
            #expect(found == nil, "\(path): \(found ?? "")")
        }
    }
}
