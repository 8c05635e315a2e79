import Foundation
import HTTPTypes
import HummingbirdTesting
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// `starting_after` / `ending_before`: every item once, in listing order, ties included.
@Suite struct CursorPaginationTests {
    /// Every id of a listing read forward by cursor, and the has_more flags seen.
    static func walk(_ c: any TestClientProtocol, _ key: String, _ path: String, size: Int) async throws -> (ids: [String], more: [Bool]) {
        var ids: [String] = []
        var more: [Bool] = []
        var query = "page_size=\(size)"
        while true {
            let reply = try await c.call(.get, "\(path)?\(query)", key: key)
            #expect(reply.status == .ok, "\(reply.text)")
            let page = reply.data.compactMap { $0["id"] as? String }
            ids += page
            let hasMore = reply.json["has_more"] as? Bool ?? false
            more.append(hasMore)
            if query.contains("starting_after") { #expect(reply.json["total"] == nil, "a cursor page counts nothing") }
            guard hasMore, let last = page.last else { return (ids, more) }
            query = "page_size=\(size)&starting_after=\(last)"
        }
    }

    @Test(arguments: Backend.available)
    func depositsWithTiedTimesArePagedOnceEachBothWays(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let customer = try await h.store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
            let (address, _) = try await h.store.issueAddress(customerID: customer, network: .ethereum, now: 2) { n, i in
                try TestKeys.issuer.derive(network: n, index: i)
            }
            // Eight deposits, five of them recorded in the same millisecond.
            for (i, at) in [Int64(10), 20, 20, 20, 20, 20, 30, 40].enumerated() {
                let o = DepositObservation(
                    network: .ethereum, assetID: "ETH-Ethereum", address: address.address, customerID: customer, amount: try Amount(decimal: "1", decimals: 18),
                    txHash: "0x" + String(format: "%064x", i + 1), position: -1, blockNumber: Int64(i + 1), blockHash: "0x" + String(repeating: "b", count: 64))
                _ = try await h.store.recordDeposit(o, minimum: .zero, now: at)
            }
            let numbered = try await c.call(.get, "/v1/deposits?page_size=100", key: h.serviceKey)
            let all = numbered.data.compactMap { $0["id"] as? String }
            #expect(all.count == 8 && numbered.json["has_more"] as? Bool == false && numbered.json["total"] as? Int == 8)
            let (walked, more) = try await Self.walk(c, h.serviceKey, "/v1/deposits", size: 3)
            #expect(walked == all, "forward by cursor is the numbered listing, each once")
            #expect(more == [true, true, false])
            // Back from the last page: the page before it.
            let back = try await c.call(.get, "/v1/deposits?page_size=3&ending_before=\(all[6])", key: h.serviceKey)
            #expect(back.data.compactMap { $0["id"] as? String } == Array(all[3..<6]))
            #expect(back.json["has_more"] as? Bool == true)
            let first = try await c.call(.get, "/v1/deposits?page_size=3&ending_before=\(all[2])", key: h.serviceKey)
            #expect(first.data.compactMap { $0["id"] as? String } == Array(all[0..<2]) && first.json["has_more"] as? Bool == false)
        }
    }

    @Test(arguments: Backend.available)
    func customersIntentsAndEventsPageByCursorAndBadCursorsAreNamed(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            for i in 0..<7 { _ = try await c.call(.post, "/v1/customers", key: h.serviceKey, json: #"{"external_id":"c\#(i)"}"#) }
            let all = try await c.call(.get, "/v1/customers?page_size=100", key: h.serviceKey).data.compactMap { $0["id"] as? String }
            #expect(try await Self.walk(c, h.serviceKey, "/v1/customers", size: 2).ids == all)
            for customer in all.prefix(3) {
                _ = try await c.call(
                    .post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"ETH-Ethereum","amount":"1","customer":"\#(customer)"}"#)
            }
            let intents = try await c.call(.get, "/v1/payment_intents", key: h.serviceKey).data.compactMap { $0["id"] as? String }
            #expect(try await Self.walk(c, h.serviceKey, "/v1/payment_intents", size: 2).ids == intents && intents.count == 3)
            let events = try await c.call(.get, "/v1/events?page_size=100", key: h.operatorKey).data.compactMap { $0["id"] as? String }
            #expect(try await Self.walk(c, h.operatorKey, "/v1/events", size: 1).ids == events)

            for (query, param) in [
                ("starting_after=cus_nope", "starting_after"), ("ending_before=cus_nope", "ending_before"),
                ("starting_after=\(all[0])&ending_before=\(all[1])", "ending_before"), ("starting_after=\(all[0])&page=2", "page"),
            ] {
                let bad = try await c.call(.get, "/v1/customers?\(query)", key: h.serviceKey)
                #expect(bad.status == .unprocessableContent && bad.errorParam == param, "\(query): \(bad.text)")
            }
        }
    }
}
