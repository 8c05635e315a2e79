import Foundation
import HTTPTypes
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import LodestoneWatcher
import Synchronization
import TestSupport
import Testing

/// Where webhook requests may and may not go.
@Suite struct WebhookEgressTests {
    /// A delivery of one confirmed-deposit event to `url` with `egress`; returns the recorded attempt.
    static func deliverOnce(_ store: SQLStore, url: String, egress: WebhookEgress, clock: TestClock) async throws -> DeliveryAttempt {
        _ = try await store.createWebhookEndpoint(url: url, events: [.depositConfirmed], secret: WebhookSignature.newSecret(), environment: .production, now: 0)
        _ = try await WebhookTests.someEvents(store)
        let deliverer = WebhookDeliverer(store: store, egress: egress, now: clock.now, logger: ScanHarness.logger)
        #expect(try await deliverer.deliverDue() == 1)
        let id = try #require(try await store.events(page: 1, pageSize: 50).items.first { $0.type == .depositConfirmed }?.id)
        return try #require(try await store.deliveries(eventID: id).first?.attempts.last)
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func redirectsAreNeverFollowed(_ status: Int) async throws {
        try await StoreFixture.with(.sqlite) { store in
            let inside = Receiver()
            let outside = Receiver()
            try await inside.with { insideURL in
                try await outside.with { outsideURL in
                    outside.answer(status)
                    outside.redirectTo.withLock { $0 = insideURL }
                    // Private addresses allowed, so only the redirect rule stands between the two.
                    let attempt = try await Self.deliverOnce(
                        store, url: outsideURL, egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: true)), clock: TestClock(3_000))
                    #expect(outside.received.count == 1)
                    #expect(inside.received.isEmpty, "the redirect to \(insideURL) was followed")
                    #expect(attempt.statusCode == status && attempt.error?.contains("redirects are not followed") == true)
                }
            }
        }
    }

    @Test func theConnectionGoesToTheAddressThatWasChecked() async throws {
        try await StoreFixture.with(.sqlite) { store in
            let checked = Receiver()
            let rebound = Receiver()
            try await checked.with(host: "127.0.0.1") { checkedURL in
                let port = try #require(URLComponents(string: checkedURL)?.port)
                try await rebound.with(host: "127.0.0.2", port: port) { _ in
                    // The name answers 127.0.0.1 once, then 127.0.0.2 (a rebinding DNS server).
                    let lookups = Mutex(0)
                    let resolver = HostResolver { _ in
                        let n = lookups.withLock { n in
                            n += 1
                            return n
                        }
                        return [IPAddress(n == 1 ? "127.0.0.1" : "127.0.0.2")!]
                    }
                    let attempt = try await Self.deliverOnce(
                        store, url: "http://hooks.rebind.test:\(port)/hook",
                        egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: true), resolver: resolver), clock: TestClock(3_000))
                    #expect(attempt.error == nil)
                    #expect(lookups.withLock { $0 } == 1, "the host was resolved more than once for one delivery")
                    #expect(checked.received.count == 1 && rebound.received.isEmpty)
                    // The Host header still names the URL's host.
                    #expect(checked.received.first?.authority == "hooks.rebind.test:\(port)")
                }
            }
        }
    }

    @Test(arguments: [
        "127.0.0.1", "10.0.0.1", "169.254.169.254", "100.64.1.1", "::1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe",
        "2002:a9fe:a9fe::1", "fec0::1", "fd12::1", "fe80::1", "2001:db8::1", "0.0.0.0",
    ])
    func aNameResolvingToAnyRefusedRangeIsNotCalled(_ answer: String) async throws {
        try await StoreFixture.with(.sqlite) { store in
            let resolver = HostResolver { _ in [IPAddress("93.184.215.14")!, IPAddress(answer)!] }
            let attempt = try await Self.deliverOnce(
                store, url: "https://hooks.example.com/hook",
                egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: false), resolver: resolver), clock: TestClock(3_000))
            #expect(attempt.statusCode == nil && attempt.error?.contains("not a public address") == true, "\(answer): \(attempt.error ?? "")")
        }
    }

    @Test(arguments: Backend.available)
    func aRotatedSecretSignsBesideTheOldOneUntilTheOverlapEnds(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let receiver = Receiver()
            try await receiver.with { url in
                let clock = TestClock(3_000)
                let endpoint = try await store.createWebhookEndpoint(
                    url: url, events: EventType.allCases, secret: WebhookSignature.newSecret(), environment: .production, now: 0)
                let rotated = try await store.rotateWebhookSecret(
                    id: endpoint.id, secret: WebhookSignature.newSecret(), overlapUntil: clock.now() + 3_600_000, now: clock.now())
                #expect(rotated.secret != endpoint.secret && rotated.previousSecret == endpoint.secret)
                _ = try await WebhookTests.someEvents(store)
                let deliverer = WebhookDeliverer(
                    store: store, egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: true)), now: clock.now, logger: ScanHarness.logger)
                let during = try await deliverer.deliverDue()
                #expect(during > 0)
                for r in receiver.received {
                    let header = try #require(r.headers[HTTPField.Name("Lodestone-Signature")!])
                    #expect(header.split(separator: ",").filter { $0.hasPrefix("v1=") }.count == 2)
                    for secret in [endpoint.secret, rotated.secret] {
                        #expect(WebhookSignature.verify(header: header, body: Array(r.body.utf8), secret: secret, now: clock.now() / 1000))
                    }
                    #expect(r.headers[HTTPField.Name("webhook-signature")!]?.split(separator: " ").count == 2)
                    #expect(r.headers[HTTPField.Name("webhook-id")!]?.hasPrefix("evt_") == true)
                }
                // After the overlap, only the new secret signs.
                clock.advance(seconds: 3_601)
                let event = try #require(try await store.events(page: 1, pageSize: 50).items.first)
                try await store.redeliver(eventID: event.id, now: clock.now())
                #expect(try await deliverer.deliverDue() == 1)
                let last = try #require(receiver.received.last)
                let header = try #require(last.headers[HTTPField.Name("Lodestone-Signature")!])
                #expect(WebhookSignature.verify(header: header, body: Array(last.body.utf8), secret: rotated.secret, now: clock.now() / 1000))
                #expect(!WebhookSignature.verify(header: header, body: Array(last.body.utf8), secret: endpoint.secret, now: clock.now() / 1000))
                // Sealed at rest: the database holds neither secret in clear.
                let rows = try await store.database.read { db in
                    try await db.query("SELECT secret, COALESCE(previous_secret, '') FROM webhook_endpoints")
                }
                for row in rows {
                    for column in 0..<2 {
                        let stored = try row.text(column)
                        #expect(!stored.contains("whsec_"))
                        #expect(stored.isEmpty || SecretSealer.isSealed(stored))
                    }
                }
            }
        }
    }

    @Test func aSecretSealedForOneEndpointDoesNotOpenForAnotherOrUnderAnotherKey() throws {
        let sealer = SecretSealer.random()
        let sealed = try sealer.seal("whsec_abc", owner: "we_1")
        #expect(try sealer.open(sealed, owner: "we_1") == "whsec_abc")
        #expect(throws: StoreError.self) { try sealer.open(sealed, owner: "we_2") }
        #expect(throws: StoreError.self) { try SecretSealer.random().open(sealed, owner: "we_1") }
    }
}
