import LodestoneCore
import Foundation
import Hummingbird
import HummingbirdTesting
import LodestoneDomain
import LodestoneStore
import LodestoneWatcher
import Synchronization
import TestSupport
import Testing

/// A receiver that holds every request open until released: a receiver that hangs.
final class HangingReceiver: Sendable {
    private let state = Mutex<(arrived: Int, released: Bool, waiting: [CheckedContinuation<Void, Never>])>((0, false, []))

    var arrived: Int { state.withLock { $0.arrived } }

    func release() {
        let waiting = state.withLock { s in
            s.released = true
            defer { s.waiting = [] }
            return s.waiting
        }
        for w in waiting { w.resume() }
    }

    func with<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hook") { _, _ -> Response in
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = self.state.withLock { s in
                    s.arrived += 1
                    if s.released { return true }
                    s.waiting.append(c)
                    return false
                }
                if resumeNow { c.resume() }
            }
            return Response(status: .ok)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let result = Mutex<T?>(nil)
        try await app.test(.live) { client in
            let value = try await body("http://127.0.0.1:\(try #require(client.port))/hook")
            result.withLock { $0 = value }
        }
        return result.withLock { $0! }
    }
}

@Suite struct WebhookFairnessTests {
    @Test func aBacklogOfOneEndpointNeverFillsAClaim() {
        let due = (1...6).map { (eventID: "e\($0)", endpointID: "slow") } + [(eventID: "e7", endpointID: "fast")]
        let picked = DeliveryFairness.pick(due, inFlight: [:], limit: 5)
        #expect(picked.map(\.eventID) == ["e1", "e2", "e7"], "two of the slow one's, then the others'")
        #expect(DeliveryFairness.pick(due, inFlight: ["slow": 2], limit: 5).map(\.eventID) == ["e7"])
    }

    /// With three delivery slots, a receiver that hangs holds two at most: the other receiver gets
    /// every event while it hangs (with all slots taken by the hanging one, it would get none).
    @Test(arguments: Backend.available)
    func aHangingReceiverNeverHoldsUpAnother(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { store in
            let hanging = HangingReceiver()
            let fast = Receiver()
            try await hanging.with { stuckURL in
                try await fast.with { fastURL in
                    let all = EventType.allCases
                    _ = try await store.createWebhookEndpoint(url: stuckURL, events: all, secret: WebhookSignature.newSecret(), environment: .production, now: 1)
                    let endpoint = try await store.createWebhookEndpoint(url: fastURL, events: all, secret: WebhookSignature.newSecret(), environment: .production, now: 1)
                    fast.secret.withLock { $0 = endpoint.secret }
                    let events = try await WebhookTests.someEvents(store)
                    #expect(events.count >= 3)
                    let deliverer = WebhookDeliverer(
                        store: store, egress: WebhookEgress(policy: WebhookURLPolicy(allowPrivate: true), timeout: .seconds(120)),
                        now: { Int64(Date().timeIntervalSince1970 * 1000) }, concurrency: 3, logger: ScanHarness.logger)
                    let worker = Task { try await deliverer.run(interval: .milliseconds(50)) }
                    defer { worker.cancel() }
                    let deadline = ContinuousClock.now + .seconds(60)
                    while fast.received.count < events.count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                    #expect(fast.received.count == events.count, "every event reached the receiver that answers")
                    #expect(hanging.arrived <= DeliveryFairness.perEndpoint, "the hanging one holds at most its share")
                    hanging.release()
                    var delivered = 0
                    while delivered < 2 * events.count, ContinuousClock.now < deadline {
                        delivered = 0
                        for e in events { delivered += try await store.deliveries(eventID: e.id).filter { $0.status == .delivered }.count }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    #expect(delivered == 2 * events.count, "released, the hanging receiver gets its events too")
                    worker.cancel()
                    _ = await worker.result
                }
            }
        }
    }
}
