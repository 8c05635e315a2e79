public import LodestoneCore
public import LodestoneDomain

// Webhook endpoints and the delivery ledger behind the outbox.
extension SQLStore {
    static let endpointColumns = "id, url, events, secret, created_at, previous_secret, previous_secret_expires_at, environment"

    func endpoint(_ row: SQLRow, from i: Int = 0) throws -> WebhookEndpoint {
        let events = try row.text(i + 2).split(separator: ",").map { name in
            guard let type = EventType(rawValue: String(name)) else { throw StoreError.corrupt("endpoint event type") }
            return type
        }
        let id = try row.text(i)
        return WebhookEndpoint(
            id: id, url: try row.text(i + 1), events: events, secret: try sealer.open(try row.text(i + 3), owner: id),
            createdAt: try row.int(i + 4), previousSecret: try row.optionalText(i + 5).map { try sealer.open($0, owner: id) },
            previousSecretExpiresAt: try row.optionalInt(i + 6), environment: DeploymentEnvironment(rawValue: try row.text(i + 7)) ?? .production)
    }

    public func createWebhookEndpoint(
        url: String, events: [EventType], secret: String, environment: DeploymentEnvironment, now: Int64
    ) async throws -> WebhookEndpoint {
        let endpoint = WebhookEndpoint(
            id: ResourceID.make("we"), url: url, events: events, secret: secret, createdAt: now, environment: environment)
        // Stored as ",a,b," so one LIKE finds the endpoints of a type.
        let list = "," + events.map(\.rawValue).joined(separator: ",") + ","
        let sealed = try sealer.seal(secret, owner: endpoint.id)
        _ = try await database.transaction { db in
            try await db.query(
                "INSERT INTO webhook_endpoints (id, url, events, secret, created_at, environment) VALUES ($1, $2, $3, $4, $5, $6)",
                [.text(endpoint.id), .text(url), .text(list), .text(sealed), .int(now), .text(environment.rawValue)])
        }
        return endpoint
    }

    public func webhookEndpoints() async throws -> [WebhookEndpoint] {
        try await database.read { db in
            try await db.query(
                "SELECT \(Self.endpointColumns) FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id"
            ).map { try endpoint($0) }
        }
    }

    public func rotateWebhookSecret(id: String, secret: String, overlapUntil: Int64, now: Int64) async throws -> WebhookEndpoint {
        let sealed = try sealer.seal(secret, owner: id)
        return try await database.transaction { db in
            guard let current = try await db.query(
                "SELECT \(Self.endpointColumns) FROM webhook_endpoints WHERE id = $1 AND deleted_at IS NULL", [.text(id)]
            ).first.map({ try endpoint($0) }) else { throw StoreError.notFound("webhook endpoint") }
            // The old secret stays valid for the overlap only; with no overlap it is gone at once.
            let keepPrevious = overlapUntil > now
            _ = try await db.query(
                """
                UPDATE webhook_endpoints SET secret = $1, previous_secret = $2, previous_secret_expires_at = $3 WHERE id = $4
                """,
                [
                    .text(sealed), keepPrevious ? .text(try sealer.seal(current.secret, owner: id)) : .null,
                    keepPrevious ? .int(overlapUntil) : .null, .text(id),
                ])
            return WebhookEndpoint(
                id: id, url: current.url, events: current.events, secret: secret, createdAt: current.createdAt,
                previousSecret: keepPrevious ? current.secret : nil, previousSecretExpiresAt: keepPrevious ? overlapUntil : nil,
                environment: current.environment)
        }
    }

    /// Seals secrets that an older version stored in plain text (run by `migrate`).
    func sealPlaintextSecrets() async throws {
        try await database.transaction { db in
            for row in try await db.query("SELECT id, secret, previous_secret FROM webhook_endpoints") {
                let id = try row.text(0)
                let secret = try row.text(1)
                let previous = try row.optionalText(2)
                if !SecretSealer.isSealed(secret) {
                    _ = try await db.query(
                        "UPDATE webhook_endpoints SET secret = $1 WHERE id = $2", [.text(try sealer.seal(secret, owner: id)), .text(id)])
                }
                if let previous, !SecretSealer.isSealed(previous) {
                    _ = try await db.query(
                        "UPDATE webhook_endpoints SET previous_secret = $1 WHERE id = $2",
                        [.text(try sealer.seal(previous, owner: id)), .text(id)])
                }
            }
        }
    }

    public func deleteWebhookEndpoint(id: String, now: Int64) async throws {
        try await database.transaction { db in
            let deleted = try await db.query(
                "UPDATE webhook_endpoints SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING id", [.int(now), .text(id)])
            guard !deleted.isEmpty else { throw StoreError.notFound("webhook endpoint") }
            _ = try await db.query(
                "UPDATE webhook_deliveries SET status = 'canceled', updated_at = $1 WHERE endpoint_id = $2 AND status = 'pending'",
                [.int(now), .text(id)])
        }
    }

    public func dueDeliveries(now: Int64, limit: Int) async throws -> [WebhookDelivery] {
        try await database.read { db in
            try await db.query(
                """
                SELECT e.id, e.type, e.data, e.created_at, e.environment, w.id, w.url, w.events, w.secret, w.created_at, w.previous_secret,
                       w.previous_secret_expires_at, w.environment, d.attempts, d.created_at
                FROM webhook_deliveries d JOIN events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
                WHERE d.status = 'pending' AND d.next_attempt_at <= $1
                ORDER BY d.next_attempt_at, e.seq LIMIT $2
                """, [.int(now), .int(Int64(limit))]
            ).map { row in
                WebhookDelivery(
                    event: try Self.outboxEvent(row),
                    endpoint: try endpoint(row, from: 5), attempts: Int(try row.int(13)), createdAt: try row.int(14))
            }
        }
    }

    /// Claims up to `limit` deliveries due at `now` until `until`: no other worker (another
    /// instance included) is given them before then, and a claim whose worker died falls due again
    /// then. Oldest first.
    public func claimDueDeliveries(now: Int64, until: Int64, limit: Int, inFlight: [String: Int]?) async throws -> [WebhookDelivery] {
        // Only the delivery rows are locked; rows another worker holds are passed over. Endpoints
        // already at their share are left out, and more rows are read than taken so that one
        // endpoint's backlog cannot fill a claim (`DeliveryFairness` picks).
        let skipLocked = database.dialect.forUpdateSkipLocked(of: "d")
        let full = (inFlight ?? [:]).filter { $0.value >= DeliveryFairness.perEndpoint }.keys.sorted()
        let read = inFlight == nil ? limit : min(1_000, limit * 10)
        let binds: [SQLValue] = [.int(now), .int(Int64(read))] + full.map(SQLValue.text)
        let skipFull = full.isEmpty ? "" : " AND d.endpoint_id NOT IN (" + full.indices.map { "$\($0 + 3)" }.joined(separator: ", ") + ")"
        return try await database.transaction { db in
            let due = try await db.query(
                """
                SELECT d.event_id, d.endpoint_id FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
                WHERE d.status = 'pending' AND d.next_attempt_at <= $1\(skipFull)
                ORDER BY d.next_attempt_at, e.seq LIMIT $2\(skipLocked)
                """, binds
            ).map { (eventID: try $0.text(0), endpointID: try $0.text(1)) }
            let picked = inFlight.map { DeliveryFairness.pick(due, inFlight: $0, limit: limit) } ?? due
            let keys = picked.map { ($0.eventID, $0.endpointID) }
            var claimed: [WebhookDelivery] = []
            for (eventID, endpointID) in keys {
                _ = try await db.query(
                    "UPDATE webhook_deliveries SET next_attempt_at = $1, updated_at = $2 WHERE event_id = $3 AND endpoint_id = $4",
                    [.int(until), .int(now), .text(eventID), .text(endpointID)])
                let rows = try await db.query(
                    """
                    SELECT e.id, e.type, e.data, e.created_at, e.environment, w.id, w.url, w.events, w.secret, w.created_at,
                           w.previous_secret, w.previous_secret_expires_at, w.environment, d.attempts, d.created_at
                    FROM webhook_deliveries d JOIN events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
                    WHERE d.event_id = $1 AND d.endpoint_id = $2
                    """, [.text(eventID), .text(endpointID)])
                for row in rows {
                    claimed.append(
                        WebhookDelivery(
                            event: try Self.outboxEvent(row),
                            endpoint: try endpoint(row, from: 5), attempts: Int(try row.int(13)), createdAt: try row.int(14)))
                }
            }
            return claimed
        }
    }

    public func recordDeliveryAttempt(eventID: String, _ attempt: DeliveryAttempt, decision: DeliveryDecision) async throws {
        let (status, next): (DeliveryStatus, Int64) =
            switch decision {
            case .delivered: (.delivered, attempt.attemptedAt)
            case .retry(let at): (.pending, at)
            case .failed: (.failed, attempt.attemptedAt)
            }
        _ = try await database.transaction { db in
            // Only the attempt that follows the recorded ones moves the delivery on: a worker that
            // repeats itself, or one overtaken after its claim ran out, changes nothing, and the
            // attempt row and the delivery's state are always written together.
            let moved = try await db.query(
                """
                UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, updated_at = $4
                WHERE event_id = $5 AND endpoint_id = $6 AND status = 'pending' AND attempts = $7 RETURNING event_id
                """,
                [
                    .text(status.rawValue), .int(Int64(attempt.attempt)), .int(next), .int(attempt.attemptedAt), .text(eventID),
                    .text(attempt.endpointID), .int(Int64(attempt.attempt - 1)),
                ])
            guard !moved.isEmpty else { return }
            _ = try await db.query(
                """
                INSERT INTO webhook_attempts (event_id, endpoint_id, attempt, attempted_at, status_code, duration_ms, error)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    .text(eventID), .text(attempt.endpointID), .int(Int64(attempt.attempt)), .int(attempt.attemptedAt),
                    attempt.statusCode.map { .int(Int64($0)) } ?? .null, .int(attempt.durationMillis),
                    attempt.error.map { .text($0) } ?? .null,
                ])
        }
    }

    public func redeliver(eventID: String, now: Int64) async throws {
        try await database.transaction { db in
            guard let row = try await db.query("SELECT type, environment FROM events WHERE id = $1", [.text(eventID)]).first else {
                throw StoreError.notFound("event")
            }
            let type = try row.text(0)
            let environment = try row.text(1)
            _ = try await db.query(
                """
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, created_at = $1, updated_at = $1
                WHERE event_id = $2 AND status <> 'canceled'
                """, [.int(now), .text(eventID)])
            // Endpoints added after the event was written receive it too.
            _ = try await db.query(
                """
                INSERT INTO webhook_deliveries (event_id, endpoint_id, status, attempts, next_attempt_at, created_at, updated_at)
                SELECT $1, id, 'pending', 0, $2, $2, $2 FROM webhook_endpoints w
                WHERE deleted_at IS NULL AND events LIKE $3 AND environment = $4
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = $1 AND d.endpoint_id = w.id)
                """, [.text(eventID), .int(now), .text("%,\(type),%"), .text(environment)])
        }
    }

    public func event(id: String) async throws -> OutboxEvent? {
        try await database.read { db in
            try await db.query("SELECT \(Self.eventColumns) FROM events WHERE id = $1", [.text(id)]).first.map(Self.outboxEvent)
        }
    }

    public func deliveries(eventID: String) async throws -> [DeliveryRecord] {
        try await database.read { db in
            let attempts = try await db.query(
                """
                SELECT endpoint_id, attempt, attempted_at, status_code, duration_ms, error FROM webhook_attempts
                WHERE event_id = $1 ORDER BY endpoint_id, attempt
                """, [.text(eventID)]
            ).map { r in
                DeliveryAttempt(
                    endpointID: try r.text(0), attempt: Int(try r.int(1)), attemptedAt: try r.int(2),
                    statusCode: try r.optionalInt(3).map { Int($0) }, durationMillis: try r.int(4), error: try r.optionalText(5))
            }
            return try await db.query(
                "SELECT endpoint_id, status, next_attempt_at FROM webhook_deliveries WHERE event_id = $1 ORDER BY created_at, endpoint_id",
                [.text(eventID)]
            ).map { r in
                let endpoint = try r.text(0)
                guard let status = DeliveryStatus(rawValue: try r.text(1)) else { throw StoreError.corrupt("delivery status") }
                return DeliveryRecord(
                    endpointID: endpoint, status: status, attempts: attempts.filter { $0.endpointID == endpoint },
                    nextAttemptAt: status == .pending ? try r.int(2) : nil)
            }
        }
    }
}
