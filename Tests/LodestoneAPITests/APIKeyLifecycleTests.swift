import Foundation
import HTTPTypes
import HummingbirdTesting
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

@Suite struct APIKeyLifecycleTests {
    @Test(arguments: Backend.available)
    func createListRevokeAndExpire(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let created = try await c.call(.post, "/v1/api_keys", key: h.operatorKey, json: #"{"name":"shop-2","role":"service","expires_in":3600}"#)
            #expect(created.status == .created)
            let key = try #require(created.json["key"] as? String)
            let id = try #require(created.json["id"] as? String)
            #expect(key.hasPrefix("lsk_live_") && created.json["prefix"] as? String == String(key.prefix(16)))
            #expect(created.json["environment"] as? String == "production")
            // The environment field, when sent, must name one; a key creates keys of its own only.
            for (body, status) in [
                (#"{"name":"e1","role":"service","environment":null}"#, 422), (#"{"name":"e2","role":"service","environment":"staging"}"#, 422),
                (#"{"name":"e3","role":"service","environment":7}"#, 422), (#"{"name":"e4","role":"service","environment":"sandbox"}"#, 403),
            ] {
                let r = try await c.call(.post, "/v1/api_keys", key: h.operatorKey, json: body)
                #expect(Int(r.status.code) == status && r.errorParam == "environment", "\(body): \(r.text)")
            }
            let sandbox = try await c.call(.post, "/v1/api_keys", key: h.sandboxOperatorKey, json: #"{"name":"e5","role":"service","environment":"sandbox"}"#)
            #expect(sandbox.status == .created && (sandbox.json["key"] as? String)?.hasPrefix("lsk_test_") == true)
            #expect(try await c.call(.get, "/v1/customers", key: key).status == .ok)
            // The list shows the prefix and state, never a key.
            let list = try await c.call(.get, "/v1/api_keys", key: h.operatorKey)
            #expect(list.status == .ok && !list.text.contains(key) && !list.text.contains(h.serviceKey))
            let listed = try #require(list.data.first { $0["id"] as? String == id })
            #expect(listed["active"] as? Bool == true && listed["key"] == nil && listed["last_used_at"] is String)
            // Revoked: refused on the very next request, although it was just cached.
            let revoked = try await c.call(.delete, "/v1/api_keys/\(id)", key: h.operatorKey)
            #expect(revoked.status == .ok && revoked.json["active"] as? Bool == false)
            let refused = try await c.call(.get, "/v1/customers", key: key)
            #expect(refused.status == .unauthorized && refused.error["message"] as? String == "this API key was revoked")
            // Expiry.
            let short = try await c.call(.post, "/v1/api_keys", key: h.operatorKey, json: #"{"name":"short","role":"operator","expires_in":60}"#)
            let shortKey = try #require(short.json["key"] as? String)
            #expect(try await c.call(.get, "/v1/api_keys", key: shortKey).status == .ok)
            h.clock.advance(seconds: 61)
            #expect(try await c.call(.get, "/v1/api_keys", key: shortKey).status == .unauthorized)
            // Bad input names the field; service keys cannot manage keys; unknown ids are 404.
            let bad = try await c.call(.post, "/v1/api_keys", key: h.operatorKey, json: #"{"name":"a b","role":"service"}"#)
            #expect(bad.status == .unprocessableContent && bad.errorParam == "name")
            let badRole = try await c.call(.post, "/v1/api_keys", key: h.operatorKey, json: #"{"name":"x","role":"root"}"#)
            #expect(badRole.status == .unprocessableContent && badRole.errorParam == "role")
            #expect(try await c.call(.post, "/v1/api_keys", key: h.serviceKey, json: #"{"name":"x","role":"operator"}"#).status == .forbidden)
            #expect(try await c.call(.delete, "/v1/api_keys/key_nope", key: h.operatorKey).status == .notFound)
            // Audited.
            let audit = try await c.call(.get, "/v1/audit_events", key: h.operatorKey).data.map { $0["action"] as? String }
            #expect(audit.contains("api_key.create") && audit.contains("api_key.revoke"))
        }
    }

    @Test(arguments: Backend.available)
    func aRevocationByAnotherInstanceIsHonouredWithinTheCacheTime(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let clock = TestClock()
            let (key, record) = APIKeySecret.issue(name: "k", role: .service, environment: .production, now: clock.now())
            try await store.createAPIKey(record)
            // Two authenticators over one database: two instances.
            let here = APIKeyAuthenticator(store: store, now: clock.now)
            let there = APIKeyAuthenticator(store: store, now: clock.now)
            #expect(try await here.check(key) == nil)
            #expect(try await there.check(key) == nil)
            _ = try await store.revokeAPIKey(id: record.id, at: clock.now(), actor: "test", now: clock.now())
            here.forget(keyID: record.id)
            #expect(try await here.check(key) == "this API key was revoked")
            // The other instance still has it cached, for at most two seconds.
            clock.advance(seconds: 2)
            #expect(try await there.check(key) == "this API key was revoked")
        }
    }
}
