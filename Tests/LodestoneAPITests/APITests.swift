import Foundation
import HTTPTypes
import HummingbirdTesting
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

@Suite struct APITests {
    static let backends = Backend.available

    static func createCustomer(_ c: some TestClientProtocol, _ h: APIHarness, _ body: String = "{}") async throws -> String {
        let r = try await c.call(.post, "/v1/customers", key: h.serviceKey, json: body)
        #expect(r.status == .created)
        return try #require(r.json["id"] as? String)
    }

    @Test(arguments: backends)
    func publicRoutesNeedNoKey(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let health = try await c.call(.get, "/healthz", key: nil)
            #expect(health.status == .ok && health.json["status"] as? String == "ok")
            let spec = try await c.call(.get, "/openapi.yaml", key: nil)
            #expect(spec.status == .ok && spec.text.hasPrefix("openapi: 3"))
            #expect(spec.headers[.contentType]?.hasPrefix("application/yaml") == true)
        }
    }

    @Test(arguments: backends)
    func authenticationAndRoles(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let none = try await c.call(.get, "/v1/assets", key: nil)
            #expect(none.status == .unauthorized && none.errorParam == "Authorization")
            #expect(try await c.call(.get, "/v1/assets", key: "lsk_wrong").status == .unauthorized)
            var basic = HTTPFields()
            basic[.authorization] = "Basic " + Data("\(h.serviceKey):".utf8).base64EncodedString()
            #expect(try await c.call(.get, "/v1/assets", key: nil, headers: basic).status == .ok)
            var garbage = HTTPFields()
            garbage[.authorization] = "Token abc"
            #expect(try await c.call(.get, "/v1/assets", key: nil, headers: garbage).status == .unauthorized)
            // Operator routes refuse service keys.
            let patch = try await c.call(.patch, "/v1/assets/USDT-Tron", key: h.serviceKey, json: #"{"confirmations":5}"#)
            #expect(patch.status == .forbidden)
            #expect(try await c.call(.get, "/v1/audit_events", key: h.serviceKey).status == .forbidden)
            #expect(try await c.call(.get, "/v1/audit_events", key: h.operatorKey).status == .ok)
            // Operators may use service routes too.
            #expect(try await c.call(.post, "/v1/customers", key: h.operatorKey, json: "{}").status == .created)
        }
    }

    @Test(arguments: backends)
    func networksAndAssets(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let networks = try await c.call(.get, "/v1/networks", key: h.serviceKey).data
            #expect(networks.map { $0["id"] as? String } == ["ethereum", "bsc", "polygon", "base", "arbitrum", "tron", "solana", "bitcoin"])
            #expect(networks[1]["chain_id"] as? Int == 56)
            #expect(networks[7]["chain_id"] is NSNull)
            #expect(networks.allSatisfy { $0["enabled"] as? Bool == true })
            let assets = try await c.call(.get, "/v1/assets", key: h.serviceKey).data
            let byID = Dictionary(uniqueKeysWithValues: assets.map { ($0["id"] as! String, $0) })
            for id in ["USDT-Tron", "USDC-Ethereum", "ETH-Base", "BTC-Bitcoin", "SOL-Solana", "BNB-BSC", "USDC-Solana", "USDT-Polygon"] {
                #expect(byID[id] != nil, "\(id)")
            }
            // Tokens their issuers do not stand behind are opt-in: a bridge's USDT on Base, Binance's
            // pegs on BSC, the USDC Circle stopped supporting on Tron.
            for id in ["USDT-Base", "USDT-BSC", "USDC-BSC", "USDC-Tron"] { #expect(byID[id] == nil, "\(id) is opt-in") }
            #expect(byID["USDT-Tron"]?["contract"] as? String == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
            #expect(byID["BTC-Bitcoin"]?["contract"] is NSNull)
            #expect(networks.allSatisfy { $0["environment"] as? String == "production" })
            #expect(try await c.call(.get, "/v1/assets?x=1", key: h.serviceKey).errorParam == "x")
        }
    }

    @Test(arguments: backends)
    func thresholdChangesAreValidatedAuditedAndUsed(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let ok = try await c.call(.patch, "/v1/assets/USDT-Tron", key: h.operatorKey, json: #"{"confirmations":7}"#)
            #expect(ok.status == .ok && ok.json["confirmations"] as? Int == 7)
            for (body, param) in [
                (#"{"confirmations":0}"#, "confirmations"), (#"{"confirmations":"5"}"#, "confirmations"),
                (#"{"confirmations":100001}"#, "confirmations"), (#"{"confirmations":5,"x":1}"#, "x"), ("{}", "confirmations"),
            ] {
                let bad = try await c.call(.patch, "/v1/assets/USDT-Tron", key: h.operatorKey, json: body)
                #expect(bad.status.code / 100 == 4 && bad.errorParam == param, "\(body)")
            }
            #expect(try await c.call(.patch, "/v1/assets/DOGE-Tron", key: h.operatorKey, json: #"{"confirmations":5}"#).status == .notFound)
            let audit = try await c.call(.get, "/v1/audit_events", key: h.operatorKey)
            #expect(audit.json["total"] as? Int == 1)
            let event = try #require(audit.data.first)
            #expect(event["actor"] as? String == "apikey:ops" && event["old_value"] as? String == "20" && event["new_value"] as? String == "7")
            #expect(event["target"] as? String == "USDT-Tron")
            let customer = try await Self.createCustomer(c, h)
            let intent = try await c.call(.post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"USDT-Tron","amount":"1","customer":"\#(customer)"}"#)
            #expect(intent.json["confirmations_required"] as? Int == 7)
        }
    }

    @Test func networksShowTheirScannersProgressAndEndpoints() async throws {
        let board = ScanProgressBoard()
        await board.record(
            ScanProgress(
                headHeight: 870_010, scannedHeight: 870_003, updatedAt: 1_795_240_553_000,
                endpoints: [
                    .init(label: "http://127.0.0.1:8332", healthy: true, problem: nil, head: 870_010),
                    .init(label: "https://btc.example", healthy: false, problem: "head 869990 is 7300 s old", head: 869_990, stale: true),
                ]), for: .bitcoin)
        try await APIHarness.with(.sqlite, progress: board) { h, c in
            let networks = try await c.call(.get, "/v1/networks", key: h.serviceKey).data
            let bitcoin = try #require(networks.first { $0["id"] as? String == "bitcoin" })
            #expect(bitcoin["head_height"] as? Int == 870_010 && bitcoin["scanned_height"] as? Int == 870_003 && bitcoin["lag"] as? Int == 7)
            #expect(bitcoin["updated"] as? String == "2026-11-21T05:55:53.000Z")
            let endpoints = try #require(bitcoin["endpoints"] as? [[String: Any]])
            #expect(endpoints.map { $0["healthy"] as? Bool } == [true, false])
            #expect(endpoints[1]["problem"] as? String == "head 869990 is 7300 s old" && endpoints[0]["problem"] is NSNull)
            #expect(endpoints.map { $0["head"] as? Int } == [870_010, 869_990] && endpoints.map { $0["lag"] as? Int } == [0, 20])
            #expect(endpoints.map { $0["stale"] as? Bool } == [false, true])
            // A network whose scanner has not reported shows nulls, not zeros.
            let ethereum = try #require(networks.first { $0["id"] as? String == "ethereum" })
            #expect(ethereum["head_height"] is NSNull && ethereum["lag"] is NSNull && (ethereum["endpoints"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: backends)
    func thresholdsCanBeTieredByAmount(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let body = #"{"confirmations":64,"confirmation_tiers":[{"up_to":"10000","confirmations":12},{"up_to":"100000.5","confirmations":30}]}"#
            let ok = try await c.call(.patch, "/v1/assets/USDT-Tron", key: h.operatorKey, json: body)
            #expect(ok.status == .ok && ok.json["confirmations"] as? Int == 64)
            let tiers = try #require(ok.json["confirmation_tiers"] as? [[String: Any]])
            #expect(tiers.map { $0["up_to"] as? String } == ["10000", "100000.5"] && tiers.map { $0["confirmations"] as? Int } == [12, 30])
            let listed = try await c.call(.get, "/v1/assets", key: h.serviceKey).data.first { $0["id"] as? String == "USDT-Tron" }
            #expect((listed?["confirmation_tiers"] as? [[String: Any]])?.count == 2)
            let flat = try await c.call(.get, "/v1/assets", key: h.serviceKey).data.first { $0["id"] as? String == "USDT-Ethereum" }
            #expect((flat?["confirmation_tiers"] as? [Any])?.isEmpty == true)

            // An intent asks for the count its own amount needs.
            let customer = try await Self.createCustomer(c, h)
            for (amount, needed) in [("10000", 12), ("10000.000001", 30), ("250000", 64)] {
                let intent = try await c.call(
                    .post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"USDT-Tron","amount":"\#(amount)","customer":"\#(customer)"}"#)
                #expect(intent.json["confirmations_required"] as? Int == needed, "\(amount)")
            }

            for (bad, param) in [
                (#"{"confirmations":64,"confirmation_tiers":[{"up_to":"10000","confirmations":12},{"up_to":"500","confirmations":30}]}"#,
                 "confirmation_tiers[1].up_to"),
                (#"{"confirmations":64,"confirmation_tiers":[{"up_to":"10000","confirmations":30},{"up_to":"50000","confirmations":12}]}"#,
                 "confirmation_tiers[1].confirmations"),
                (#"{"confirmations":6,"confirmation_tiers":[{"up_to":"10000","confirmations":12}]}"#, "confirmations"),
                (#"{"confirmations":64,"confirmation_tiers":[{"up_to":"1.0000001","confirmations":3}]}"#, "confirmation_tiers[0].up_to"),
                (#"{"confirmations":64,"confirmation_tiers":[{"up_to":"0","confirmations":3}]}"#, "confirmation_tiers[0].up_to"),
                (#"{"confirmations":64,"confirmation_tiers":[{"confirmations":3}]}"#, "confirmation_tiers[0].up_to"),
                (#"{"confirmations":64,"confirmation_tiers":[{"up_to":"1"}]}"#, "confirmation_tiers[0].confirmations"),
                (#"{"confirmations":64,"confirmation_tiers":[{"up_to":"1","confirmations":3,"x":1}]}"#, "confirmation_tiers[0].x"),
                (#"{"confirmations":64,"confirmation_tiers":[5]}"#, "confirmation_tiers[0]"),
                (#"{"confirmations":64,"confirmation_tiers":{"up_to":"1"}}"#, "confirmation_tiers"),
            ] {
                let response = try await c.call(.patch, "/v1/assets/USDT-Tron", key: h.operatorKey, json: bad)
                #expect(response.status == .unprocessableContent || response.status == .badRequest, "\(bad)")
                #expect(response.errorParam == param, "\(bad): \(String(describing: response.errorParam))")
            }
            // Nothing refused changed anything: still the tiers set first, and one audit entry.
            let after = try await c.call(.get, "/v1/assets", key: h.serviceKey).data.first { $0["id"] as? String == "USDT-Tron" }
            #expect((after?["confirmation_tiers"] as? [[String: Any]])?.count == 2)
            let audit = try await c.call(.get, "/v1/audit_events", key: h.operatorKey)
            #expect(audit.json["total"] as? Int == 1)
            #expect(audit.data.first?["new_value"] as? String
                == #"{"confirmation_tiers":[{"confirmations":12,"up_to":"10000"},{"confirmations":30,"up_to":"100000.5"}],"confirmations":64}"#)
        }
    }

    @Test(arguments: backends)
    func customers(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let created = try await c.call(
                .post, "/v1/customers", key: h.serviceKey, json: #"{"external_id":"u-1","email":"a@example.com","metadata":{"tier":"gold","n":[1,2]}}"#)
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? String)
            #expect(id.hasPrefix("cus_"))
            #expect((created.json["metadata"] as? [String: Any])?["tier"] as? String == "gold")
            #expect((created.json["created"] as? String)?.hasSuffix("Z") == true)
            let again = try await c.call(.post, "/v1/customers", key: h.serviceKey, json: #"{"external_id":"u-1"}"#)
            #expect(again.status == .conflict && (again.error["message"] as? String)?.contains(id) == true)
            #expect(again.errorParam == "external_id")
            let fetched = try await c.call(.get, "/v1/customers/\(id)", key: h.serviceKey)
            #expect(fetched.status == .ok && fetched.json["external_id"] as? String == "u-1")
            #expect(try await c.call(.get, "/v1/customers/cus_nope", key: h.serviceKey).status == .notFound)
            for _ in 0..<4 { _ = try await Self.createCustomer(c, h) }
            let page = try await c.call(.get, "/v1/customers?page=2&page_size=2", key: h.serviceKey)
            #expect(page.json["total"] as? Int == 5 && page.json["page"] as? Int == 2 && page.json["page_size"] as? Int == 2)
            #expect(page.data.count == 2)
            for (body, param) in [
                (#"{"email":"not-an-email"}"#, "email"), (#"{"external_id":""}"#, "external_id"), (#"{"external_id":5}"#, "external_id"),
                (#"{"metadata":[1]}"#, "metadata"), (#"{"name":"x"}"#, "name"),
                ("{\"external_id\":\"\(String(repeating: "x", count: 129))\"}", "external_id"),
            ] {
                let bad = try await c.call(.post, "/v1/customers", key: h.serviceKey, json: body)
                #expect(bad.status == .unprocessableContent && bad.errorParam == param, "\(body)")
            }
            for q in ["page=0", "page_size=101", "page=x", "page_size=-1"] {
                #expect(try await c.call(.get, "/v1/customers?\(q)", key: h.serviceKey).status == .unprocessableContent, "\(q)")
            }
        }
    }

    @Test(arguments: backends)
    func malformedBodies(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let notJSON = try await c.call(.post, "/v1/customers", key: h.serviceKey, json: "{nope")
            #expect(notJSON.status == .badRequest && notJSON.error["code"] as? String == "invalid_json")
            #expect(try await c.call(.post, "/v1/customers", key: h.serviceKey, json: "[1,2]").status == .badRequest)
            #expect(try await c.call(.post, "/v1/customers", key: h.serviceKey, json: "").status == .badRequest)
            #expect(try await c.call(.post, "/v1/customers", key: h.serviceKey, json: "{}", contentType: "text/plain").status == .unsupportedMediaType)
            let huge = "{\"metadata\":{\"x\":\"" + String(repeating: "a", count: 70_000) + "\"}}"
            #expect(try await c.call(.post, "/v1/customers", key: h.serviceKey, json: huge).status == .contentTooLarge)
            let bigMetadata = "{\"metadata\":{\"x\":\"" + String(repeating: "a", count: 9000) + "\"}}"
            #expect(try await c.call(.post, "/v1/customers", key: h.serviceKey, json: bigMetadata).errorParam == "metadata")
            let unknownRoute = try await c.call(.get, "/v1/nothing", key: h.serviceKey)
            #expect(unknownRoute.status == .notFound && unknownRoute.error["code"] as? String == "not_found")
            let wrongMethod = try await c.call(.delete, "/v1/customers", key: h.serviceKey)
            #expect(wrongMethod.status == .methodNotAllowed && wrongMethod.headers[.allow] == "POST, GET")
            let wrongMethodWithID = try await c.call(.put, "/v1/payment_intents/pi_1", key: h.serviceKey)
            #expect(wrongMethodWithID.status == .methodNotAllowed && wrongMethodWithID.headers[.allow] == "GET, PATCH")
        }
    }

    @Test(arguments: backends)
    func addresses(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            let a = try await Self.createCustomer(c, h)
            let b = try await Self.createCustomer(c, h)
            let first = try await c.call(.post, "/v1/customers/\(b)/addresses", key: h.serviceKey, json: #"{"network":"bitcoin"}"#)
            #expect(first.status == .created)
            #expect(first.json["address"] as? String == TestKeys.expected(.bitcoin, 0))
            #expect(first.json["derivation_path"] as? String == "m/84'/0'/0'/0/0")
            #expect(first.json["index"] as? Int == 0 && first.json["customer"] as? String == b)
            let repeatCall = try await c.call(.post, "/v1/customers/\(b)/addresses", key: h.serviceKey, json: #"{"network":"bitcoin"}"#)
            #expect(repeatCall.status == .ok && repeatCall.json["address"] as? String == first.json["address"] as? String)
            let evm = try await c.call(.post, "/v1/customers/\(a)/addresses", key: h.serviceKey, json: #"{"network":"polygon"}"#)
            #expect(evm.json["address"] as? String == TestKeys.expected(.ethereum, 1))
            let sol = try await c.call(.post, "/v1/customers/\(a)/addresses", key: h.serviceKey, json: #"{"network":"solana"}"#)
            #expect(sol.json["address"] as? String == TestKeys.expected(.solana, 1))
            let list = try await c.call(.get, "/v1/customers/\(a)/addresses", key: h.serviceKey).data
            #expect(Set(list.compactMap { $0["network"] as? String }) == ["polygon", "solana"])
            // Ownership lookup, in any letter case for EVM.
            let evmAddress = try #require(evm.json["address"] as? String)
            let owner = try await c.call(.get, "/v1/addresses/\(evmAddress.lowercased())", key: h.serviceKey)
            #expect(owner.status == .ok && owner.json["customer"] as? String == a)
            #expect(try await c.call(.get, "/v1/addresses/0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", key: h.serviceKey).status == .notFound)
            let junk = try await c.call(.get, "/v1/addresses/not-an-address", key: h.serviceKey)
            #expect(junk.status == .notFound && junk.errorParam == "address")
            // Errors.
            #expect(try await c.call(.post, "/v1/customers/cus_x/addresses", key: h.serviceKey, json: #"{"network":"tron"}"#).status == .notFound)
            for (body, param) in [(#"{"network":"dogecoin"}"#, "network"), (#"{"network":"bitcoin-testnet"}"#, "network"), ("{}", "network"), (#"{"network":1}"#, "network")] {
                let bad = try await c.call(.post, "/v1/customers/\(a)/addresses", key: h.serviceKey, json: body)
                #expect(bad.status.code / 100 == 4 && bad.errorParam == param, "\(body)")
            }
        }
    }

    /// 200 parallel requests for 20 customers: exactly 20 addresses, each the one `lodestone derive` gives.
    @Test(arguments: backends)
    func concurrentAddressRequests(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            var customers: [String] = []
            for _ in 0..<20 { customers.append(try await Self.createCustomer(c, h)) }
            let replies = try await withThrowingTaskGroup(of: (String, Reply).self) { group in
                for i in 0..<200 {
                    let customer = customers[i % 20]
                    group.addTask {
                        (customer, try await c.call(.post, "/v1/customers/\(customer)/addresses", key: h.serviceKey, json: #"{"network":"ethereum"}"#))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.1.status == .created || $0.1.status == .ok })
            #expect(replies.filter { $0.1.status == .created }.count == 20)
            let addresses = Dictionary(grouping: replies, by: \.0).mapValues { Set($0.compactMap { $0.1.json["address"] as? String }) }
            #expect(addresses.values.allSatisfy { $0.count == 1 })
            #expect(Set(addresses.values.map { $0.first! }).count == 20)
            for reply in replies.map(\.1) {
                let index = UInt32(try #require(reply.json["index"] as? Int))
                #expect(reply.json["address"] as? String == TestKeys.expected(.ethereum, index))
            }
            #expect(Set(replies.compactMap { $0.1.json["index"] as? Int }) == Set(0..<20))
        }
    }
}
