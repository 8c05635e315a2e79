import BigInt
import Foundation
import LodestoneChains
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import LodestoneWatcher
import TestSupport
import Testing

/// A node that sends hashes with quotes, backslashes or non-hex characters: the step fails with
/// a clear reason, and nothing is recorded, announced or signed.
@Suite struct HostileNodeTests {
    static let hostile = [
        "0x" + String(repeating: "ab", count: 31) + "\",\"x\":\"",  // tries to close the string and add a field
        "0x" + String(repeating: "cd", count: 31) + "\\\\",
        "0x" + String(repeating: "zz", count: 32),
        "0x" + String(repeating: "ef", count: 33),
    ]

    @Test(arguments: hostile, [false, true])
    func aMalformedTransactionHashIsRefusedAndNothingIsRecorded(_ badHash: String, _ token: Bool) async throws {
        try await ScanHarness.with(.sqlite) { h in
            let alice = try await h.customer()
            _ = try await h.store.createWebhookEndpoint(
                url: "https://example.com/hook", events: EventType.allCases, secret: WebhookSignature.newSecret(), environment: .production, now: 0)
            let chain = DevChain(chainID: 1)
            let honest = token ? DevChain.token(ScanHarness.token, [(alice.account, units("5"))]) : DevChain.native(to: alice.account, wei: wei("1"))
            await chain.mine([DevChain.Tx(hash: badHash, to: honest.to, value: honest.value, succeeded: true, logs: honest.logs)])
            try await DevnetServer.with(chain) { url in
                let scanner = await h.scanner(urls: [url])
                var failure: (any Error)? = nil
                for _ in 0..<5 {
                    do {
                        if try await scanner.step() == .caughtUp { break }
                    } catch {
                        failure = error
                        break
                    }
                }
                let error = try #require(failure, "a hostile hash was accepted")
                let text = String(describing: error)
                #expect(text.contains("32-byte hex hash"), "unclear refusal: \(text)")
                #expect(!text.contains(badHash), "the node's text was echoed")
                #expect(try await h.deposits(alice.id).isEmpty)
                #expect(try await h.store.events(page: 1, pageSize: 10).total == 0)
                #expect(try await h.store.dueDeliveries(now: .max, limit: 10).isEmpty)
            }
        }
    }

    @Test(arguments: [
        ("0x" + String(repeating: "AB", count: 32), true, "0x" + String(repeating: "ab", count: 32)),
        (String(repeating: "0f", count: 32), false, String(repeating: "0f", count: 32)),
    ])
    func canonicalHashes(_ text: String, _ prefixed: Bool, _ expected: String) {
        #expect(ChainHash.canonical(text, prefixed: prefixed) == expected)
        #expect(ChainHash.canonical(text, prefixed: !prefixed) == nil)
        #expect(ChainHash.canonical(String(text.dropLast()), prefixed: prefixed) == nil)
    }
}
