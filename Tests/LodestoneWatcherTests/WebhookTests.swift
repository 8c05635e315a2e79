import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import LodestoneWatcher
import NIOCore
import Synchronization
import TestSupport
import Testing

/// A local receiver that checks every signature, answering with scripted statuses.
final class Receiver: Sendable {
    struct Received: Sendable {
        let body: String
        let signatureValid: Bool
        let headers: HTTPFields
        let authority: String?
    }

    private let state = Mutex<(statuses: [Int], received: [Received])>(([], []))
    let secret = Mutex<String>("")
    /// A Location header to answer with (redirect tests).
    let redirectTo = Mutex<String?>(nil)

    func answer(_ statuses: Int...) { state.withLock { $0.statuses += statuses } }
    var received: [Received] { state.withLock { $0.received } }

    /// Runs the receiver on `host:port` (a free port by default) while `body` runs with its URL.
    func with<T: Sendable>(host: String = "127.0.0.1", port: Int = 0, _ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let header = request.headers[HTTPField.Name("Lodestone-Signature")!] ?? ""
            let valid = WebhookSignature.verify(
                header: header, body: bytes, secret: self.secret.withLock { $0 }, now: Int64(Date().timeIntervalSince1970), tolerance: 10**10)
            let status = self.state.withLock { s in
                s.received.append(Received(body: String(decoding: bytes, as: UTF8.self), signatureValid: valid, headers: request.headers, authority: request.head.authority))
                return s.statuses.isEmpty ? 200 : s.statuses.removeFirst()
            }
            var headers = HTTPFields()
            if let location = self.redirectTo.withLock({ $0 }) { headers[.location] = location }
            return Response(status: .init(code: status), headers: headers)
        }
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port)))
        let result = Mutex<T?>(nil)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let value = try await body("http://\(host):\(port)/hook")
            result.withLock { $0 = value }
        }
        return result.withLock { $0! }
    }
}

infix operator **: MultiplicationPrecedence
func ** (base: Int64, exponent: Int64) -> Int64 { (0..<exponent).reduce(1) { acc, _ in acc * base } }

@Suite struct WebhookTests {
    static let backends = Backend.available

    @Test func theSignatureIsHMACSHA256OfTimestampDotBody() {
        // Expected value from Python's hmac module: hmac.new(b"whsec_test", b'1700000000.{"id":"evt_1"}', sha256).
        let body = Array(#"{"id":"evt_1"}"#.utf8)
        let header = WebhookSignature.sign(body: body, secret: "whsec_test", timestamp: 1_700_000_000)
        #expect(header == "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925")
        #expect(WebhookSignature.verify(header: header, body: body, secret: "whsec_test", now: 1_700_000_100))
        #expect(!WebhookSignature.verify(header: header, body: body + [0x20], secret: "whsec_test", now: 1_700_000_100))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "whsec_other", now: 1_700_000_100))
        // A captured request replayed an hour later is refused.
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "whsec_test", now: 1_700_003_600))
    }

    @Test(arguments: [
        ("127.0.0.1", false), ("10.1.2.3", false), ("172.20.0.1", false), ("192.168.1.1", false), ("169.254.169.254", false),
        ("100.64.0.1", false), ("0.0.0.0", false), ("::1", false), ("fe80::1", false), ("fd00::1", false), ("::ffff:127.0.0.1", false),
        ("224.0.0.1", false), ("255.255.255.255", false), ("240.0.0.1", false), ("192.0.2.10", false), ("198.51.100.7", false),
        ("203.0.113.9", false), ("198.18.0.1", false), ("192.0.0.8", false),
        ("::", false), ("ff02::1", false), ("::ffff:8.8.8.8", false), ("::8.8.8.8", false),
        ("64:ff9b::7f00:1", false), ("64:ff9b::808:808", false), ("64:ff9b:1::1", false), ("2002:7f00:1::", false),
        ("2002:808:808::", false), ("fec0::1", false), ("2001:db8::1", false), ("3fff::1", false), ("2001::1", false),
        ("100::1", false), ("2001:20::1", false),
        ("8.8.8.8", true), ("172.32.0.1", true), ("100.128.0.1", true), ("2001:4860:4860::8888", true), ("2606:4700::1111", true),
    ])
    func privateAddressesAreRecognised(_ text: String, _ isPublic: Bool) throws {
        #expect(try #require(IPAddress(text)).isPublic == isPublic)
    }

    @Test func urlsThatAreNotHTTPOrCarryCredentialsAreRefused() {
        for bad in ["ftp://example.com/x", "example.com/hook", "https://user:pw@example.com/", "http:///nohost"] {
            if case .success = WebhookURLPolicy.parse(bad) { Issue.record("accepted \(bad)") }
        }
        if case .failure = WebhookURLPolicy.parse("https://example.com:8443/hook") { Issue.record("refused a good URL") }
    }

    /// One confirmed deposit produces events; returns the store's events.
    static func someEvents(_ store: SQLStore) async throws -> [OutboxEvent] {
        let c = try await store.createCustomer(externalID: nil, email: nil, metadata: nil, environment: .production, now: 1).id
        let (address, _) = try await store.issueAddress(customerID: c, network: .tron, now: 1) { n, i in
            try TestKeys.issuer.derive(network: n, index: i)
        }
        let o = DepositObservation(
            network: .tron, assetID: "USDT-Tron", address: address.address, customerID: c, amount: amount("5", 6), txHash: "0xab",
            position: 0, blockNumber: 1, blockHash: "0x01")
        let (deposit, _) = try await store.recordDeposit(o, minimum: amount("0.01", 6), now: 1_000)
        _ = try await store.creditDeposit(id: deposit.id, now: 2_000)
        return try await store.events(page: 1, pageSize: 50).items
    }

    @Test(arguments: backends)
    func eventsAreSignedRetriedAndRecorded(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let receiver = Receiver()
            try await receiver.with { url in
                let clock = TestClock(3_000)
                let endpoint = try await store.createWebhookEndpoint(
                    url: url, events: [.depositConfirmed, .customerBalanceCredited], secret: WebhookSignature.newSecret(), environment: .production, now: clock.now())
                receiver.secret.withLock { $0 = endpoint.secret }
                // Not subscribed to deposit.detected: only the two subscribed types are owed.
                let events = try await Self.someEvents(store)
                #expect(events.contains { $0.type == .depositDetected })
                let deliverer = WebhookDeliverer(
                    store: store, egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: true), timeout: .seconds(5)), now: clock.now,
                    logger: ScanHarness.logger)
                receiver.answer(500)
                #expect(try await deliverer.deliverDue() == 2)
                #expect(try await deliverer.deliverDue() == 0)  // the failed one waits for its backoff
                let received = receiver.received
                #expect(received.count == 2 && received.allSatisfy(\.signatureValid))
                let confirmed = try #require(events.first { $0.type == .depositConfirmed })
                let bodies = received.map { try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any] }
                let sent = try #require(bodies.compactMap { $0 }.first { $0["id"] as? String == confirmed.id })
                #expect(sent["type"] as? String == "deposit.confirmed" && sent["created"] as? String == rfc3339(confirmed.createdAt))
                #expect((sent["data"] as? [String: Any])?["status"] as? String == "confirmed")
                // One of the two failed with 500 and is pending; after its backoff it is delivered.
                let records = try await store.deliveries(eventID: events.first { $0.type == .customerBalanceCredited }!.id)
                    + (try await store.deliveries(eventID: confirmed.id))
                let failed = try #require(records.first { $0.status == .pending })
                #expect(failed.attempts.map(\.statusCode) == [500] && failed.attempts[0].error == "HTTP 500")
                #expect(records.filter { $0.status == .delivered }.count == 1)
                clock.advance(seconds: 7 * 3600)
                #expect(try await deliverer.deliverDue() == 1)
                let all = try await store.deliveries(eventID: events.first { $0.type == .customerBalanceCredited }!.id)
                    + (try await store.deliveries(eventID: confirmed.id))
                #expect(all.allSatisfy { $0.status == .delivered })
                #expect(all.flatMap(\.attempts).count == 3)
                // Redelivery sends it again.
                try await store.redeliver(eventID: confirmed.id, now: clock.now())
                #expect(try await deliverer.deliverDue() == 1)
                #expect(receiver.received.count == 4)
            }
        }
    }

    /// Two workers on one database (two instances) never attempt the same delivery: each event
    /// reaches the receiver once and each attempt is recorded once.
    @Test(arguments: backends)
    func twoWorkersNeverAttemptTheSameDelivery(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let receiver = Receiver()
            try await receiver.with { url in
                let clock = TestClock(3_000)
                let endpoint = try await store.createWebhookEndpoint(url: url, events: EventType.allCases, secret: WebhookSignature.newSecret(), environment: .production, now: clock.now())
                receiver.secret.withLock { $0 = endpoint.secret }
                let events = try await Self.someEvents(store)
                let workers = (0..<2).map { _ in
                    WebhookDeliverer(
                        store: store, egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: true), timeout: .seconds(5)), now: clock.now,
                        logger: ScanHarness.logger)
                }
                let attempted = try await withThrowingTaskGroup(of: Int.self) { group in
                    for w in workers { group.addTask { try await w.deliverDue() } }
                    return try await group.reduce(0, +)
                }
                #expect(attempted == events.count && events.count >= 3, "\(attempted) attempts for \(events.count) events")
                let ids = receiver.received.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any])?["id"] as? String }
                #expect(ids.count == events.count && Set(ids) == Set(events.map(\.id)), "each event once")
                for event in events {
                    let records = try await store.deliveries(eventID: event.id)
                    #expect(records.map(\.status) == [.delivered] && records.flatMap(\.attempts).map(\.attempt) == [1])
                }
            }
        }
    }

    @Test func deliveryGivesUpAfter72HoursAndAPrivateURLIsRefusedWhenNotAllowed() async throws {
        try await StoreFixture.with(.sqlite) { store in
            let clock = TestClock(3_000)
            _ = try await store.createWebhookEndpoint(
                url: "http://127.0.0.1:9/hook", events: [.depositConfirmed], secret: "whsec_x", environment: .production, now: 0)
            _ = try await Self.someEvents(store)
            let deliverer = WebhookDeliverer(
                store: store, egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: false)), now: clock.now, logger: ScanHarness.logger)
            #expect(try await deliverer.deliverDue() == 1)
            let id = try #require(try await store.events(page: 1, pageSize: 50).items.first { $0.type == .depositConfirmed }?.id)
            let first = try #require(try await store.deliveries(eventID: id).first)
            #expect(first.status == .pending && first.attempts[0].error?.contains("not a public address") == true)
            clock.advance(seconds: 73 * 3600)
            #expect(try await deliverer.deliverDue() == 1)
            #expect(try await store.deliveries(eventID: id).first?.status == .failed)
            #expect(try await deliverer.deliverDue() == 0)
        }
    }

    @Test(arguments: backends)
    func deletingAnEndpointCancelsWhatIsOwedToIt(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let endpoint = try await store.createWebhookEndpoint(
                url: "https://example.com/hook", events: EventType.allCases, secret: "whsec_x", environment: .production, now: 0)
            let events = try await Self.someEvents(store)
            #expect(try await store.dueDeliveries(now: 10_000, limit: 100).count == events.count)
            try await store.deleteWebhookEndpoint(id: endpoint.id, now: 3_000)
            #expect(try await store.dueDeliveries(now: 10_000, limit: 100).isEmpty)
            #expect(try await store.deliveries(eventID: events[0].id).map(\.status) == [.canceled])
            await #expect(throws: StoreError.notFound("webhook endpoint")) { try await store.deleteWebhookEndpoint(id: endpoint.id, now: 4_000) }
            await #expect(throws: StoreError.notFound("event")) { try await store.redeliver(eventID: "evt_nope", now: 4_000) }
        }
    }
}
