import Foundation
import HTTPTypes
import HummingbirdTesting
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

@Suite struct PaymentIntentAPITests {
    static let backends = Backend.available

    @Test(arguments: backends)
    func createGetListCancel(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let customer = try await APITests.createCustomer(c, h)
            let body = #"{"asset":"USDT-Tron","amount":"100.25","customer":"\#(customer)","merchant_order_id":"order-9","metadata":{"cart":3},"expires_in":600}"#
            let created = try await c.call(.post, "/v1/payment_intents", key: h.serviceKey, json: body)
            #expect(created.status == .created)
            let j = created.json
            let id = try #require(j["id"] as? String)
            #expect(id.hasPrefix("pi_"))
            #expect(j["status"] as? String == "requires_payment" && j["amount"] as? String == "100.25")
            #expect(j["amount_received"] as? String == "0" && j["network"] as? String == "tron" && j["asset"] as? String == "USDT-Tron")
            #expect(j["deposit_address"] as? String == TestKeys.expected(.tron, 0))
            #expect(j["confirmations_required"] as? Int == 20 && j["merchant_order_id"] as? String == "order-9")
            #expect((j["metadata"] as? [String: Any])?["cart"] as? Int == 3)
            #expect(j["expires_at"] as? String == "2027-01-15T08:10:00.000Z")
            #expect(try await c.call(.get, "/v1/payment_intents/\(id)", key: h.serviceKey).json["id"] as? String == id)
            #expect(try await c.call(.get, "/v1/payment_intents/pi_nope", key: h.serviceKey).status == .notFound)
            h.clock.advance(seconds: 1)
            _ = try await c.call(.post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"BTC-Bitcoin","amount":"0.001","customer":"\#(customer)"}"#)
            let list = try await c.call(.get, "/v1/payment_intents?customer=\(customer)&status=requires_payment", key: h.serviceKey)
            #expect(list.json["total"] as? Int == 2 && list.data.first?["asset"] as? String == "BTC-Bitcoin")
            #expect(try await c.call(.get, "/v1/payment_intents?merchant_order_id=order-9", key: h.serviceKey).data.count == 1)
            #expect(try await c.call(.get, "/v1/payment_intents?status=paid", key: h.serviceKey).errorParam == "status")
            let canceled = try await c.call(.post, "/v1/payment_intents/\(id)/cancel", key: h.serviceKey)
            #expect(canceled.status == .ok && canceled.json["status"] as? String == "canceled")
            #expect(try await c.call(.post, "/v1/payment_intents/pi_nope/cancel", key: h.serviceKey).status == .notFound)
        }
    }

    @Test(arguments: backends)
    func cancelAfterSuccessIsAConflict(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let customer = try await APITests.createCustomer(c, h)
            let id = try #require(try await c.call(
                .post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"ETH-Base","amount":"1","customer":"\#(customer)"}"#
            ).json["id"] as? String)
            // The tracker marks intents succeeded; here the row is set directly.
            _ = try await h.store.database.transaction { try await $0.query("UPDATE payment_intents SET status = 'succeeded' WHERE id = $1", [.text(id)]) }
            let refused = try await c.call(.post, "/v1/payment_intents/\(id)/cancel", key: h.serviceKey)
            #expect(refused.status == .conflict && refused.error["code"] as? String == "invalid_state")
        }
    }

    @Test(arguments: backends)
    func expiryShowsOnRead(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let customer = try await APITests.createCustomer(c, h)
            let id = try #require(try await c.call(
                .post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"SOL-Solana","amount":"2.5","customer":"\#(customer)","expires_in":60}"#
            ).json["id"] as? String)
            h.clock.advance(seconds: 59)
            #expect(try await c.call(.get, "/v1/payment_intents/\(id)", key: h.serviceKey).json["status"] as? String == "requires_payment")
            h.clock.advance(seconds: 1)
            #expect(try await c.call(.get, "/v1/payment_intents/\(id)", key: h.serviceKey).json["status"] as? String == "expired")
            #expect(try await c.call(.post, "/v1/payment_intents/\(id)/cancel", key: h.serviceKey).status == .conflict)
        }
    }

    @Test(arguments: backends)
    func idempotencyKey(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let customer = try await APITests.createCustomer(c, h)
            var headers = HTTPFields()
            headers[.init("Idempotency-Key")!] = "order-77-attempt"
            let body = #"{"asset":"USDC-Ethereum","amount":"12.5","customer":"\#(customer)"}"#
            let first = try await c.call(.post, "/v1/payment_intents", key: h.serviceKey, json: body, headers: headers)
            // Same body with keys in another order and other spacing is the same request.
            let sameBody = #"{ "customer":"\#(customer)", "amount":"12.5", "asset":"USDC-Ethereum" }"#
            let second = try await c.call(.post, "/v1/payment_intents", key: h.serviceKey, json: sameBody, headers: headers)
            #expect(first.status == .created && second.status == .ok)
            #expect(first.json["id"] as? String == second.json["id"] as? String)
            let other = try await c.call(
                .post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"USDC-Ethereum","amount":"13","customer":"\#(customer)"}"#,
                headers: headers)
            #expect(other.status == .conflict && other.errorParam == "Idempotency-Key")
            var long = HTTPFields()
            long[.init("Idempotency-Key")!] = String(repeating: "k", count: 256)
            #expect(try await c.call(.post, "/v1/payment_intents", key: h.serviceKey, json: body, headers: long).errorParam == "Idempotency-Key")
        }
    }

    @Test(arguments: backends)
    func invalidIntents(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let customer = try await APITests.createCustomer(c, h)
            let cases: [(String, String)] = [
                (#"{"asset":"USDT-Tron","amount":"1.0000001","customer":"\#(customer)"}"#, "amount"),
                (#"{"asset":"USDT-Tron","amount":"0","customer":"\#(customer)"}"#, "amount"),
                (#"{"asset":"USDT-Tron","amount":"-5","customer":"\#(customer)"}"#, "amount"),
                (#"{"asset":"USDT-Tron","amount":"1e3","customer":"\#(customer)"}"#, "amount"),
                (#"{"asset":"USDT-Tron","amount":10,"customer":"\#(customer)"}"#, "amount"),
                (#"{"asset":"DOGE-Tron","amount":"1","customer":"\#(customer)"}"#, "asset"),
                (#"{"asset":"USDT-Tron","amount":"1","customer":"cus_nobody"}"#, "customer"),
                (#"{"asset":"USDT-Tron","amount":"1","customer":"\#(customer)","expires_in":10}"#, "expires_in"),
                (#"{"asset":"USDT-Tron","amount":"1","customer":"\#(customer)","expires_in":1.5}"#, "expires_in"),
                (#"{"asset":"USDT-Tron","amount":"1","customer":"\#(customer)","color":"red"}"#, "color"),
                (#"{"amount":"1","customer":"\#(customer)"}"#, "asset"),
                (#"{"asset":"USDT-Tron","customer":"\#(customer)"}"#, "amount"),
                (#"{"asset":"USDT-Tron","amount":"1"}"#, "customer"),
            ]
            for (body, param) in cases {
                let r = try await c.call(.post, "/v1/payment_intents", key: h.serviceKey, json: body)
                #expect(r.status.code / 100 == 4 && r.errorParam == param, "\(body) → \(r.status) \(r.text)")
            }
            #expect(try await c.call(.get, "/v1/payment_intents", key: h.serviceKey).json["total"] as? Int == 0)
        }
    }

    @Test(arguments: backends)
    func depositsListValidatesFilters(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let empty = try await c.call(.get, "/v1/deposits?asset=USDT-Tron&status=pending", key: h.serviceKey)
            #expect(empty.status == .ok && empty.json["total"] as? Int == 0)
            #expect(try await c.call(.get, "/v1/deposits?status=lost", key: h.serviceKey).errorParam == "status")
            #expect(try await c.call(.get, "/v1/deposits?asset=NOPE", key: h.serviceKey).errorParam == "asset")
            #expect(try await c.call(.get, "/v1/deposits?address=zzz", key: h.serviceKey).errorParam == "address")
        }
    }

    @Test(arguments: backends)
    func balancesAndEventsAfterACredit(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let customer = try await APITests.createCustomer(c, h)
            let address = try #require(try await c.call(
                .post, "/v1/customers/\(customer)/addresses", key: h.serviceKey, json: #"{"network":"tron"}"#
            ).json["address"] as? String)
            #expect(try await c.call(.get, "/v1/customers/\(customer)/balances", key: h.serviceKey).data.isEmpty)
            let (deposit, _) = try await h.store.recordDeposit(
                DepositObservation(
                    network: .tron, assetID: "USDT-Tron", address: address, customerID: customer,
                    amount: try Amount(decimal: "12.5", decimals: 6), txHash: "0x01", position: 0, blockNumber: 1, blockHash: "0x02"),
                minimum: .zero, now: 1)
            _ = try await h.store.creditDeposit(id: deposit.id, now: 2)
            let balances = try await c.call(.get, "/v1/customers/\(customer)/balances", key: h.serviceKey).data
            #expect(balances.count == 1 && balances[0]["asset"] as? String == "USDT-Tron" && balances[0]["amount"] as? String == "12.5")
            #expect(try await c.call(.get, "/v1/customers/cus_none/balances", key: h.serviceKey).status == .notFound)
            #expect(try await c.call(.get, "/v1/events", key: h.serviceKey).status == .forbidden)
            let events = try await c.call(.get, "/v1/events", key: h.operatorKey)
            #expect(events.data.map { $0["type"] as? String } == ["deposit.detected", "customer.balance_credited", "deposit.confirmed"])
            #expect((events.data.last?["data"] as? [String: Any])?["amount"] as? String == "12.5")
        }
    }

    @Test(arguments: [Backend.sqlite])
    func rateLimitHeadersAndRefusal(_ backend: Backend) async throws {
        try await APIHarness.with(backend, rateLimit: 3) { h, c in
            for remaining in [2, 1, 0] {
                let r = try await c.call(.get, "/v1/assets", key: h.serviceKey)
                #expect(r.status == .ok)
                #expect(r.headers[.init("X-RateLimit-Limit")!] == "3")
                #expect(r.headers[.init("X-RateLimit-Remaining")!] == String(remaining))
                #expect(Int(r.headers[.init("X-RateLimit-Reset")!] ?? "") != nil)
            }
            let refused = try await c.call(.get, "/v1/assets", key: h.serviceKey)
            #expect(refused.status == .tooManyRequests && refused.error["code"] as? String == "rate_limited")
            #expect(refused.headers[.retryAfter] != nil && refused.headers[.init("X-RateLimit-Remaining")!] == "0")
            // Limits are per key: the operator key still has its own budget.
            #expect(try await c.call(.get, "/v1/assets", key: h.operatorKey).status == .ok)
        }
    }
}
