import Foundation
import HTTPTypes
import HummingbirdTesting
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// History of a network that is later disabled keeps showing in that asset's units.
@Suite struct DisabledNetworkTests {
    @Test(arguments: Backend.available)
    func amountsOfADisabledNetworkKeepTheirDecimals(_ backend: Backend) async throws {
        // BSC is not enabled in this deployment; its money was received while it was.
        try await APIHarness.with(backend, networks: NetworkID.production.filter { $0 != .bsc }) { h, c in
            let customer = try await h.store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
            let (address, _) = try await h.store.issueAddress(customerID: customer, network: .bsc, now: 1) { n, i in
                try TestKeys.issuer.derive(network: n, index: i)
            }
            let usdt = try #require(AssetCatalog.all(for: .bsc).first { $0.id == "USDT-BSC" })
            #expect(usdt.decimals == 18)
            let five = try Amount(decimal: "5", decimals: 18)
            let (intent, _) = try await h.store.createPaymentIntent(
                NewPaymentIntent(
                    asset: usdt, amount: try Amount(decimal: "2", decimals: 18), customerID: customer, depositAddress: address.address,
                    merchantOrderID: nil, metadata: nil, expiresIn: 3600, idempotencyKey: nil, requestHash: ""), now: 2)
            let o = DepositObservation(
                network: .bsc, assetID: "USDT-BSC", address: address.address, customerID: customer, amount: five,
                txHash: "0x" + String(repeating: "a", count: 64), position: 0, blockNumber: 1, blockHash: "0x" + String(repeating: "b", count: 64))
            let (deposit, _) = try await h.store.recordDeposit(o, minimum: .zero, now: 3)
            _ = try await h.store.creditDeposit(id: deposit.id, now: 4)
            let shown = try await c.call(.get, "/v1/payment_intents/\(intent.id)", key: h.serviceKey)
            #expect(shown.json["amount"] as? String == "2" && shown.json["amount_received"] as? String == "2")
            let deposits = try await c.call(.get, "/v1/deposits?customer=\(customer)", key: h.serviceKey).data
            #expect(deposits.map { $0["amount"] as? String } == ["5"])
            let balances = try await c.call(.get, "/v1/customers/\(customer)/balances", key: h.serviceKey).data
            #expect(balances.map { $0["amount"] as? String } == ["3"])
        }
    }
}

@Suite struct UnwatchedNetworkTests {
    @Test(arguments: Backend.available)
    func intentsOnANetworkNobodyWatchesAreRefusedAddressesAreNot(_ backend: Backend) async throws {
        try await APIHarness.with(backend, unwatched: [.bitcoin, .solana]) { h, c in
            let customer = try await APITests.createCustomer(c, h)
            for asset in ["BTC-Bitcoin", "USDC-Solana", "SOL-Solana"] {
                let r = try await c.call(
                    .post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"\#(asset)","amount":"1","customer":"\#(customer)"}"#)
                #expect(r.status == .unprocessableContent && r.errorParam == "asset", "\(asset): \(r.text)")
                #expect(r.error["code"] as? String == "network_not_watched")
            }
            #expect(try await h.store.paymentIntents(PaymentIntentFilter(), page: 1, pageSize: 10).total == 0)
            // Addresses are still issued, and say they are not watched.
            let btc = try await c.call(.post, "/v1/customers/\(customer)/addresses", key: h.serviceKey, json: #"{"network":"bitcoin"}"#)
            #expect(btc.status == .created && btc.json["watched"] as? Bool == false)
            let eth = try await c.call(.post, "/v1/customers/\(customer)/addresses", key: h.serviceKey, json: #"{"network":"ethereum"}"#)
            #expect(eth.status == .created && eth.json["watched"] as? Bool == true)
            let ok = try await c.call(
                .post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"USDT-Ethereum","amount":"1","customer":"\#(customer)"}"#)
            #expect(ok.status == .created)
            let networks = try await c.call(.get, "/v1/networks", key: h.serviceKey).data
            let watched = Dictionary(uniqueKeysWithValues: networks.map { ($0["id"] as! String, $0["watched"] as? Bool) })
            #expect(watched["bitcoin"] == false && watched["solana"] == false && watched["ethereum"] == true && watched["tron"] == true)
        }
    }
}

/// An operator's token taken out of the configuration keeps its history in its own units.
@Suite struct RemovedAssetTests {
    @Test(arguments: Backend.available)
    func aRemovedTokensDepositsAndBalancesKeepTheirDecimals(_ backend: Backend) async throws {
        try await APIHarness.with(backend) { h, c in
            // Once in force (recorded at that start), now gone from the configuration and the registry.
            let pyusd = Asset(network: .ethereum, symbol: "PYUSD", decimals: 6, contract: "0x6c3ea9036406852006290770BEdFcAbA0e23A0e8", confirmations: 12)
            #expect(try await h.store.recordAssetDefinitions([pyusd], now: 1).isEmpty)
            #expect(await h.deps.assets.asset(id: pyusd.id) == nil)
            let customer = try await APITests.createCustomer(c, h)
            let address = try await c.call(.post, "/v1/customers/\(customer)/addresses", key: h.serviceKey, json: #"{"network":"ethereum"}"#)
            let o = DepositObservation(
                network: .ethereum, assetID: pyusd.id, address: try #require(address.json["address"] as? String), customerID: customer,
                amount: try Amount(decimal: "2.5", decimals: 6), txHash: "0x" + String(repeating: "d", count: 64), position: 0, blockNumber: 1,
                blockHash: "0x" + String(repeating: "e", count: 64))
            let (deposit, _) = try await h.store.recordDeposit(o, minimum: .zero, now: 2)
            _ = try await h.store.creditDeposit(id: deposit.id, now: 3)
            let listed = try await c.call(.get, "/v1/deposits?asset=\(pyusd.id)", key: h.serviceKey)
            #expect(listed.data.map { $0["id"] as? String } == [deposit.id], "\(listed.text)")
            let shown = try await c.call(.get, "/v1/deposits/\(deposit.id)", key: h.serviceKey)
            #expect(shown.status == .ok && shown.json["amount"] as? String == "2.5", "\(shown.text)")
            let balances = try await c.call(.get, "/v1/customers/\(customer)/balances", key: h.serviceKey).data
            #expect(balances.map { $0["asset"] as? String } == [pyusd.id] && balances.map { $0["amount"] as? String } == ["2.5"])
            // Defining it again with other decimals would rewrite that history: it is refused.
            let redefined = Asset(network: .ethereum, symbol: "PYUSD", decimals: 18, contract: pyusd.contract, confirmations: 12)
            let changed = try await h.store.recordAssetDefinitions([redefined], now: 4)
            #expect(changed.map(\.recorded) == [6])
        }
    }
}
