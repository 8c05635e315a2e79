import Foundation
import HTTPTypes
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// Deposits by id, network, transaction and time; intents and events by time and type.
@Suite struct ListingFilterTests {
    static func tx(_ c: Character) -> String { "0x" + String(repeating: c, count: 64) }

    @Test(arguments: Backend.available)
    func depositsAreFoundByIdNetworkTransactionAndTime(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let customer = try await h.store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
            var ids: [String: String] = [:]
            // Recorded at 10 s, 20 s and 30 s past the epoch, on two networks.
            for (n, (network, t, at)) in [(NetworkID.ethereum, Character("a"), Int64(10_000)), (.polygon, "b", 20_000), (.ethereum, "c", 30_000)]
                .enumerated()
            {
                let (address, _) = try await h.store.issueAddress(customerID: customer, network: network, now: 2) { net, i in
                    try TestKeys.issuer.derive(network: net, index: i)
                }
                let asset = AssetCatalog.defaults(for: network)[0]
                let o = DepositObservation(
                    network: network, assetID: asset.id, address: address.address, customerID: customer,
                    amount: try Amount(decimal: "1", decimals: asset.decimals), txHash: Self.tx(t), position: -1, blockNumber: Int64(n + 1),
                    blockHash: Self.tx("f"))
                ids[String(t)] = try await h.store.recordDeposit(o, minimum: .zero, now: at).0.id
            }
            func listed(_ query: String) async throws -> [String] {
                let reply = try await c.call(.get, "/v1/deposits?\(query)", key: h.serviceKey)
                #expect(reply.status == .ok, "\(query): \(reply.text)")
                return reply.data.compactMap { $0["tx_hash"] as? String }
            }
            #expect(try await listed("network=ethereum") == [Self.tx("c"), Self.tx("a")])
            #expect(try await listed("tx_hash=\(Self.tx("b").uppercased().replacingOccurrences(of: "0X", with: "0x"))") == [Self.tx("b")])
            #expect(try await listed("created_gte=20") == [Self.tx("c"), Self.tx("b")], "unix seconds")
            #expect(try await listed("created_lte=1970-01-01T00:00:20Z") == [Self.tx("b"), Self.tx("a")], "RFC 3339, inclusive")
            #expect(try await listed("created_gte=1970-01-01T00:00:15Z&created_lte=25&network=polygon") == [Self.tx("b")])

            let one = try await c.call(.get, "/v1/deposits/\(ids["b"]!)", key: h.serviceKey)
            #expect(one.status == .ok && one.json["tx_hash"] as? String == Self.tx("b") && one.json["network"] as? String == "polygon")
            let missing = try await c.call(.get, "/v1/deposits/dep_nope", key: h.serviceKey)
            #expect(missing.status == .notFound && missing.errorParam == "id")

            for (query, param) in [
                ("network=dogecoin", "network"), ("tx_hash=0x12", "tx_hash"), ("created_gte=yesterday", "created_gte"),
                ("created_gte=30&created_lte=10", "created_lte"), ("created_gte=1970-13-01T00:00:00Z", "created_gte"),
            ] {
                let reply = try await c.call(.get, "/v1/deposits?\(query)", key: h.serviceKey)
                #expect(reply.status == .unprocessableContent && reply.errorParam == param, "\(query): \(reply.text)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func eventsByTypeAndTimeAndIntentsByTime(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let customer = try await h.store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
            let (address, _) = try await h.store.issueAddress(customerID: customer, network: .ethereum, now: 2) { net, i in
                try TestKeys.issuer.derive(network: net, index: i)
            }
            let eth = AssetCatalog.defaults(for: .ethereum)[0]
            for at in [Int64(5_000), 50_000] {
                _ = try await h.store.createPaymentIntent(
                    NewPaymentIntent(
                        asset: eth, amount: try Amount(decimal: "1", decimals: 18), customerID: customer, depositAddress: address.address,
                        merchantOrderID: "at-\(at)", metadata: nil, expiresIn: 3600, idempotencyKey: nil, requestHash: ""), now: at)
            }
            let late = try await c.call(.get, "/v1/payment_intents?created_gte=10", key: h.serviceKey)
            #expect(late.data.map { $0["merchant_order_id"] as? String } == ["at-50000"])
            let o = DepositObservation(
                network: .ethereum, assetID: eth.id, address: address.address, customerID: customer,
                amount: try Amount(decimal: "2", decimals: 18), txHash: Self.tx("d"), position: -1, blockNumber: 1, blockHash: Self.tx("e"))
            let (deposit, _) = try await h.store.recordDeposit(o, minimum: .zero, now: 60_000)
            _ = try await h.store.creditDeposit(id: deposit.id, now: 70_000)
            let all = try await c.call(.get, "/v1/events?page_size=100", key: h.operatorKey).data.compactMap { $0["type"] as? String }
            #expect(all.contains("deposit.detected") && all.contains("deposit.confirmed"))
            let confirmed = try await c.call(.get, "/v1/events?type=deposit.confirmed", key: h.operatorKey).data
            #expect(confirmed.map { $0["type"] as? String } == ["deposit.confirmed"])
            let before = try await c.call(.get, "/v1/events?created_lte=65", key: h.operatorKey).data.compactMap { $0["type"] as? String }
            #expect(!before.contains("deposit.confirmed") && before.contains("deposit.detected"))
            let bad = try await c.call(.get, "/v1/events?type=deposit.lost", key: h.operatorKey)
            #expect(bad.status == .unprocessableContent && bad.errorParam == "type")
        }
    }
}
