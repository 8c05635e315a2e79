import Foundation
import HTTPTypes
import HummingbirdTesting
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// Production and sandbox never cross: for every route, a key of one environment neither sees
/// nor changes the other's customers, addresses, intents, deposits, balances, events, webhook
/// endpoints, keys, assets or audit records; it is told which environment the thing belongs to.
@Suite struct EnvironmentIsolationTests {
    /// What one environment holds, made through the API with its own keys.
    struct Holdings: Sendable {
        let environment: DeploymentEnvironment
        let service: String
        let `operator`: String
        let network: NetworkID
        let asset: String
        let customer: String
        let externalID: String
        let address: String
        let intent: String
        let deposit: String
        let event: String
        let endpoint: String
        let key: String
        let txHash: String
    }

    static let networks = NetworkID.production + [.ethereumSepolia, .bitcoinRegtest]

    /// Seeds one environment: a customer with an address, an open intent, a second customer with a
    /// credited deposit (so events and a balance exist), a webhook endpoint and an extra key.
    static func seed(_ h: APIHarness, _ c: some TestClientProtocol, _ environment: DeploymentEnvironment) async throws -> Holdings {
        let live = environment == .production
        let service = live ? h.serviceKey : h.sandboxServiceKey
        let op = live ? h.operatorKey : h.sandboxOperatorKey
        let network: NetworkID = live ? .ethereum : .ethereumSepolia
        let asset = live ? "USDC-Ethereum" : "USDC-Sepolia"
        func post(_ path: String, _ key: String, _ json: String) async throws -> [String: Any] {
            let r = try await c.call(.post, path, key: key, json: json)
            #expect(r.status == .created || r.status == .ok, "\(path): \(r.text)")
            return r.json
        }
        // The same external id in both environments: each has its own namespace.
        let customer = try #require(try await post("/v1/customers", service, #"{"external_id":"shared-ref"}"#)["id"] as? String)
        let address = try #require(
            try await post("/v1/customers/\(customer)/addresses", service, #"{"network":"\#(network.rawValue)"}"#)["address"] as? String)
        let intent = try #require(
            try await post("/v1/payment_intents", service, #"{"asset":"\#(asset)","amount":"10","customer":"\#(customer)"}"#)["id"] as? String)
        let endpoint = try #require(
            try await post("/v1/webhook_endpoints", op, #"{"url":"https://93.184.216.34/\#(environment)","events":["deposit.confirmed"]}"#)["id"] as? String)
        let key = try #require(try await post("/v1/api_keys", op, #"{"name":"extra-\#(environment)","role":"service"}"#)["id"] as? String)
        let txHash = "0x" + String(repeating: live ? "a" : "b", count: 64)
        let o = DepositObservation(
            network: network, assetID: asset, address: address, customerID: customer, amount: try Amount(decimal: "14", decimals: 6),
            txHash: txHash, position: 0, blockNumber: 1, blockHash: "0x" + String(repeating: "c", count: 64))
        let (deposit, _) = try await h.store.recordDeposit(o, minimum: .zero, now: h.clock.now())
        // 14 paid against an intent of 10: the intent succeeds and 4 go to the balance.
        _ = try await h.store.creditDeposit(id: deposit.id, now: h.clock.now())
        var filter = EventFilter(type: .depositConfirmed)
        filter.environment = environment
        let event = try #require(try await h.store.events(filter, page: 1, pageSize: 100).items.first?.id)
        return Holdings(
            environment: environment, service: service, operator: op, network: network, asset: asset, customer: customer,
            externalID: "shared-ref", address: address, intent: intent, deposit: deposit.id, event: event, endpoint: endpoint, key: key, txHash: txHash)
    }

    /// How one route is tried by `mine`'s keys against `theirs`: a refusal, or a listing that
    /// must not name anything of theirs.
    enum Expectation {
        case refused
        case listsNoneOf([String])
    }

    struct Probe: Sendable {
        let method: HTTPRequest.Method
        let template: String
        let operatorKey: Bool
        let call: @Sendable (_ mine: Holdings, _ theirs: Holdings) -> (uri: String, json: String?)
        let expect: @Sendable (_ theirs: Holdings) -> Expectation
    }

    static func probe(
        _ method: HTTPRequest.Method, _ template: String, operator op: Bool = false,
        _ call: @escaping @Sendable (Holdings, Holdings) -> (String, String?), _ expect: @escaping @Sendable (Holdings) -> Expectation = { _ in .refused }
    ) -> Probe {
        Probe(method: method, template: template, operatorKey: op, call: { call($0, $1) }, expect: expect)
    }

    /// One entry per route (the test checks none is missing).
    static let probes: [Probe] = [
        probe(.get, "/v1/networks", { _, _ in ("/v1/networks", nil) }) { t in .listsNoneOf([t.network.rawValue]) },
        probe(.get, "/v1/assets", { _, _ in ("/v1/assets", nil) }) { t in .listsNoneOf([t.asset]) },
        probe(.patch, "/v1/assets/{id}", operator: true, { _, t in ("/v1/assets/\(t.asset)", #"{"confirmations":7}"#) }),
        probe(.get, "/v1/audit_events", operator: true, { _, _ in ("/v1/audit_events?page_size=100", nil) }) { t in .listsNoneOf([t.key, t.endpoint]) },
        probe(.get, "/v1/api_keys", operator: true, { _, _ in ("/v1/api_keys", nil) }) { t in .listsNoneOf([t.key]) },
        probe(.post, "/v1/api_keys", operator: true, { _, t in ("/v1/api_keys", #"{"name":"cross","role":"service","environment":"\#(t.environment)"}"#) }),
        probe(.delete, "/v1/api_keys/{id}", operator: true, { _, t in ("/v1/api_keys/\(t.key)", nil) }),
        // Creating a customer makes one in the caller's environment, with its own external ids.
        probe(.post, "/v1/customers", { _, t in ("/v1/customers", #"{"external_id":"probe-\#(t.environment)"}"#) }) { t in .listsNoneOf([t.customer]) },
        probe(.get, "/v1/customers", { _, _ in ("/v1/customers?include_archived=true&page_size=100", nil) }) { t in .listsNoneOf([t.customer]) },
        probe(.get, "/v1/customers/{id}", { _, t in ("/v1/customers/\(t.customer)", nil) }),
        probe(.patch, "/v1/customers/{id}", { _, t in ("/v1/customers/\(t.customer)", #"{"email":"x@example.com"}"#) }),
        probe(.delete, "/v1/customers/{id}", { _, t in ("/v1/customers/\(t.customer)", nil) }),
        probe(.post, "/v1/customers/{id}/addresses", { _, t in ("/v1/customers/\(t.customer)/addresses", #"{"network":"\#(t.network.rawValue)"}"#) }),
        probe(.get, "/v1/customers/{id}/addresses", { _, t in ("/v1/customers/\(t.customer)/addresses", nil) }),
        probe(.get, "/v1/addresses/{address}", { _, t in ("/v1/addresses/\(t.address)", nil) }),
        probe(.post, "/v1/payment_intents", { m, t in ("/v1/payment_intents", #"{"asset":"\#(t.asset)","amount":"1","customer":"\#(m.customer)"}"#) }),
        probe(.get, "/v1/payment_intents", { _, _ in ("/v1/payment_intents?page_size=100", nil) }) { t in .listsNoneOf([t.intent]) },
        probe(.get, "/v1/payment_intents/{id}", { _, t in ("/v1/payment_intents/\(t.intent)", nil) }),
        probe(.patch, "/v1/payment_intents/{id}", { _, t in ("/v1/payment_intents/\(t.intent)", #"{"merchant_order_id":"x"}"#) }),
        probe(.post, "/v1/payment_intents/{id}/cancel", { _, t in ("/v1/payment_intents/\(t.intent)/cancel", nil) }),
        probe(.get, "/v1/deposits", { _, t in ("/v1/deposits?page_size=100&tx_hash=\(t.txHash)", nil) }) { t in .listsNoneOf([t.deposit]) },
        probe(.get, "/v1/deposits/{id}", { _, t in ("/v1/deposits/\(t.deposit)", nil) }),
        probe(.post, "/v1/deposits/check", operator: true, { _, t in ("/v1/deposits/check", #"{"network":"\#(t.network.rawValue)","tx_hash":"\#(t.txHash)"}"#) }),
        probe(.get, "/v1/customers/{id}/balances", { _, t in ("/v1/customers/\(t.customer)/balances", nil) }),
        probe(.get, "/v1/events", operator: true, { _, _ in ("/v1/events?page_size=100", nil) }) { t in .listsNoneOf([t.event, t.customer]) },
        probe(.get, "/v1/events/{id}", operator: true, { _, t in ("/v1/events/\(t.event)", nil) }),
        probe(.post, "/v1/events/{id}/redeliver", operator: true, { _, t in ("/v1/events/\(t.event)/redeliver", nil) }),
        probe(.post, "/v1/webhook_endpoints", operator: true, { _, t in ("/v1/webhook_endpoints", #"{"url":"https://93.184.216.34/x","events":["deposit.confirmed"]}"#) }) { t in .listsNoneOf([t.endpoint]) },
        probe(.get, "/v1/webhook_endpoints", operator: true, { _, _ in ("/v1/webhook_endpoints", nil) }) { t in .listsNoneOf([t.endpoint]) },
        probe(.delete, "/v1/webhook_endpoints/{id}", operator: true, { _, t in ("/v1/webhook_endpoints/\(t.endpoint)", nil) }),
        probe(.post, "/v1/webhook_endpoints/{id}/rotate_secret", operator: true, { _, t in ("/v1/webhook_endpoints/\(t.endpoint)/rotate_secret", "{}") }),
    ]

    /// What of `h` a key must never change: read straight from the store.
    static func state(_ h: APIHarness, _ x: Holdings) async throws -> String {
        let customer = try #require(try await h.store.customer(id: x.customer))
        let intent = try #require(try await h.store.paymentIntent(id: x.intent))
        let endpoints = try await h.store.webhookEndpoints().filter { $0.id == x.endpoint }.map { "\($0.id) \($0.secret)" }
        let key = try #require(try await h.store.apiKey(id: x.key))
        let threshold = await h.deps.assets.asset(id: x.asset)?.threshold
        let deliveries = try await h.store.deliveries(eventID: x.event).map { "\($0.endpointID):\($0.status.rawValue)" }
        return "\(customer) \(intent) \(endpoints) \(key.revokedAt as Any) \(String(describing: threshold)) \(deliveries)"
    }

    @Test(arguments: Backend.available)
    func noRouteCrossesEnvironments(_ backend: Backend) async throws {
        try await APIHarness.with(backend, networks: Self.networks) { h, c in
            let live = try await Self.seed(h, c, .production)
            let test = try await Self.seed(h, c, .sandbox)
            // Every route that takes a key is in the table.
            let covered = Set(Self.probes.map { "\($0.method.rawValue) \($0.template)" })
            let routes = Set(h.routes.filter { $0.access != .public }.map { "\($0.method) \($0.path)" })
            #expect(covered == routes, "missing: \(routes.subtracting(covered)), unknown: \(covered.subtracting(routes))")
            // Events were owed only to the endpoint of their environment.
            for x in [live, test] {
                #expect(try await h.store.deliveries(eventID: x.event).map(\.endpointID) == [x.endpoint])
                #expect(try await h.store.event(id: x.event)?.environment == x.environment)
            }
            for (mine, theirs) in [(live, test), (test, live)] {
                let before = try await Self.state(h, theirs)
                for probe in Self.probes {
                    let (uri, json) = probe.call(mine, theirs)
                    let key = probe.operatorKey ? mine.operator : mine.service
                    let reply = try await c.call(probe.method, uri, key: key, json: json)
                    let label = "\(mine.environment) key, \(probe.method) \(uri)"
                    switch probe.expect(theirs) {
                    case .refused:
                        #expect([403, 404, 422].contains(reply.status.code), "\(label): \(reply.status) \(reply.text)")
                        #expect(reply.error["code"] as? String == "environment_mismatch", "\(label): \(reply.text)")
                        #expect((reply.error["message"] as? String)?.contains(theirs.environment.rawValue) == true, "\(label) names the environment")
                    case .listsNoneOf(let ids):
                        #expect(reply.status.code < 300, "\(label): \(reply.status) \(reply.text)")
                        // Quoted: "ethereum" must not match inside "ethereum-sepolia".
                        for id in ids { #expect(!reply.text.contains("\"\(id)\""), "\(label) shows \(id)") }
                    }
                }
                #expect(try await Self.state(h, theirs) == before, "\(mine.environment) keys changed \(theirs.environment) data")
                // And the key still sees and changes its own.
                let own = try await c.call(.get, "/v1/customers/\(mine.customer)/balances", key: mine.service)
                #expect(own.status == .ok && own.data.map { $0["amount"] as? String } == ["4"])
                let listed = try await c.call(.get, "/v1/deposits?page_size=100", key: mine.service).data.compactMap { $0["id"] as? String }
                #expect(listed.contains(mine.deposit))
            }
            // Keys carry their environment in their prefix; events say which environment they are of.
            #expect(h.serviceKey.hasPrefix("lsk_live_") && h.sandboxServiceKey.hasPrefix("lsk_test_"))
            let event = try await c.call(.get, "/v1/events/\(test.event)", key: h.sandboxOperatorKey)
            #expect(event.json["livemode"] as? Bool == false && event.json["environment"] as? String == "sandbox")
            let liveEvent = try await c.call(.get, "/v1/events/\(live.event)", key: h.operatorKey)
            #expect(liveEvent.json["livemode"] as? Bool == true)
        }
    }
}
