public import LodestoneCore

/// A merchant URL that receives signed events.
public struct WebhookEndpoint: Sendable, Equatable {
    /// `we_…`
    public let id: String
    /// HTTPS (or, where allowed, HTTP) URL.
    public let url: String
    /// Event types it receives.
    public let events: [EventType]
    /// HMAC-SHA256 signing secret (`whsec_…`); shown to the operator once, at creation or rotation.
    public let secret: String
    /// Unix milliseconds.
    public let createdAt: Int64
    /// The secret a rotation replaced, still signed with until `previousSecretExpiresAt`.
    public let previousSecret: String?
    /// End of the rotation's overlap, unix milliseconds.
    public let previousSecretExpiresAt: Int64?
    /// The environment whose events it receives.
    public let environment: DeploymentEnvironment

    /// An endpoint.
    public init(
        id: String, url: String, events: [EventType], secret: String, createdAt: Int64, previousSecret: String? = nil,
        previousSecretExpiresAt: Int64? = nil, environment: DeploymentEnvironment = .production
    ) {
        self.environment = environment
        self.id = id
        self.url = url
        self.events = events
        self.secret = secret
        self.createdAt = createdAt
        self.previousSecret = previousSecret
        self.previousSecretExpiresAt = previousSecretExpiresAt
    }

    /// The secrets a delivery at `now` is signed with: the current one, then the previous one while
    /// the rotation's overlap lasts, so receivers can switch secrets without losing a delivery.
    public func signingSecrets(at now: Int64) -> [String] {
        guard let previousSecret, let until = previousSecretExpiresAt, now < until else { return [secret] }
        return [secret, previousSecret]
    }
}

/// Where the delivery of one event to one endpoint stands.
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its next attempt.
    case pending
    /// A 2xx answer was received.
    case delivered
    /// Retries ran out; `POST /v1/events/{id}/redeliver` starts again.
    case failed
    /// The endpoint was deleted first.
    case canceled
}

/// One event owed to one endpoint.
public struct WebhookDelivery: Sendable, Equatable {
    /// The event.
    public let event: OutboxEvent
    /// The endpoint.
    public let endpoint: WebhookEndpoint
    /// Attempts made so far.
    public let attempts: Int
    /// Unix milliseconds the delivery was created (retries stop 72 hours after).
    public let createdAt: Int64

    /// A delivery.
    public init(event: OutboxEvent, endpoint: WebhookEndpoint, attempts: Int, createdAt: Int64) {
        self.event = event
        self.endpoint = endpoint
        self.attempts = attempts
        self.createdAt = createdAt
    }
}

/// One HTTP attempt, as recorded for the operator.
public struct DeliveryAttempt: Sendable, Equatable {
    /// Endpoint id.
    public let endpointID: String
    /// 1, 2, …
    public let attempt: Int
    /// Unix milliseconds.
    public let attemptedAt: Int64
    /// HTTP status, when an answer came.
    public let statusCode: Int?
    /// Milliseconds the attempt took.
    public let durationMillis: Int64
    /// What went wrong, when it did.
    public let error: String?

    /// An attempt.
    public init(endpointID: String, attempt: Int, attemptedAt: Int64, statusCode: Int?, durationMillis: Int64, error: String?) {
        self.endpointID = endpointID
        self.attempt = attempt
        self.attemptedAt = attemptedAt
        self.statusCode = statusCode
        self.durationMillis = durationMillis
        self.error = error
    }
}

/// What the delivery worker decided after an attempt.
public enum DeliveryDecision: Sendable, Equatable {
    /// Acknowledged with a 2xx.
    case delivered
    /// Try again at this unix millisecond.
    case retry(at: Int64)
    /// Give up.
    case failed
}

/// Delivery state of one event at one endpoint, with its attempts.
public struct DeliveryRecord: Sendable, Equatable {
    /// Endpoint id.
    public let endpointID: String
    /// Status.
    public let status: DeliveryStatus
    /// Attempts made.
    public let attempts: [DeliveryAttempt]
    /// Next attempt, unix milliseconds, while pending.
    public let nextAttemptAt: Int64?

    /// A record.
    public init(endpointID: String, status: DeliveryStatus, attempts: [DeliveryAttempt], nextAttemptAt: Int64?) {
        self.endpointID = endpointID
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
    }
}
