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

/// A router over a fresh store with a service key and an operator key in each environment.
struct APIHarness: Sendable {
    let store: SQLStore
    let deps: APIDependencies
    let clock: TestClock
    let routes: [RouteDescription]
    let app: Application<RouterResponder<APIRequestContext>>
    let serviceKey: String
    let operatorKey: String
    let sandboxServiceKey: String
    let sandboxOperatorKey: String

    static func with(
        _ backend: Backend, rateLimit: Int = 100_000, live: Bool = false, networks: [NetworkID] = NetworkID.production,
        unwatched: Set<NetworkID> = [], progress: ScanProgressBoard = ScanProgressBoard(), addressPools: [NetworkID: Int] = [:],
        transactionChecker: (any TransactionChecking)? = nil, sharedRateLimit: Bool = false,
        _ body: @Sendable (APIHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await StoreFixture.with(backend) { store in
            let clock = TestClock()
            let serviceKey = APIKeySecret.generate(environment: .production)
            let operatorKey = APIKeySecret.generate(environment: .production)
            let sandboxServiceKey = APIKeySecret.generate(environment: .sandbox)
            let sandboxOperatorKey = APIKeySecret.generate(environment: .sandbox)
            try await store.createAPIKey(
                APIKeyRecord(id: "key_s", name: "shop", role: .service, hash: APIKeySecret.hash(serviceKey), createdAt: 0))
            try await store.createAPIKey(
                APIKeyRecord(id: "key_o", name: "ops", role: .operator, hash: APIKeySecret.hash(operatorKey), createdAt: 0))
            try await store.createAPIKey(
                APIKeyRecord(
                    id: "key_ts", name: "test-shop", role: .service, hash: APIKeySecret.hash(sandboxServiceKey), createdAt: 0, environment: .sandbox))
            try await store.createAPIKey(
                APIKeyRecord(
                    id: "key_to", name: "test-ops", role: .operator, hash: APIKeySecret.hash(sandboxOperatorKey), createdAt: 0, environment: .sandbox))
            let deps = APIDependencies(
                store: store, assets: AssetRegistry(assets: networks.flatMap(AssetCatalog.defaults(for:))),
                issuer: TestKeys.issuer, networks: networks.map { NetworkStatus(id: $0, enabled: true, watched: !unwatched.contains($0)) },
                limiter: RateLimiter(limit: rateLimit, windowSeconds: 60, shared: sharedRateLimit ? store : nil), now: clock.now,
                openAPIDocument: APIResources.openAPIDocument,
                webhookURLProblem: { url in
                    // The deployment's policy without DNS: literal addresses only, private ones refused.
                    switch WebhookURLPolicy.parse(url) {
                    case .failure(let problem): return problem.description
                    case .success(let target):
                        return IPAddress(target.host).flatMap {
                            WebhookURLPolicy(allowPrivate: false).check(resolved: [$0], host: target.host)?.description
                        }
                    }
                }, progress: progress, addressPools: addressPools, transactionChecker: transactionChecker)
            let (router, routes) = APIRouterBuilder.build(deps)
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            let harness = APIHarness(
                store: store, deps: deps, clock: clock, routes: routes, app: app, serviceKey: serviceKey,
                operatorKey: operatorKey, sandboxServiceKey: sandboxServiceKey, sandboxOperatorKey: sandboxOperatorKey)
            try await app.test(live ? .live : .router) { client in try await body(harness, client) }
        }
    }
}

/// A decoded response.
struct Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
    var errorParam: String? { error["param"] as? String }
    var data: [[String: Any]] { json["data"] as? [[String: Any]] ?? [] }
}

extension TestClientProtocol {
    /// Sends a request with a key (service by default) and an optional JSON body.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, key: String?, json: String? = nil, contentType: String = "application/json",
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) {
            Reply(status: $0.status, headers: $0.headers, text: String(buffer: $0.body))
        }
    }
}
