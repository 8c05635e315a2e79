import Foundation
public import LodestoneDomain
import LodestoneStore
public import Logging

/// Delivers the outbox: each due event to each subscribed endpoint, signed, with a timeout; any 2xx
/// acknowledges; otherwise it is retried with exponential backoff and jitter until 72 hours after
/// the event, then marked `failed`. Every attempt is recorded. Delivery is at least once; receivers
/// deduplicate on the event id.
public struct WebhookDeliverer: Sendable {
    let store: any DeliveryQueue
    let egress: WebhookEgress
    let now: @Sendable () -> Int64
    let giveUpAfterMillis: Int64
    let concurrency: Int
    let logger: Logger

    /// A deliverer.
    public init(
        store: any DeliveryQueue, egress: WebhookEgress, now: @escaping @Sendable () -> Int64, giveUpAfterHours: Int64 = 72, concurrency: Int = 8,
        logger: Logger
    ) {
        self.store = store
        self.egress = egress
        self.now = now
        giveUpAfterMillis = giveUpAfterHours * 3_600_000
        self.concurrency = concurrency
        self.logger = logger
    }

    /// The JSON body sent for an event: the envelope `GET /v1/events` lists, `{id, type, created, data}`
    /// (created in RFC 3339), encoded from typed values.
    public static func body(_ event: OutboxEvent) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(EventEnvelope(event)))
    }

    /// The headers of one delivery: content type, `Lodestone-Signature`, and the Standard Webhooks
    /// trio, each signed with every secret in force (two during a rotation's overlap).
    public static func headers(event: OutboxEvent, body: [UInt8], secrets: [String], timestamp: Int64) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("User-Agent", "Lodestone-Webhooks/1"),
            (WebhookSignature.header, WebhookSignature.sign(body: body, secrets: secrets, timestamp: timestamp)),
        ]
        headers += StandardWebhookSignature.headers(id: event.id, body: body, secrets: secrets, timestamp: timestamp) ?? []
        return headers
    }

    /// When to try again after failed attempt number `attempt`: 30 s doubling to a 6-hour cap, with
    /// half of each wait random so that retries of many events spread out.
    public static func retryDelayMillis(after attempt: Int) -> Int64 {
        let base: Int64 = 30_000 << Int64(min(max(attempt - 1, 0), 20))
        let capped = min(base, 6 * 3_600_000)
        return capped / 2 + Int64.random(in: 0...(capped / 2))
    }

    /// How long a worker holds the deliveries it claimed: well over one attempt's timeout.
    static let claimMillis: Int64 = 120_000

    /// Attempts every delivery due now; returns how many were attempted.
    @discardableResult
    public func deliverDue() async throws -> Int {
        let at = now()
        // Claimed for longer than an attempt can take (the egress timeout), so no other worker
        // attempts them meanwhile; a claim whose worker died falls due again.
        let due = try await store.claimDueDeliveries(now: at, until: at + Self.claimMillis, limit: 100)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for delivery in due {
                if running == concurrency {
                    try await group.next()
                    running -= 1
                }
                group.addTask { try await deliver(delivery) }
                running += 1
            }
            try await group.waitForAll()
        }
        return due.count
    }

    func deliver(_ d: WebhookDelivery) async throws {
        let started = now()
        let clock = ContinuousClock()
        let began = clock.now
        let attempt = d.attempts + 1
        let body = try Self.body(d.event)
        let headers = Self.headers(event: d.event, body: body, secrets: d.endpoint.signingSecrets(at: started), timestamp: started / 1000)
        let outcome = try await egress.post(d.endpoint.url, headers: headers, body: body)
        let status = outcome.status
        let problem = outcome.problem
        let elapsed = clock.now - began
        let decision: DeliveryDecision
        if problem == nil {
            decision = .delivered
        } else if now() - d.createdAt >= giveUpAfterMillis {
            decision = .failed
        } else {
            decision = .retry(at: now() + Self.retryDelayMillis(after: attempt))
        }
        try await store.recordDeliveryAttempt(
            eventID: d.event.id,
            DeliveryAttempt(
                endpointID: d.endpoint.id, attempt: attempt, attemptedAt: started, statusCode: status, durationMillis: elapsed.milliseconds,
                error: problem),
            decision: decision)
        let result: String
        switch decision {
        case .delivered: result = "delivered"
        case .retry: result = "retrying"
        case .failed: result = "failed"
        }
        WatcherMetrics.webhookAttempt(endpoint: d.endpoint.id, result: result)
        switch decision {
        case .delivered:
            logger.debug("webhook delivered", metadata: ["event": "\(d.event.id)", "endpoint": "\(d.endpoint.id)"])
        case .retry(let at):
            logger.warning(
                "webhook delivery failed; will retry",
                metadata: ["event": "\(d.event.id)", "endpoint": "\(d.endpoint.id)", "attempt": "\(attempt)", "error": "\(problem ?? "")", "next_at": "\(at)"])
        case .failed:
            logger.error(
                "webhook delivery gave up after 72 hours", metadata: ["event": "\(d.event.id)", "endpoint": "\(d.endpoint.id)", "error": "\(problem ?? "")"])
        }
    }

    /// Delivers until cancelled: claims work whenever a slot is free (at most `concurrency` in
    /// flight, `DeliveryFairness.perEndpoint` per endpoint) and looks for new work every
    /// `interval`, so a receiver that takes its whole timeout holds only its own deliveries.
    public func run(interval: Duration = .seconds(1)) async throws {
        // A child task's result: the endpoint of a finished delivery, or nil for the timer.
        try await withThrowingTaskGroup(of: String?.self) { group in
            var inFlight: [String: Int] = [:]
            var running = 0
            var ticking = false
            while !Task.isCancelled {
                if running < concurrency {
                    do {
                        let at = now()
                        for d in try await store.claimDueDeliveries(
                            now: at, until: at + Self.claimMillis, limit: concurrency - running, inFlight: inFlight)
                        {
                            inFlight[d.endpoint.id, default: 0] += 1
                            running += 1
                            group.addTask {
                                do { try await deliver(d) } catch is CancellationError {} catch {
                                    logger.error("webhook delivery failed to record", metadata: ["event": "\(d.event.id)", "error": "\(error)"])
                                }
                                return d.endpoint.id
                            }
                        }
                    } catch is CancellationError {
                        break
                    } catch {
                        logger.error("webhook delivery pass failed", metadata: ["error": "\(error)"])
                    }
                }
                if !ticking {
                    ticking = true
                    group.addTask {
                        try? await Task.sleep(for: interval)
                        return nil
                    }
                }
                // Wakes on the next finished delivery or the timer, whichever is first.
                guard let finished = try await group.next() else { break }
                if let endpoint = finished {
                    running -= 1
                    inFlight[endpoint, default: 1] -= 1
                    if inFlight[endpoint] == 0 { inFlight[endpoint] = nil }
                } else {
                    ticking = false
                }
            }
            group.cancelAll()
        }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

/// What the delivery worker needs of the store: the deliveries due, and a place to record each
/// attempt with what follows from it. `SQLStore` is one; tests use an in-memory one.
public protocol DeliveryQueue: Sendable {
    /// Claims deliveries whose next attempt is due at `now` for this worker until `until` (no
    /// other worker gets them before; unrecorded by then, they are due again), oldest first, at
    /// most `limit`.
    /// `inFlight` counts this worker's deliveries still running per endpoint, and `DeliveryFairness`
    /// caps each endpoint's share; nil takes every due delivery oldest first (a pass that waits for all).
    func claimDueDeliveries(now: Int64, until: Int64, limit: Int, inFlight: [String: Int]?) async throws -> [WebhookDelivery]
    /// Records an attempt and its decision (delivered, retry at, failed), in one step; only the
    /// attempt that follows the recorded ones counts.
    func recordDeliveryAttempt(eventID: String, _ attempt: DeliveryAttempt, decision: DeliveryDecision) async throws
}

extension DeliveryQueue {
    /// Claims every due delivery, oldest first, with no share per endpoint.
    public func claimDueDeliveries(now: Int64, until: Int64, limit: Int) async throws -> [WebhookDelivery] {
        try await claimDueDeliveries(now: now, until: until, limit: limit, inFlight: nil)
    }
}

extension SQLStore: DeliveryQueue {}
