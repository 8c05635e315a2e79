import Foundation
import HTTPTypes
import HummingbirdTesting
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import TestSupport
import Testing

/// A Solana deployment without a seed: addresses come from the imported pool, token addresses are
/// shown with their associated token accounts, and an empty pool is a 503 with its own code.
@Suite struct AddressPoolAPITests {
    @Test(arguments: Backend.available)
    func pooledAddressesAreIssuedAndAnEmptyPoolIsA503(_ backend: Backend) async throws {
        try await APIHarness.with(backend, addressPools: [.solana: 2]) { h, c in
            let pool = try (0..<2).map { try TestKeys.issuer.derive(network: .solana, index: 500_000 + $0) }
            _ = try await h.store.importPool(network: .solana, addresses: pool, now: 1)
            let first = try await APITests.createCustomer(c, h)
            let a = try await c.call(.post, "/v1/customers/\(first)/addresses", key: h.serviceKey, json: #"{"network":"solana"}"#)
            #expect(a.status == .created && a.json["address"] as? String == pool[0].address, "\(a.text)")
            #expect(a.json["derivation_path"] as? String == pool[0].path)
            let tokens = try #require(a.json["token_accounts"] as? [[String: Any]])
            let usdc = try #require(tokens.first { $0["asset"] as? String == "USDC-Solana" })
            #expect(usdc["address"] as? String == (try SolanaAddress.associatedTokenAccount(owner: pool[0].address, mint: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")))
            // An intent issues the next pooled address and names the token account to pay.
            let second = try await APITests.createCustomer(c, h)
            let intent = try await c.call(
                .post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"USDC-Solana","amount":"5","customer":"\#(second)"}"#)
            #expect(intent.status == .created && intent.json["deposit_address"] as? String == pool[1].address, "\(intent.text)")
            #expect(intent.json["deposit_token_account"] as? String == (try SolanaAddress.associatedTokenAccount(owner: pool[1].address, mint: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")))
            // The pool is empty: a clear 503, never an address derived from a seed.
            let third = try await APITests.createCustomer(c, h)
            let refused = try await c.call(.post, "/v1/customers/\(third)/addresses", key: h.serviceKey, json: #"{"network":"solana"}"#)
            #expect(refused.status == .serviceUnavailable && refused.error["code"] as? String == "address_pool_empty" && refused.errorParam == "network")
            #expect(try await h.store.addresses(customerID: third).isEmpty)
            let networks = try await c.call(.get, "/v1/networks", key: h.serviceKey).data
            let solana = try #require(networks.first { $0["id"] as? String == "solana" })
            let shown = try #require(solana["address_pool"] as? [String: Any])
            #expect(shown["remaining"] as? Int == 0 && shown["low_water"] as? Int == 2 && shown["low"] as? Bool == true)
            #expect(networks.first { $0["id"] as? String == "ethereum" }?["address_pool"] == nil, "only pooled networks show a pool")
            // Other networks still derive, and an EVM intent has no token account to name.
            let eth = try await c.call(
                .post, "/v1/payment_intents", key: h.serviceKey, json: #"{"asset":"USDT-Ethereum","amount":"5","customer":"\#(third)"}"#)
            #expect(eth.status == .created && eth.json["deposit_token_account"] is NSNull && eth.json["deposit_address"] as? String != nil)
        }
    }
}
