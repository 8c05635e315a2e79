import Foundation
import HTTPTypes
import HummingbirdTesting
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// PATCH and DELETE on customers, PATCH on intents: what changes, what is refused, what is audited.
@Suite struct UpdateRouteTests {
    static func audits(_ h: APIHarness, _ c: any TestClientProtocol, _ action: String) async throws -> [[String: Any]] {
        try await c.call(.get, "/v1/audit_events?page_size=100", key: h.operatorKey).data.filter { $0["action"] as? String == action }
    }

    @Test(arguments: Backend.available)
    func aCustomerPatchChangesOnlyWhatItNames(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let made = try await c.call(
                .post, "/v1/customers", key: h.serviceKey, json: #"{"external_id":"u-1","email":"a@example.com","metadata":{"tier":"gold"}}"#)
            let id = try #require(made.json["id"] as? String)
            _ = try await c.call(.post, "/v1/customers", key: h.serviceKey, json: #"{"external_id":"u-2"}"#)
            let patched = try await c.call(.patch, "/v1/customers/\(id)", key: h.serviceKey, json: #"{"email":"b@example.com","metadata":null}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched.json["email"] as? String == "b@example.com" && patched.json["external_id"] as? String == "u-1")
            #expect(patched.json["metadata"] is NSNull)
            let shown = try await c.call(.get, "/v1/customers/\(id)", key: h.serviceKey)
            #expect(shown.json["email"] as? String == "b@example.com" && shown.json["archived"] as? Bool == false)

            let taken = try await c.call(.patch, "/v1/customers/\(id)", key: h.serviceKey, json: #"{"external_id":"u-2"}"#)
            #expect(taken.status == .conflict && taken.errorParam == "external_id")
            for (json, param) in [(#"{"email":"nope"}"#, "email"), (#"{"external_id":""}"#, "external_id"), (#"{"id":"cus_x"}"#, "id")] {
                let bad = try await c.call(.patch, "/v1/customers/\(id)", key: h.serviceKey, json: json)
                #expect(bad.status == .unprocessableContent && bad.errorParam == param, "\(json): \(bad.text)")
            }
            let missing = try await c.call(.patch, "/v1/customers/cus_nope", key: h.serviceKey, json: #"{"email":"c@example.com"}"#)
            #expect(missing.status == .notFound)

            let audit = try await Self.audits(h, c, "customer.updated")
            #expect(audit.count == 1, "one change, refusals write nothing")
            #expect(audit.first?["actor"] as? String == "apikey:shop" && audit.first?["target"] as? String == id)
            #expect((audit.first?["old_value"] as? String)?.contains("a@example.com") == true)
            #expect((audit.first?["new_value"] as? String)?.contains("b@example.com") == true)
        }
    }

    @Test(arguments: Backend.available)
    func anArchivedCustomerKeepsItsAddressAndItsMoneyButGetsNothingNew(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let id = try #require(try await c.call(.post, "/v1/customers", key: h.serviceKey, json: "{}").json["id"] as? String)
            let address = try #require(
                try await c.call(.post, "/v1/customers/\(id)/addresses", key: h.serviceKey, json: #"{"network":"ethereum"}"#).json["address"] as? String)
            let archived = try await c.call(.delete, "/v1/customers/\(id)", key: h.serviceKey)
            #expect(archived.status == .ok && archived.json["archived"] as? Bool == true && archived.json["archived_at"] is String)
            #expect(try await c.call(.delete, "/v1/customers/\(id)", key: h.serviceKey).json["archived_at"] as? String
                == archived.json["archived_at"] as? String, "archiving twice changes nothing")
            #expect(try await Self.audits(h, c, "customer.archived").count == 1)

            let listed = try await c.call(.get, "/v1/customers", key: h.serviceKey).data.compactMap { $0["id"] as? String }
            #expect(!listed.contains(id))
            let all = try await c.call(.get, "/v1/customers?include_archived=true", key: h.serviceKey).data.compactMap { $0["id"] as? String }
            #expect(all.contains(id))

            let again = try await c.call(.post, "/v1/customers/\(id)/addresses", key: h.serviceKey, json: #"{"network":"tron"}"#)
            #expect(again.status == .conflict && again.error["code"] as? String == "customer_archived")
            let intent = try await c.call(
                .post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"ETH-Ethereum","amount":"1","customer":"\#(id)"}"#)
            #expect(intent.status == .conflict && intent.errorParam == "customer")

            // Money still arrives at the address it was shown, and is credited to its balance.
            let o = DepositObservation(
                network: .ethereum, assetID: "ETH-Ethereum", address: address, customerID: id, amount: try Amount(decimal: "0.5", decimals: 18),
                txHash: "0x" + String(repeating: "a", count: 64), position: -1, blockNumber: 1, blockHash: "0x" + String(repeating: "b", count: 64))
            let (deposit, _) = try await h.store.recordDeposit(o, minimum: .zero, now: 5)
            _ = try await h.store.creditDeposit(id: deposit.id, now: 6)
            let balances = try await c.call(.get, "/v1/customers/\(id)/balances", key: h.serviceKey).data
            #expect(balances.map { $0["amount"] as? String } == ["0.5"])
            let owner = try await c.call(.get, "/v1/addresses/\(address)", key: h.serviceKey)
            #expect(owner.status == .ok)
        }
    }

    @Test(arguments: Backend.available)
    func anIntentPatchChangesReferencesAndOnlyALaterExpiryWhileUnpaid(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let customer = try #require(try await c.call(.post, "/v1/customers", key: h.serviceKey, json: "{}").json["id"] as? String)
            let made = try await c.call(
                .post, "/v1/payment_intents", key: h.serviceKey,
                json: #"{"asset":"ETH-Ethereum","amount":"1","customer":"\#(customer)","merchant_order_id":"o-1","expires_in":3600}"#)
            let id = try #require(made.json["id"] as? String)
            let now = h.clock.now() / 1000
            let later = try await c.call(
                .patch, "/v1/payment_intents/\(id)", key: h.serviceKey, json: #"{"merchant_order_id":"o-2","expires_at":\#(now + 7200)}"#)
            #expect(later.status == .ok, "\(later.text)")
            #expect(later.json["merchant_order_id"] as? String == "o-2" && later.json["amount"] as? String == "1")
            let text = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(now + 3 * 3600)))
            let rfc = try await c.call(.patch, "/v1/payment_intents/\(id)", key: h.serviceKey, json: #"{"expires_at":"\#(text)"}"#)
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let shown = (rfc.json["expires_at"] as? String).flatMap { fractional.date(from: $0) ?? ISO8601DateFormatter().date(from: $0) }
            #expect(rfc.status == .ok && shown?.timeIntervalSince1970 == Double(now + 3 * 3600), "RFC 3339: \(rfc.text)")
            for (json, param) in [
                (#"{"expires_at":\#(now + 3600)}"#, "expires_at"), (#"{"expires_at":\#(now + 40 * 86_400)}"#, "expires_at"),
                (#"{"expires_at":null}"#, "expires_at"), (#"{"expires_at":"soon"}"#, "expires_at"), (#"{"amount":"2"}"#, "amount"),
            ] {
                let bad = try await c.call(.patch, "/v1/payment_intents/\(id)", key: h.serviceKey, json: json)
                #expect(bad.status == .unprocessableContent && bad.errorParam == param, "\(json): \(bad.text)")
            }
            _ = try await c.call(.post, "/v1/payment_intents/\(id)/cancel", key: h.serviceKey)
            let closed = try await c.call(.patch, "/v1/payment_intents/\(id)", key: h.serviceKey, json: #"{"expires_at":\#(now + 9000)}"#)
            #expect(closed.status == .conflict, "\(closed.text)")
            let note = try await c.call(.patch, "/v1/payment_intents/\(id)", key: h.serviceKey, json: #"{"metadata":{"note":"refunded offline"}}"#)
            #expect(note.status == .ok && (note.json["metadata"] as? [String: Any])?["note"] as? String == "refunded offline")
            let audit = try await Self.audits(h, c, "payment_intent.updated")
            #expect(audit.count == 3 && audit.allSatisfy { $0["target"] as? String == id })
        }
    }
}
