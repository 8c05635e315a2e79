import Foundation
import HTTPTypes
import HummingbirdTesting
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// Webhook endpoints and event redelivery over the API (operator only).
@Suite struct WebhookAPITests {
    static let backends = Backend.available

    @Test(arguments: backends)
    func endpointsAreCreatedWithASecretShownOnceListedAndDeleted(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let body = #"{"url":"https://8.8.8.8/hooks","events":["deposit.confirmed","payment_intent.succeeded"]}"#
            #expect(try await c.call(.post, "/v1/webhook_endpoints", key: h.serviceKey, json: body).status == .forbidden)
            let created = try await c.call(.post, "/v1/webhook_endpoints", key: h.operatorKey, json: body)
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? String)
            let secret = try #require(created.json["secret"] as? String)
            #expect(secret.hasPrefix("whsec_") && secret.count > 30)
            #expect(created.json["events"] as? [String] == ["deposit.confirmed", "payment_intent.succeeded"])
            let listed = try await c.call(.get, "/v1/webhook_endpoints", key: h.operatorKey)
            #expect(listed.data.map { $0["id"] as? String } == [id])
            #expect(listed.data.allSatisfy { $0["secret"] == nil })
            #expect(try await h.store.webhookEndpoints().first?.secret == secret)
            #expect(try await c.call(.delete, "/v1/webhook_endpoints/\(id)", key: h.operatorKey).status == .ok)
            #expect(try await c.call(.delete, "/v1/webhook_endpoints/\(id)", key: h.operatorKey).status == .notFound)
            #expect(try await c.call(.get, "/v1/webhook_endpoints", key: h.operatorKey).data.isEmpty)
        }
    }

    @Test(arguments: [
        (#"{"url":"https://8.8.8.8/x","events":["deposit.stolen"]}"#, "events"),
        (#"{"url":"https://8.8.8.8/x","events":[]}"#, "events"),
        (#"{"url":"https://8.8.8.8/x","events":"deposit.confirmed"}"#, "events"),
        (#"{"url":"https://8.8.8.8/x"}"#, "events"),
        (#"{"events":["deposit.confirmed"]}"#, "url"),
        (#"{"url":"ftp://8.8.8.8/x","events":["deposit.confirmed"]}"#, "url"),
        (#"{"url":"http://127.0.0.1:8080/x","events":["deposit.confirmed"]}"#, "url"),
        (#"{"url":"http://[::1]/x","events":["deposit.confirmed"]}"#, "url"),
        (#"{"url":"http://192.168.0.10/x","events":["deposit.confirmed"]}"#, "url"),
        (#"{"url":"https://8.8.8.8/x","events":["deposit.confirmed"],"secret":"mine"}"#, "secret"),
    ])
    func badEndpointsAreRefusedNamingTheField(_ body: String, _ field: String) async throws {
        try await APIHarness.with(.sqlite) { h, c in
            let reply = try await c.call(.post, "/v1/webhook_endpoints", key: h.operatorKey, json: body)
            #expect(reply.status == .unprocessableContent || reply.status == .badRequest)
            #expect(reply.errorParam == field, "\(reply.text)")
        }
    }

    @Test(arguments: backends)
    func anEventShowsItsDeliveriesAndCanBeRedelivered(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let created = try await c.call(
                .post, "/v1/webhook_endpoints", key: h.operatorKey, json: #"{"url":"https://8.8.8.8/h","events":["deposit.detected"]}"#)
            let endpoint = try #require(created.json["id"] as? String)
            let customer = try await h.store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
            let (address, _) = try await h.store.issueAddress(customerID: customer, network: .tron, now: 1) { n, i in
                try TestKeys.issuer.derive(network: n, index: i)
            }
            _ = try await h.store.recordDeposit(
                DepositObservation(
                    network: .tron, assetID: "USDT-Tron", address: address.address, customerID: customer,
                    amount: try Amount(decimal: "3", decimals: 6), txHash: "0x01", position: 0, blockNumber: 9, blockHash: "0x09"),
                minimum: .zero, now: h.clock.now())
            let events = try await c.call(.get, "/v1/events", key: h.operatorKey)
            let id = try #require(events.data.first { $0["type"] as? String == "deposit.detected" }?["id"] as? String)
            let detail = try await c.call(.get, "/v1/events/\(id)", key: h.operatorKey)
            let deliveries = try #require(detail.json["deliveries"] as? [[String: Any]])
            #expect(deliveries.count == 1 && deliveries[0]["endpoint"] as? String == endpoint && deliveries[0]["status"] as? String == "pending")
            #expect(try await c.call(.post, "/v1/events/\(id)/redeliver", key: h.operatorKey).status == .accepted)
            #expect(try await c.call(.post, "/v1/events/evt_none/redeliver", key: h.operatorKey).status == .notFound)
            #expect(try await c.call(.get, "/v1/events/evt_none", key: h.operatorKey).status == .notFound)
            #expect(try await c.call(.get, "/v1/events/\(id)", key: h.serviceKey).status == .forbidden)
        }
    }
}
