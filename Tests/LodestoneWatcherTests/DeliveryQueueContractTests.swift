import LodestoneCore
import Foundation
import LodestoneDomain
import LodestoneStore
import LodestoneWatcher
import Synchronization
import TestSupport
import Testing

/// A delivery queue kept in memory: what the worker's tests can use without a database. It must
/// pass the same contract as the SQL store.
final class InMemoryDeliveryQueue: DeliveryQueue {
    private struct Entry {
        var delivery: WebhookDelivery
        var status: DeliveryStatus
        var nextAttemptAt: Int64
        var attempts: [DeliveryAttempt]
    }

    private let entries = Mutex<[Entry]>([])

    /// Owes `event` to `endpoint` from `now` on.
    func enqueue(_ event: OutboxEvent, to endpoint: WebhookEndpoint, now: Int64) {
        entries.withLock {
            $0.append(
                Entry(
                    delivery: WebhookDelivery(event: event, endpoint: endpoint, attempts: 0, createdAt: now), status: .pending, nextAttemptAt: now,
                    attempts: []))
        }
    }

    func dueDeliveries(now: Int64, limit: Int) async throws -> [WebhookDelivery] {
        entries.withLock { entries in
            Array(
                entries.filter { $0.status == .pending && $0.nextAttemptAt <= now }
                    .sorted { $0.nextAttemptAt < $1.nextAttemptAt }
                    .prefix(limit).map(\.delivery))
        }
    }

    func claimDueDeliveries(now: Int64, until: Int64, limit: Int, inFlight: [String: Int]?) async throws -> [WebhookDelivery] {
        entries.withLock { entries in
            let due = entries.indices.filter { entries[$0].status == .pending && entries[$0].nextAttemptAt <= now }
                .sorted { entries[$0].nextAttemptAt < entries[$1].nextAttemptAt }
            let keys = due.map { (eventID: entries[$0].delivery.event.id, endpointID: entries[$0].delivery.endpoint.id) }
            let picked = inFlight.map { DeliveryFairness.pick(keys, inFlight: $0, limit: limit) } ?? Array(keys.prefix(limit))
            let chosen = due.filter { i in
                picked.contains { $0.eventID == entries[i].delivery.event.id && $0.endpointID == entries[i].delivery.endpoint.id }
            }
            for i in chosen { entries[i].nextAttemptAt = until }
            return chosen.map { entries[$0].delivery }
        }
    }

    func recordDeliveryAttempt(eventID: String, _ attempt: DeliveryAttempt, decision: DeliveryDecision) async throws {
        entries.withLock { entries in
            guard let i = entries.firstIndex(where: { $0.delivery.event.id == eventID && $0.delivery.endpoint.id == attempt.endpointID }),
                entries[i].status == .pending, entries[i].attempts.count == attempt.attempt - 1
            else { return }
            entries[i].attempts.append(attempt)
            let d = entries[i].delivery
            entries[i].delivery = WebhookDelivery(event: d.event, endpoint: d.endpoint, attempts: entries[i].attempts.count, createdAt: d.createdAt)
            switch decision {
            case .delivered: entries[i].status = .delivered
            case .failed: entries[i].status = .failed
            case .retry(let at): entries[i].nextAttemptAt = at
            }
        }
    }
}

@Suite struct DeliveryQueueContractTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case memory, sqlite, postgres
        var testDescription: String { rawValue }
        static var available: [Kind] { [.memory] + Backend.available.map { $0 == .sqlite ? .sqlite : .postgres } }
    }

    /// A queue owing three events to one endpoint, and those events' ids in the order they happened.
    static func with(_ kind: Kind, _ body: @Sendable (any DeliveryQueue, [String]) async throws -> Void) async throws {
        let types: [EventType] = [.depositDetected, .customerBalanceCredited, .depositConfirmed]
        switch kind {
        case .memory:
            let queue = InMemoryDeliveryQueue()
            let endpoint = WebhookEndpoint(id: "we_1", url: "https://example.com/hook", events: types, secret: "whsec_x", createdAt: 0)
            let ids = types.map { "evt_\($0.rawValue).1" }
            for (i, type) in types.enumerated() {
                queue.enqueue(OutboxEvent(id: ids[i], type: type, data: "{}", createdAt: 1_000 + Int64(i)), to: endpoint, now: 1_000)
            }
            try await body(queue, ids)
        case .sqlite, .postgres:
            try await StoreFixture.with(kind == .sqlite ? .sqlite : .postgres) { store in
                _ = try await store.createWebhookEndpoint(url: "https://example.com/hook", events: types, secret: "whsec_x", environment: .production, now: 0)
                let events = try await WebhookTests.someEvents(store).filter { types.contains($0.type) }
                #expect(events.count == 3)
                try await body(store, events.map(\.id))
            }
        }
    }

    @Test(arguments: Kind.available)
    func claimedDeliveriesComeInOrderGoToOneWorkerAndEachDecisionSticks(_ kind: Kind) async throws {
        try await Self.with(kind) { queue, ids in
            let now: Int64 = 10_000
            let claim: Int64 = 120_000
            let due = try await queue.claimDueDeliveries(now: now, until: now + claim, limit: 10)
            #expect(due.map(\.event.id) == ids, "due deliveries in the order the events happened")
            #expect(try await queue.claimDueDeliveries(now: now, until: now + claim, limit: 10).isEmpty, "a claimed delivery goes to one worker")
            let endpoint = due[0].endpoint.id
            func attempt(_ n: Int, status: Int?) -> DeliveryAttempt {
                DeliveryAttempt(endpointID: endpoint, attempt: n, attemptedAt: now, statusCode: status, durationMillis: 5, error: status == 204 ? nil : "HTTP 500")
            }
            try await queue.recordDeliveryAttempt(eventID: ids[0], attempt(1, status: 204), decision: .delivered)
            try await queue.recordDeliveryAttempt(eventID: ids[1], attempt(1, status: 500), decision: .retry(at: now + 60_000))
            try await queue.recordDeliveryAttempt(eventID: ids[2], attempt(1, status: 500), decision: .failed)
            // A worker that repeats itself (or was overtaken) changes nothing: attempt 1 is recorded.
            try await queue.recordDeliveryAttempt(eventID: ids[1], attempt(1, status: 204), decision: .delivered)
            // Delivered and failed are never due again; a retry is due at its time, with its attempt counted.
            #expect(try await queue.claimDueDeliveries(now: now + 59_999, until: now + claim, limit: 10).isEmpty)
            let retried = try await queue.claimDueDeliveries(now: now + 60_000, until: now + 60_000 + claim, limit: 10)
            #expect(retried.map(\.event.id) == [ids[1]] && retried.first?.attempts == 1)
            // Its worker dies without recording: the claim runs out and the delivery is due again, as attempt 2.
            #expect(try await queue.claimDueDeliveries(now: now + 60_000 + claim - 1, until: .max, limit: 10).isEmpty)
            let recovered = try await queue.claimDueDeliveries(now: now + 60_000 + claim, until: .max, limit: 10)
            #expect(recovered.map(\.event.id) == [ids[1]] && recovered.first?.attempts == 1)
            try await queue.recordDeliveryAttempt(eventID: ids[1], attempt(2, status: 204), decision: .delivered)
            #expect(try await queue.claimDueDeliveries(now: .max, until: .max, limit: 10).isEmpty)
        }
    }
}
